"""The public call page and the speaker's area (/<ev>/me/...): proposals, co-speakers, profile."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.wsgi import wrap_file
from wtforms import SelectChoice

from nec.accounts.permissions import can_manage
from nec.core import storage
from nec.core.actions import act, run
from nec.core.db import utcnow
from nec.core.tokens import InvalidLink
from nec.core.web import current_actor, parse_id, reachable_by_link
from nec.events.models import FormatKind, SessionFormat
from nec.extensions import db, login
from nec.proposals import session_speakers
from nec.proposals.call import services as call_rules
from nec.proposals.models import (
    AttendanceMode,
    InvitationState,
    Level,
    QuestionTarget,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
)
from nec.proposals.session_speakers import SessionSpeakerData
from nec.proposals.speaker import area as area_rules
from nec.proposals.speaker import availability as availability_rules
from nec.proposals.speaker import co_speakers, confirmation, profiles, submission
from nec.proposals.speaker import consents as consent_rules
from nec.proposals.speaker.errors import IncompleteProposal, ProposalError
from nec.proposals.speaker.forms import (
    CO_SPEAKER_ROWS,
    AvailabilityForm,
    ButtonForm,
    ChooseFormatForm,
    ConsentForm,
    ProfileForm,
    ProposalForm,
)
from nec.proposals.speaker.submission import ProposalData

bp = Blueprint("proposals_speaker", __name__)


def _show_error(form, error: ProposalError) -> None:
    if isinstance(error, IncompleteProposal):
        for field, message in error.problems:
            _show_error(form, ProposalError(message, field))
        return
    target = getattr(form, error.field, None) if error.field and error.field != "co_speakers" else None
    if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
        target.errors.append(error.message)
    else:
        form.form_errors.append(error.message)


# --- the public call page ------------------------------------------------------------------------


@bp.get("/<ev>/call/")
def call_page():
    event = g.event
    call = call_rules.get_call(event)
    if call is None:
        abort(404)
    now = utcnow()
    formats = [
        {
            "format": fmt,
            "status": call_rules.status_for(event, fmt, now),
            "deadline": call_rules.deadline_for(event, fmt),
        }
        for fmt in call_rules.offered_formats(event)
    ]
    status = call_rules.call_status(call, event, None, now)
    return render_template(
        "proposals/speaker/call.html",
        event=event,
        call=call,
        status=status,
        phase=call_rules.call_phase(call, status, now),
        formats=formats,
        new_url=url_for("proposals_speaker.new_proposal"),
    )


# --- the speaker's area --------------------------------------------------------------------------


@bp.get("/<ev>/me/")
def area():
    if not current_user.is_authenticated:
        return login.unauthorized()
    event, user, now = g.event, current_actor(), utcnow()
    profile = profiles.profile_for(event, user)
    sessions = submission.sessions_of(event, user)
    rows = [
        {
            "session": s,
            "session_speaker": submission.session_speaker_of(s, user),
            "is_submitter": submission.is_submitter(s, user),
            "steps": area_rules.next_steps(s, user, profile, now),
            "editable": submission.editing_status(s, now)[0] and submission.is_submitter(s, user),
        }
        for s in sessions
    ]
    invitations = [
        (session_speaker, co_speakers.invitation_token(session_speaker))
        for session_speaker in submission.open_invitations(event, user)
    ]
    call = call_rules.get_call(event)
    call_status = call_rules.call_status(call, event, None, now)
    return render_template(
        "proposals/speaker/area.html",
        event=event,
        profile=profile,
        profile_complete=profiles.profile_is_complete(profile),
        rows=rows,
        invitations=invitations,
        call=call,
        call_status=call_status,
        call_phase=call_rules.call_phase(call, call_status, now) if call else None,
        can_propose=bool(call_rules.open_formats(event, now)),
    )


# --- proposing and editing a session -------------------------------------------------------------


def _own_default(kind: FormatKind) -> SpeakerRole:
    """The submitter of a round table usually moderates it."""
    return SpeakerRole.moderator if kind is FormatKind.round_table else session_speakers.roles_for(kind)[0]


def _proposal_form(fmt: SessionFormat, questions, data: dict | None = None):
    form_class = call_rules.add_question_fields(ProposalForm, questions)
    form = form_class(data=data) if data is not None else form_class()
    form.adapt_to(fmt, g.event.themes, session_speakers.roles_for(fmt.kind), _own_default(fmt.kind))
    if form.save_draft.data and not form.submit.data:
        form.relax_for_draft([call_rules.field_name(q) for q in questions])
    return form


def _proposal_data(form, questions) -> ProposalData:
    co_speakers = [
        SessionSpeakerData(
            full_name=row.form.name.data, email=row.form.email.data, role=SpeakerRole(row.form.role.data)
        )
        for row in form.co_speakers
        if not row.form.is_blank()
    ]
    seat_field = getattr(form, "seat_capacity", None)
    return ProposalData(
        title=form.title.data,
        summary=form.summary.data or "",
        description=form.description.data or "",
        theme_id=int(form.theme_id.data) if form.theme_id.data else None,
        duration=form.duration.data,
        audience=form.audience.data or "",
        level=Level(form.level.data),
        language=form.language.data,
        attendance_mode=AttendanceMode(form.attendance_mode.data),
        seat_capacity=seat_field.data if seat_field is not None else None,
        needs=form.needs.data or "",
        needs_accessible_room=bool(form.needs_accessible_room.data),
        own_role=SpeakerRole(form.own_role.data),
        co_speakers=co_speakers,
        answers=call_rules.answers_from_form(form, questions),
    )


def _form_data_of(session, questions) -> dict:
    user = current_actor()
    own = submission.session_speaker_of(session, user)
    others = [p for p in session.speakers if p is not own]
    return {
        "title": session.title,
        "summary": session.summary,
        "description": session.description,
        "theme_id": str(session.theme_id) if session.theme_id else "",
        "duration": session.duration,
        "audience": session.audience,
        "level": session.level.value,
        "language": session.language,
        "attendance_mode": session.attendance_mode.value,
        "seat_capacity": session.seat_capacity,
        "needs": session.needs,
        "needs_accessible_room": session.needs_accessible_room,
        "own_role": own.role.value if own else None,
        "co_speakers": [{"name": p.speaker.full_name, "email": p.speaker.email, "role": p.role.value} for p in others][
            :CO_SPEAKER_ROWS
        ],
        **call_rules.form_data_from_answers(questions, call_rules.answers_of(session=session)),
    }


def _save_proposal(form, questions, fmt, session=None):
    """Run the service and commit: a redirect on success, None to show the form again."""
    submit = bool(form.submit.data)
    was_draft = session is None or session.state is SessionState.draft
    actor, data = current_actor(), _proposal_data(form, questions)
    _result, error = run(
        lambda: submission.save_proposal(g.event, actor, fmt, data, session=session, submit=submit, now=utcnow())
    )
    if error is not None:
        _show_error(form, error)
        return None
    if not was_draft:
        flash(_("Vos modifications sont enregistrées."), "success")
    elif submit:
        flash(
            _(
                "Votre proposition est envoyée. Vous allez recevoir un e-mail de confirmation, et vos "
                "co-intervenant·es une invitation."
            ),
            "success",
        )
    else:
        flash(_("Votre brouillon est enregistré. Vous pourrez le compléter et l'envoyer plus tard."), "success")
    return redirect(url_for("proposals_speaker.area"))


def _render_form(form, fmt, questions, session=None, status=200):
    parts_state = {}
    if session is not None:
        parts_state = {p.speaker.email: p.invitation_state for p in session.speakers}
    return (
        render_template(
            "proposals/speaker/proposal_form.html",
            event=g.event,
            form=form,
            fmt=fmt,
            session=session,
            question_fields=call_rules.question_fields(form, questions),
            parts_state=parts_state,
            status=call_rules.status_for(g.event, fmt, utcnow()),
            deadline=call_rules.deadline_for(g.event, fmt),
            InvitationState=InvitationState,
        ),
        status,
    )


@bp.route("/<ev>/me/proposals/new", methods=["GET", "POST"])
def new_proposal():
    if not current_user.is_authenticated:
        return login.unauthorized()
    event, now = g.event, utcnow()
    open_formats = call_rules.open_formats(event, now)
    format_id = request.args.get("format", type=parse_id)
    fmt = next((f for f in open_formats if f.id == format_id), None)
    if fmt is None:
        choose = ChooseFormatForm(formdata=None)
        choose.format.choices = [SelectChoice(str(f.id), f.name) for f in open_formats]
        error = None
        if request.args.get("format"):
            error = _("Ce format ne reçoit pas de propositions en ce moment : choisissez-en un dans la liste.")
        return render_template(
            "proposals/speaker/choose_format.html",
            event=event,
            form=choose,
            formats=[(f, call_rules.deadline_for(event, f)) for f in open_formats],
            status=call_rules.status_for(event, None, now),
            error=error,
        ), (400 if error else 200)
    questions = call_rules.questions_for(event, QuestionTarget.proposal, fmt)
    if request.method == "GET":
        form = _proposal_form(fmt, questions, data={"duration": fmt.default_duration})
        return _render_form(form, fmt, questions)
    form = _proposal_form(fmt, questions)
    if form.validate_on_submit():
        response = _save_proposal(form, questions, fmt)
        if response is not None:
            return response
    return _render_form(form, fmt, questions, status=400)


def _own_session_or_404(session_id: int):
    session = submission.get_own_session(g.event, current_actor(), session_id)
    if session is None:
        abort(404)
    return session


@bp.route("/<ev>/me/proposals/<int:session_id>", methods=["GET", "POST"])
def edit_proposal(session_id: int):
    if not current_user.is_authenticated:
        return login.unauthorized()
    session = _own_session_or_404(session_id)
    user, now = current_actor(), utcnow()
    submitter = submission.is_submitter(session, user)
    editable, why = submission.editing_status(session, now)
    if request.method == "POST" and not submitter:
        abort(403)
    if not (editable and submitter):
        if request.method == "POST":
            flash(why, "error")
        return render_template(
            "proposals/speaker/proposal_view.html",
            event=g.event,
            session=session,
            why=why if submitter else "",
            is_submitter=submitter,
            session_speaker=submission.session_speaker_of(session, user),
            answers=_displayed_answers(session),
        ), (400 if request.method == "POST" else 200)
    fmt = session.format
    questions = call_rules.questions_for(g.event, QuestionTarget.proposal, fmt)
    if request.method == "GET":
        form = _proposal_form(fmt, questions, data=_form_data_of(session, questions))
        return _render_form(form, fmt, questions, session=session)
    form = _proposal_form(fmt, questions)
    if form.validate_on_submit():
        response = _save_proposal(form, questions, fmt, session=session)
        if response is not None:
            return response
    return _render_form(form, fmt, questions, session=session, status=400)


def _displayed_answers(session) -> list[tuple[str, str]]:
    questions = call_rules.questions_for(session.event, QuestionTarget.proposal, session.format)
    answers = call_rules.answers_of(session=session)
    return [(q.label, call_rules.display_answer(q, answers.get(q.id))) for q in questions if q.id in answers]


@bp.route("/<ev>/me/proposals/<int:session_id>/withdraw", methods=["GET", "POST"])
def withdraw_proposal(session_id: int):
    if not current_user.is_authenticated:
        return login.unauthorized()
    session = _own_session_or_404(session_id)
    if not submission.is_submitter(session, current_actor()):
        abort(403)
    form = ButtonForm()
    if request.method == "POST" and form.validate_on_submit():
        return act(
            lambda: submission.withdraw(session, current_actor()),
            _("Votre proposition est retirée. Merci de nous avoir prévenus."),
            url_for("proposals_speaker.area"),
        )
    can_withdraw = session.state in submission.WITHDRAWABLE_STATES
    return render_template(
        "proposals/speaker/withdraw.html", event=g.event, session=session, form=form, can_withdraw=can_withdraw
    )


# --- consents ------------------------------------------------------------------------------------


def _consent_value(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


@bp.route("/<ev>/me/proposals/<int:session_id>/consents", methods=["GET", "POST"])
def consents(session_id: int):
    if not current_user.is_authenticated:
        return login.unauthorized()
    session = _own_session_or_404(session_id)
    session_speaker = submission.session_speaker_of(session, current_actor())
    if session_speaker is None:
        abort(404)
    if request.method == "GET":
        form = ConsentForm(
            data={
                "recording": _consent_value(session_speaker.recording_consent),
                "replay": _consent_value(session_speaker.replay_consent),
            }
        )
    else:
        form = ConsentForm()
        if form.validate_on_submit():
            recording = form.recording.data == "yes"
            replay = form.replay.data == "yes"
            _changed, error = run(
                lambda: consent_rules.set_consents(session_speaker, recording=recording, replay=replay)
            )
            if error is not None:
                flash(error.message, "error")
                return redirect(url_for("proposals_speaker.consents", session_id=session.id))
            if replay and not recording:
                flash(_("Sans enregistrement, il n'y a pas de replay : nous avons noté « non » pour les deux."), "info")
            flash(_("Vos choix sont enregistrés. Vous pouvez les changer à tout moment."), "success")
            return redirect(url_for("proposals_speaker.area"))
    return render_template(
        "proposals/speaker/consents.html", event=g.event, session=session, session_speaker=session_speaker, form=form
    ), (400 if form.errors else 200)


# --- co-speaker invitations ----------------------------------------------------------------------


def _invalid_link(message: str):
    return render_template("proposals/speaker/invalid_link.html", event=g.event, message=message), 400


def _answer_invitation(session_speaker, token: str, signed_in: bool):
    """Accept or decline from the link's page; accepting may sign in the invited account (see accept_invitation)."""
    action = request.form.get("action")
    if action not in ("accept", "decline"):
        abort(400)
    user = current_actor() if signed_in else None
    if action == "accept":
        answered, error = run(lambda: co_speakers.accept_invitation(session_speaker, user))
    else:
        answered, error = run(lambda: co_speakers.decline_invitation(session_speaker, user))
    here = url_for("proposals_speaker.invitation", token=token)
    if error is not None:
        flash(error.message, "error")
        return redirect(here)
    if action == "decline":
        flash(_("Votre réponse est enregistrée : vous ne participerez pas à cette session. Merci !"), "success")
        return redirect(here)
    account, sign_in = answered
    if not signed_in:
        if not sign_in:  # the link answers the invitation, it does not open this account
            flash(
                _(
                    "Merci ! Votre réponse est enregistrée. Connectez-vous avec votre compte pour compléter "
                    "votre profil d'intervenant·e."
                ),
                "success",
            )
            return redirect(url_for("accounts.login", next=url_for("proposals_speaker.profile")))
        login_user(account)
    flash(
        _("Merci ! Vous faites partie de la session. Complétez maintenant votre profil d'intervenant·e."),
        "success",
    )
    return redirect(url_for("proposals_speaker.profile"))


@bp.route("/<ev>/invitations/<token>", methods=["GET", "POST"])
@reachable_by_link
def invitation(token: str):
    try:
        session_speaker = co_speakers.invitation_for(g.event, token)
    except InvalidLink as exc:
        return _invalid_link(str(exc))
    signed_in = current_user.is_authenticated
    wrong_account = signed_in and current_user.email != session_speaker.speaker.email
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        return _answer_invitation(session_speaker, token, signed_in)
    return render_template(
        "proposals/speaker/invitation.html",
        event=g.event,
        session_speaker=session_speaker,
        session=session_speaker.session,
        inviter=session_speaker.session.submitted_by,
        problem=co_speakers.invitation_problem(session_speaker),
        wrong_account=wrong_account,
        form=form,
        InvitationState=InvitationState,
    )


# --- confirmation of an accepted session ---------------------------------------------------------


@bp.route("/<ev>/confirm/<token>", methods=["GET", "POST"])
@reachable_by_link
def confirm(token: str):
    if not current_user.is_authenticated:
        return login.unauthorized()
    try:
        session = confirmation.session_for_confirmation(g.event, token)
    except InvalidLink as exc:
        return _invalid_link(str(exc))
    user = current_actor()
    if not confirmation.can_confirm(session, user):
        abort(403)
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action")
        if action not in ("confirm", "decline"):
            abort(400)
        changed, error = run(lambda: confirmation.confirm_session(session, user, confirm=action == "confirm"))
        if error is not None:
            flash(error.message, "error")
            return redirect(url_for("proposals_speaker.confirm", token=token))
        if action == "confirm":
            message = _("Merci, votre participation est confirmée !") if changed else _("C'était déjà confirmé.")
        else:
            message = _("C'est noté : la session n'aura pas lieu avec vous. Merci de nous avoir prévenus.")
        flash(message, "success")
        return redirect(url_for("proposals_speaker.area"))
    return render_template(
        "proposals/speaker/confirm.html",
        event=g.event,
        session=session,
        problem=confirmation.confirmation_problem(session, confirm=True),
        form=form,
    )


# --- profile -------------------------------------------------------------------------------------


def _profile_or_explain():
    """(the profile or None when there is none yet, None), or (None, a page explaining why none can be
    made). Reads only: opening a page creates nothing; the first valid form sent creates the profile."""
    me = current_actor()
    profile = profiles.profile_for(g.event, me)
    refusal = profiles.profile_refusal(g.event, me) if profile is None else None
    if refusal is not None:
        return None, (render_template("proposals/speaker/no_profile.html", event=g.event, message=refusal), 409)
    return profile, None


@bp.route("/<ev>/me/profile", methods=["GET", "POST"])
def profile():
    if not current_user.is_authenticated:
        return login.unauthorized()
    speaker, page = _profile_or_explain()
    if page is not None:
        return page
    questions = call_rules.questions_for(g.event, QuestionTarget.speaker)
    form_class = call_rules.add_question_fields(ProfileForm, questions)
    if request.method == "GET":
        if speaker is None:
            form = form_class(data={"full_name": current_actor().full_name})
            return _render_profile(form, speaker, questions)
        data = {
            "full_name": speaker.full_name,
            "structure": speaker.structure,
            "structure_type": speaker.structure_type.value,
            "territory": speaker.territory,
            "bio": speaker.bio,
            "publish_consent": speaker.publish_consent,
            **call_rules.form_data_from_answers(questions, call_rules.answers_of(speaker=speaker)),
        }
        form = form_class(data=data)
        return _render_profile(form, speaker, questions)
    form = form_class()
    if not form.validate_on_submit():
        return _render_profile(form, speaker, questions, 400)
    return _save_profile(form, questions)


def _save_profile(form, questions):
    """Save the profile, its photo and answers in one change; a photo stored for a refused change is removed."""
    photos = {"new": None, "previous": None}

    def action():
        speaker = profiles.get_or_create_profile(g.event, current_actor())
        profiles.update_profile(
            speaker,
            full_name=form.full_name.data,
            structure=form.structure.data,
            structure_type=form.structure_type.data,
            territory=form.territory.data,
            bio=form.bio.data,
            publish_consent=form.publish_consent.data,
        )
        upload = form.photo.data
        if upload is not None and getattr(upload, "filename", ""):
            photos["previous"] = profiles.set_photo(speaker, upload.stream.read(profiles.PHOTO_MAX_BYTES + 1))
            photos["new"] = speaker.photo_path
        elif form.remove_photo.data:
            photos["previous"] = profiles.remove_photo(speaker)
        call_rules.save_answers(questions, call_rules.answers_from_form(form, questions), speaker=speaker)
        return speaker

    speaker, error = run(action)
    if error is not None:
        storage.delete(photos["new"])
        _show_error(form, error)
        return _render_profile(form, profiles.profile_for(g.event, current_actor()), questions, 400)
    if photos["previous"] and photos["previous"] != speaker.photo_path:
        storage.delete(photos["previous"])
    flash(_("Votre profil est enregistré."), "success")
    return redirect(url_for("proposals_speaker.area"))


def _render_profile(form, speaker, questions, status=200):
    return render_template(
        "proposals/speaker/profile.html",
        event=g.event,
        form=form,
        speaker=speaker,
        question_fields=call_rules.question_fields(form, questions),
        has_photo=speaker is not None and storage.exists(speaker.photo_path),
    ), status


@bp.get("/<ev>/me/profile/photo")
def profile_photo():
    """The stored photo, for its owner and the event's organisers (the public pages use
    `public.speaker_photo`, for the speakers they present)."""
    if not current_user.is_authenticated:
        return login.unauthorized()
    speaker_id = request.args.get("speaker", type=parse_id)
    if "speaker" in request.args:
        if not can_manage(current_user, g.event):
            abort(403)
        speaker = db.session.get(SpeakerProfile, speaker_id) if speaker_id is not None else None
        if speaker is None or speaker.event_id != g.event.id:
            abort(404)
    else:
        speaker = profiles.profile_for(g.event, current_actor())
    digest = profiles.photo_digest(speaker) if speaker is not None else None
    if digest is None:
        abort(404)
    if request.if_none_match.contains(digest):
        return _private_photo_headers(Response(status=304), digest)
    try:
        handle, size = storage.open_stored(speaker.photo_path)
    except storage.StorageError:
        abort(404)
    response = Response(wrap_file(request.environ, handle), mimetype="image/jpeg", direct_passthrough=True)
    response.content_length = size
    return _private_photo_headers(response, digest)


def _private_photo_headers(response: Response, digest: str) -> Response:
    """Kept by nobody but the browser, which asks again each time (a new photo shows at once)."""
    response.set_etag(digest)
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


# --- availability --------------------------------------------------------------------------------


@bp.route("/<ev>/me/availability", methods=["GET", "POST"])
def availability():
    if not current_user.is_authenticated:
        return login.unauthorized()
    speaker, page = _profile_or_explain()
    if page is not None:
        return page
    periods = availability_rules.half_days(g.event)
    form = AvailabilityForm()
    question = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        known = {p.key for p in periods}
        keys = known if form.whole_event.data else set(request.form.getlist("half_day")) & known
        question = _availability_question(keys, bool(form.none_available.data))
        if question is None:
            return _save_availability(keys)
    chosen = set(request.form.getlist("half_day")) if question else availability_rules.available_keys(speaker, periods)
    days = [(day, list(items)) for day, items in groupby(periods, key=lambda p: p.day)]
    return render_template(
        "proposals/speaker/availability.html",
        event=g.event,
        form=form,
        days=days,
        chosen=chosen,
        has_periods=bool(periods),
        question=question,
    ), (400 if question else 200)


def _availability_question(keys: set[str], none_available: bool) -> str | None:
    """What to ask before saving (French), or None: nothing ticked must be said on purpose."""
    if keys and none_available:
        return _("Vous avez coché des demi-journées et « aucun moment » : décochez l'un ou l'autre, puis enregistrez.")
    if not keys and not none_available:
        return _(
            "Vous n'avez coché aucune demi-journée. Êtes-vous indisponible pendant tout l'événement ? "
            "Si oui, cochez la case ci-dessous pour le confirmer ; sinon, cochez les demi-journées où vous "
            "êtes disponible."
        )
    return None


def _save_availability(keys: set[str]):
    _result, error = run(
        lambda: availability_rules.save_availability(
            profiles.get_or_create_profile(g.event, current_actor()), g.event, keys
        )
    )
    if error is not None:
        flash(error.message, "error")
        return redirect(url_for("proposals_speaker.availability"))
    if keys:
        flash(_("Vos disponibilités sont enregistrées. Merci !"), "success")
    else:
        flash(
            _(
                "C'est noté : vous n'êtes disponible à aucun moment de l'événement. L'équipe organisatrice "
                "en tiendra compte ; vous pouvez changer cela ici à tout moment."
            ),
            "info",
        )
    return redirect(url_for("proposals_speaker.area"))
