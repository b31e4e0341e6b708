"""The organisers' sessions pages /<ev>/manage/sessions: sessions without the call, speakers, claims, import, export."""

from __future__ import annotations

from collections import Counter
from datetime import date

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from nec.accounts.permissions import organiser_required
from nec.core import tables
from nec.core.actions import act, run
from nec.core.forms import NecForm
from nec.core.time import to_local, utcnow
from nec.core.tokens import InvalidLink
from nec.core.web import current_actor, reachable_by_link
from nec.proposals.models import SessionState
from nec.proposals.sessions import services as session_services
from nec.proposals.sessions import transfer
from nec.proposals.sessions.forms import ImportForm, SessionForm
from nec.proposals.sessions.services import DIRECT_STATES
from nec.proposals.speaker.profiles import profile_is_complete

bp = Blueprint("proposals_sessions", __name__)

MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _session_or_404(session_id: int):
    session = session_services.get_session(g.event, session_id)
    if session is None:
        abort(404)
    return session


def _today() -> date:
    return to_local(utcnow(), g.event.timezone).date()


def _download(content: bytes, fmt: str, filename: str) -> Response:
    response = Response(content, mimetype=MIME_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a shared cache
    return response


# --- sessions ---------------------------------------------------------------------------------------


@bp.get("/<ev>/manage/sessions")
@organiser_required
def sessions():
    rows = session_services.list_sessions(g.event)
    counts = Counter(s.state for s in rows)
    return render_template(
        "proposals/sessions/sessions.html",
        event=g.event,
        sessions=rows,
        counts=[(state, counts[state]) for state in SessionState if counts[state]],
        cancellable=session_services.CANCELLABLE_STATES,
    )


def _render_form(form, session=None, status: int = 200):
    return (
        render_template("proposals/sessions/session_form.html", event=g.event, form=form, session=session),
        status,
    )


@bp.route("/<ev>/manage/sessions/new", methods=["GET", "POST"])
@organiser_required
def new_session():
    form = SessionForm(g.event)
    if request.method == "GET":
        form.theme_id.data = 0
        form.state.data = SessionState.confirmed.value
    if form.validate_on_submit():
        actor = current_actor()
        _session, error = run(
            lambda: session_services.create_session(g.event, actor, form.details(), form.entries(), form.chosen_state())
        )
        if error is None:
            flash(_("La session « %(title)s » est ajoutée au programme.", title=form.title.data.strip()), "success")
            return redirect(url_for("proposals_sessions.sessions"))
        form.form_errors.append(error.message)
    return _render_form(form, status=422 if form.is_submitted() else 200)


@bp.route("/<ev>/manage/sessions/<int:session_id>", methods=["GET", "POST"])
@organiser_required
def edit_session(session_id: int):
    session = _session_or_404(session_id)
    form = SessionForm(g.event)
    state_editable = session.state in DIRECT_STATES
    if not state_editable:
        del form.state
    if request.method == "GET":
        form.format_id.data = session.format_id
        form.theme_id.data = session.theme_id or 0
        form.title.data = session.title
        form.summary.data = session.summary
        form.description.data = session.description
        form.duration.data = session.duration
        form.seat_capacity.data = session.seat_capacity
        if state_editable:
            form.state.data = session.state.value
        form.fill_speakers(session)
    if form.validate_on_submit():
        state = form.chosen_state() if state_editable else None
        actor = current_actor()
        _result, error = run(
            lambda: session_services.update_session(session, actor, form.details(), form.entries(), state)
        )
        if error is None:
            flash(_("La session « %(title)s » est enregistrée.", title=session.title), "success")
            return redirect(url_for("proposals_sessions.sessions"))
        form.form_errors.append(error.message)
    return _render_form(form, session, status=422 if form.is_submitted() else 200)


@bp.route("/<ev>/manage/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@organiser_required
def cancel_session(session_id: int):
    session = _session_or_404(session_id)
    form = NecForm()
    if form.validate_on_submit():
        title = session.title
        return act(
            lambda: session_services.cancel_session(session, current_actor()),
            _("La session « %(title)s » est annulée.", title=title),
            url_for("proposals_sessions.sessions"),
        )
    return render_template("proposals/sessions/cancel.html", event=g.event, session=session, form=form)


# --- speakers ----------------------------------------------------------------------------------------


@bp.get("/<ev>/manage/speakers")
@organiser_required
def speakers():
    return render_template(
        "proposals/sessions/speakers.html",
        event=g.event,
        speakers=session_services.list_speakers(g.event),
        is_complete=profile_is_complete,
        form=NecForm(),
    )


@bp.post("/<ev>/manage/speakers/<int:speaker_id>/claim-link")
@organiser_required
def send_claim_link(speaker_id: int):
    profile = session_services.get_speaker(g.event, speaker_id)
    if profile is None:
        abort(404)
    if not NecForm().validate_on_submit():
        abort(400)
    sent = _("Le lien pour réclamer son profil est envoyé à %(name)s (%(email)s).", name=profile.full_name,
             email=profile.email)  # fmt: skip
    return act(
        lambda: session_services.send_claim_link(profile, current_actor()), sent, url_for("proposals_sessions.speakers")
    )


def _after_claim(user, claimant, sign_in: bool):
    """Where a successful claim leads: the speaker's area, signed in when the link may sign in."""
    if user is None and not sign_in:  # the link claims the profile, it does not open this account
        flash(
            _(
                "Votre profil d'intervenant·e est relié à votre compte. Connectez-vous avec ce compte "
                "pour le retrouver."
            ),
            "success",
        )
        return redirect(url_for("accounts.login", next=url_for("proposals_speaker.area")))
    if user is None:
        login_user(claimant)
    flash(_("Votre profil d'intervenant·e est relié à votre compte. Bienvenue !"), "success")
    return redirect(url_for("proposals_speaker.area"))


@bp.route("/<ev>/claim/<token>", methods=["GET", "POST"])
@reachable_by_link
def claim(token: str):
    """The link a speaker added by the organisers follows to tie their profile to an account.

    The link proves the address. Nothing changes on GET (mail scanners open links): a button posts.
    """
    try:
        profile = session_services.profile_from_claim(g.event, token)
    except InvalidLink as error:
        return render_template("proposals/sessions/claim_invalid.html", event=g.event, message=str(error)), 400
    user = current_actor() if current_user.is_authenticated else None
    form = NecForm()
    problem = session_services.claim_refusal(profile, user)
    already_mine = user is not None and profile.user_id == user.id
    if problem is None and not already_mine and form.validate_on_submit():
        claimed, error = run(lambda: session_services.claim_with_link(profile, user))
        if error is None:
            return _after_claim(user, *claimed)
        problem = error.message
    status = 409 if problem and request.method == "POST" else 200
    return (
        render_template(
            "proposals/sessions/claim.html",
            event=g.event,
            profile=profile,
            form=form,
            problem=problem,
            already_mine=already_mine,
        ),
        status,
    )


# --- import -------------------------------------------------------------------------------------------


@bp.route("/<ev>/manage/import", methods=["GET", "POST"])
@organiser_required
def import_file():
    form = ImportForm()
    report = None
    file_problem = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(transfer.MAX_FILE_SIZE + 1)
        actor = current_actor()
        report, error = run(
            lambda: transfer.run_import(
                g.event, actor, form.kind.data, data, upload.filename or "", only_valid=form.only_valid.data
            )
        )
        file_problem = error.message if error is not None else None
        if report is not None and report.applied and not report.problems:
            flash(_import_summary(report), "success")
            return redirect(url_for("proposals_sessions.import_file"))
        if file_problem or not (report and report.applied):
            status = 422
    elif form.is_submitted():
        status = 422
    return (
        render_template(
            "proposals/sessions/import.html",
            event=g.event,
            form=form,
            report=report,
            file_problem=file_problem,
            summary=_import_summary(report) if report and report.applied else "",
            session_columns=transfer.SESSION_COLUMNS,
            speaker_columns=transfer.SPEAKER_COLUMNS,
            states=transfer.IMPORT_STATES,
            exports=transfer.EXPORTS,
        ),
        status,
    )


def _import_summary(report: transfer.ImportReport) -> str:
    if report.kind == "sessions":
        message = _(
            "%(n)d session(s) importée(s), %(speakers)d nouveau(x) profil(s) d'intervenant·e.",
            n=report.created,
            speakers=report.new_speakers,
        )
    else:
        message = _(
            "%(created)d profil(s) d'intervenant·e créé(s), %(updated)d mis à jour.",
            created=report.created,
            updated=report.updated,
        )
    if report.invalid_rows:
        message += " " + _("%(n)d ligne(s) avec un problème n'ont pas été importées.", n=report.invalid_rows)
    return message


@bp.get("/<ev>/manage/import/example.<fmt>")
@organiser_required
def import_example(fmt: str):
    return _example("sessions", fmt, "exemple-sessions")


@bp.get("/<ev>/manage/import/example-speakers.<fmt>")
@organiser_required
def import_example_speakers(fmt: str):
    return _example("speakers", fmt, "exemple-intervenants")


def _example(kind: str, fmt: str, name: str) -> Response:
    if fmt not in tables.FORMATS:
        abort(404)
    columns, rows = transfer.example_table(g.event, kind)
    return _download(tables.write(columns, rows, fmt, name), fmt, f"{g.event.slug}-{name}.{fmt}")


# --- export -------------------------------------------------------------------------------------------


@bp.get("/<ev>/manage/export/<what>.<fmt>")
@organiser_required
def export(what: str, fmt: str):
    if what not in transfer.EXPORTS or fmt not in tables.FORMATS:
        abort(404)
    name = transfer.EXPORT_FILE_NAMES[what]
    columns, rows = transfer.export_table(g.event, what)
    content = tables.write(columns, rows, fmt, name)
    return _download(content, fmt, transfer.export_filename(g.event, name, fmt, _today()))
