"""Sign-up, login (password and magic link), logout, password reset, the account page, the event team."""

from __future__ import annotations

import contextlib
import json
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from nec.accounts import personal_data, services
from nec.accounts.forms import (
    ChangePasswordForm,
    ConfirmForm,
    ConfirmSignupForm,
    DeleteAccountForm,
    EmailOnlyForm,
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    SignupForm,
    TeamMemberForm,
)
from nec.accounts.models import EventRoleKind, LoginTokenPurpose
from nec.accounts.permissions import can_manage, organiser_required
from nec.core import storage
from nec.core.actions import run
from nec.core.db import utcnow
from nec.core.tokens import InvalidLink
from nec.core.web import current_actor
from nec.extensions import limiter

bp = Blueprint("accounts", __name__)

# Per client address, on every form that checks a password or sends a mail.
PER_IP_LIMIT = "10 per minute; 100 per hour"
# Per submitted address: nobody can flood a mailbox, nor try passwords on one account from many addresses.
PER_EMAIL_MAIL_LIMIT = "5 per 15 minutes; 20 per day"
PER_EMAIL_LOGIN_LIMIT = "20 per 15 minutes; 100 per day"


def _submitted_email() -> str:
    email = request.form.get("email") or request.form.get("link-email") or ""
    return "email:" + services.normalise_email(email)[:254]


def _safe_next(target: str | None) -> str | None:
    """Only a path of this site: never another site (open redirect), whatever the spelling."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if any(c in target for c in "\\\r\n\t") or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _after_login(next_url: str | None = None):
    """Back where the person came from (a page of this site), else to their event: an organiser to its
    dashboard, anyone else to its home; the list of events for a person who has none yet."""
    target = _safe_next(next_url)
    if target:
        return redirect(target)
    landing = services.landing_event(current_actor())
    if landing is None:
        return redirect(url_for("events.index"))
    event, organises = landing
    return redirect(url_for("events.manage_dashboard" if organises else "events.home", ev=event.slug))


# --- sign-up and login -------------------------------------------------------------------------


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(PER_IP_LIMIT, methods=["POST"])
@limiter.limit(PER_EMAIL_MAIL_LIMIT, key_func=_submitted_email, methods=["POST"])
def signup():
    """Signs nobody in: the account waits for the link mailed to its address. The answer is the same
    whether or not the address already has an account (its owner is mailed instead)."""
    next_url = _safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return _after_login(next_url)
    form = SignupForm(next=next_url or "")
    if form.validate_on_submit():
        _done, problem = run(
            lambda: services.sign_up(
                form.email.data,
                form.full_name.data,
                form.password.data,
                locale=session.get("locale", "fr"),
                next_url=_safe_next(form.next.data),
            )
        )
        if problem is None:
            return render_template("accounts/check_your_mail.html", email=form.email.data, kind="signup")
        form.email.errors.append(problem.message)
    return render_template("accounts/signup.html", form=form)


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(PER_IP_LIMIT, methods=["POST"])
def confirm_signup(token: str):
    """The link of the sign-up mail, with the password chosen at sign-up (see services.confirm_signup).
    Without it, the same link serves as a login link (which drops a password nobody proved)."""
    next_url = _safe_next(request.args.get("next"))
    form = ConfirmSignupForm()
    try:
        user = services.check_login_token(token, LoginTokenPurpose.magic_link)
    except InvalidLink as exc:
        return _invalid_link(str(exc), "magic_link")
    if form.validate_on_submit():
        confirmed, problem = run(lambda: services.confirm_signup(token, form.password.data), refusals=(InvalidLink,))
        if isinstance(problem, InvalidLink):
            return _invalid_link(str(problem), "magic_link")
        if problem is None:
            login_user(confirmed)
            flash(_("Merci ! Votre adresse est confirmée et vous êtes connecté·e."), "success")
            return _after_login(next_url)
        form.password.errors.append(problem.message)
    link_url = url_for("accounts.magic_link", token=token, next=next_url) if next_url else None
    return render_template(
        "accounts/confirm_signup.html",
        form=form,
        user=user,
        link_url=link_url or url_for("accounts.magic_link", token=token),
    ), (400 if form.errors else 200)


def _render_login(login_form=None, link_form=None, next_url=None):
    next_url = next_url or ""
    return render_template(
        "accounts/login.html",
        form=login_form or LoginForm(next=next_url, formdata=None),
        link_form=link_form or EmailOnlyForm(prefix="link", next=next_url, formdata=None),
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(PER_IP_LIMIT, methods=["POST"])
@limiter.limit(PER_EMAIL_LOGIN_LIMIT, key_func=_submitted_email, methods=["POST"])
def login():
    next_url = _safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return _after_login(next_url)
    form = LoginForm(next=next_url or "")
    if form.validate_on_submit():
        signed_in, problem = run(lambda: services.sign_in(form.email.data, form.password.data))
        user, refusal = signed_in or (None, problem.message)
        if refusal:  # an unconfirmed account: its confirmation link was mailed again
            form.password.errors.append(refusal)
            return _render_login(login_form=form, next_url=next_url)
        if user is None:
            form.password.errors.append(
                _(
                    "Adresse e-mail ou mot de passe incorrect. Vérifiez-les, "
                    "ou recevez plutôt un lien de connexion par e-mail (plus bas)."
                )
            )
        else:
            login_user(user, remember=form.remember.data)
            return _after_login(form.next.data)
    return _render_login(login_form=form, next_url=next_url)


@bp.post("/login/link")
@limiter.limit(PER_IP_LIMIT)
@limiter.limit(PER_EMAIL_MAIL_LIMIT, key_func=_submitted_email)
def request_magic_link():
    form = EmailOnlyForm(prefix="link")
    if not form.validate_on_submit():
        return _render_login(link_form=form, next_url=_safe_next(form.next.data))
    # The same answer whether or not an account exists: nobody learns who has one.
    run(lambda: services.request_magic_link(form.email.data, next_url=_safe_next(form.next.data)))
    return render_template("accounts/check_your_mail.html", email=form.email.data, kind="magic_link")


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def magic_link(token: str):
    """GET only shows a button: mail scanners that open links must not use them up."""
    next_url = _safe_next(request.args.get("next"))
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        user, problem = run(lambda: services.login_with_magic_link(token), refusals=(InvalidLink,))
        if problem is not None:
            return _invalid_link(str(problem), "magic_link")
        login_user(user)
        flash(_("Vous êtes connecté."), "success")
        return _after_login(next_url)
    try:
        user = services.check_login_token(token, LoginTokenPurpose.magic_link)
    except InvalidLink as exc:
        return _invalid_link(str(exc), "magic_link")
    return render_template("accounts/magic_link_confirm.html", form=form, user=user, next_url=next_url)


def _invalid_link(message: str, kind: str):
    form = EmailOnlyForm(prefix="link", formdata=None)
    return render_template("accounts/invalid_link.html", message=message, kind=kind, link_form=form), 400


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:  # every session and remember cookie of the person ends, server side
        user = current_actor()
        run(lambda: services.log_out(user))
    logout_user()
    flash(_("Vous êtes déconnecté. À bientôt !"), "success")
    return redirect(url_for("events.index"))


# --- password reset ----------------------------------------------------------------------------


@bp.route("/account/password-reset", methods=["GET", "POST"])
@limiter.limit(PER_IP_LIMIT, methods=["POST"])
@limiter.limit(PER_EMAIL_MAIL_LIMIT, key_func=_submitted_email, methods=["POST"])
def password_reset_request():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        run(lambda: services.request_password_reset(form.email.data))
        return render_template("accounts/check_your_mail.html", email=form.email.data, kind="password_reset")
    return render_template("accounts/password_reset_request.html", form=form)


@bp.route("/account/password-reset/<token>", methods=["GET", "POST"])
def password_reset(token: str):
    form = PasswordResetForm()
    try:
        user = services.check_login_token(token, LoginTokenPurpose.password_reset)
    except InvalidLink as exc:
        return _invalid_link(str(exc), "password_reset")
    if form.validate_on_submit():
        reset, problem = run(lambda: services.reset_password(token, form.password.data), refusals=(InvalidLink,))
        if isinstance(problem, InvalidLink):
            return _invalid_link(str(problem), "password_reset")
        if problem is None:
            login_user(reset)  # this browser stays signed in; every other session ends
            flash(_("Votre nouveau mot de passe est enregistré. Vos autres sessions sont fermées."), "success")
            return redirect(url_for("accounts.account"))
        form.password.errors.append(problem.message)
    return render_template("accounts/password_reset.html", form=form, user=user)


# --- the account page --------------------------------------------------------------------------


def _render_account(profile_form=None, password_form=None):
    user = current_actor()
    return render_template(
        "accounts/account.html",
        profile_form=profile_form or ProfileForm(obj=user, formdata=None),
        password_form=password_form or ChangePasswordForm(user=user, formdata=None),
        data_form=ConfirmForm(formdata=None),
        roles=services.roles_of(user),
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    if request.method == "GET":
        return _render_account()
    form = ProfileForm()
    if form.validate_on_submit():
        _done, problem = run(
            lambda: services.update_profile(current_actor(), full_name=form.full_name.data, locale=form.locale.data)
        )
        if problem is not None:
            form.full_name.errors.append(problem.message)
        else:
            session["locale"] = form.locale.data
            flash(_("Vos informations sont enregistrées."), "success")
            return redirect(url_for("accounts.account"))
    return _render_account(profile_form=form)


@bp.post("/account/password")
@login_required
@limiter.limit(PER_IP_LIMIT)
def change_password():
    user = current_actor()
    form = ChangePasswordForm(user=user)
    if form.validate_on_submit():
        _done, problem = run(lambda: services.change_password(user, form.current_password.data, form.password.data))
        if problem is not None:
            form.current_password.errors.append(problem.message)
        else:
            login_user(user)  # the new session_version: this browser stays, the others end
            flash(_("Votre mot de passe est changé. Vos autres sessions sont fermées."), "success")
            return redirect(url_for("accounts.account"))
    return _render_account(password_form=form)


# --- personal data (RGPD): export and erasure ---------------------------------------------------


@bp.post("/account/data")
@login_required
@limiter.limit(PER_IP_LIMIT)
def download_data():
    """POST only (with its CSRF token): a link on another site cannot make a browser download it."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    now = utcnow()
    data = personal_data.export_personal_data(current_actor(), now=now)
    day = now.astimezone(ZoneInfo(current_app.config["NEC_DEFAULT_TIMEZONE"])).date()
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="nec-mes-donnees-{day.isoformat()}.json"',
            "Cache-Control": "no-store",
        },
    )


def _render_delete(form=None):
    user = current_actor()
    return render_template(
        "accounts/delete.html",
        form=form or DeleteAccountForm(user=user, formdata=None),
        data_form=ConfirmForm(formdata=None),
        blocking=personal_data.events_blocking_deletion(user),
        phrase=personal_data.DELETE_CONFIRMATION_PHRASE,
        mail_days=current_app.config["NEC_MAIL_RETENTION_DAYS"],
        audit_days=current_app.config["NEC_AUDIT_RETENTION_DAYS"],
    )


@bp.get("/account/delete")
@login_required
def delete_account_confirm():
    return _render_delete()


@bp.post("/account/delete")
@login_required
@limiter.limit(PER_IP_LIMIT)
def delete_account():
    user = current_actor()
    form = DeleteAccountForm(user=user)
    if not form.validate_on_submit():
        return _render_delete(form)
    had_password = bool(user.password_hash)
    photos, problem = run(
        lambda: personal_data.delete_account(user, password=form.password.data, confirmation=form.confirmation.data)
    )
    if problem is not None:
        (form.password if had_password else form.confirmation).errors.append(problem.message)
        return _render_delete(form)
    for path in photos:  # once the deletion is committed: a rollback must not lose a photo still in use
        with contextlib.suppress(storage.StorageError, OSError):
            storage.delete(path)
    logout_user()
    flash(
        _("Votre compte et vos données personnelles sont supprimés. Merci d'avoir participé, et au revoir."), "success"
    )
    return redirect(url_for("events.index"))


# --- the event team (organisers and reviewers) ---------------------------------------------------


def _render_team(form=None):
    event = g.event
    return render_template(
        "accounts/team.html",
        event=event,
        team=services.event_team(event),
        form=form or TeamMemberForm(formdata=None),
    )


@bp.get("/<ev>/manage/team")
@organiser_required
def team():
    return _render_team()


@bp.post("/<ev>/manage/team")
@organiser_required
def team_add():
    form = TeamMemberForm()
    if form.validate_on_submit():
        role = EventRoleKind(form.role.data)
        added, problem = run(
            lambda: services.add_team_member(
                g.event, form.email.data, role, full_name=form.full_name.data or "", actor=current_actor()
            )
        )
        if problem is not None:
            form.email.errors.append(problem.message)
        else:
            user, created = added
            if created:
                message = _(
                    "%(name)s est maintenant %(role)s. Un compte a été créé et une invitation envoyée à %(email)s.",
                    name=user.full_name,
                    role=role.title.lower(),
                    email=user.email,
                )
            else:
                message = _(
                    "%(name)s est maintenant %(role)s. Un e-mail l'a prévenu·e.",
                    name=user.full_name,
                    role=role.title.lower(),
                )
            flash(message, "success")
            return redirect(url_for("accounts.team"))
    return _render_team(form)


@bp.post("/<ev>/manage/team/<int:role_id>/remove")
@organiser_required
def team_remove(role_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    event_role = services.get_event_role(g.event, role_id)
    if event_role is None:
        flash(_("Cette personne n'a déjà plus ce rôle."), "info")
        return redirect(url_for("accounts.team"))
    name, role_title = event_role.user.full_name, event_role.role.title.lower()
    _done, problem = run(lambda: services.revoke_role(event_role, actor=current_actor()))
    if problem is not None:
        flash(problem.message, "error")
        return redirect(url_for("accounts.team"))
    flash(_("%(name)s n'est plus %(role)s.", name=name, role=role_title), "success")
    if not can_manage(current_actor(), g.event):
        return redirect(url_for("events.home", ev=g.event.slug))
    return redirect(url_for("accounts.team"))
