"""Submitting a proposal (/<ev>/me/proposals/...): drafts, the session's speakers, withdrawal.

Plain functions that add to db.session and never commit: the view commits once per user action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from nec.accounts.models import User
from nec.accounts.services import mail_locale
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.links import base_url, external_url
from nec.core.mail_templates import queue_event_mail
from nec.events.models import Event, SessionFormat, Theme
from nec.extensions import db
from nec.proposals.call import services as call_rules
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import (
    AttendanceMode,
    InvitationState,
    Level,
    QuestionTarget,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
)
from nec.proposals.session_speakers import SessionSpeakerData, roles_for, session_speaker_problems
from nec.proposals.speaker.co_speakers import invitation_url
from nec.proposals.speaker.errors import IncompleteProposal, ProposalError, normalise_email
from nec.proposals.speaker.profiles import get_or_create_profile

# --- proposals -----------------------------------------------------------------------------------


@dataclass
class ProposalData:
    title: str
    summary: str = ""
    description: str = ""
    theme_id: int | None = None
    duration: int | None = None
    audience: str = ""
    level: Level = Level.beginner
    language: str = "fr"
    attendance_mode: AttendanceMode = AttendanceMode.either
    seat_capacity: int | None = None
    needs: str = ""
    needs_accessible_room: bool = False
    own_role: SpeakerRole = SpeakerRole.speaker
    co_speakers: list[SessionSpeakerData] = field(default_factory=list)
    answers: dict[int, object] = field(default_factory=dict)


EDITABLE_STATES = (SessionState.draft, SessionState.submitted)
WITHDRAWABLE_STATES = (SessionState.draft, SessionState.submitted)


def _accessible_clause(user):
    own_parts = (
        sa.select(SessionSpeaker.session_id)
        .join(SpeakerProfile, SpeakerProfile.id == SessionSpeaker.speaker_id)
        .where(SpeakerProfile.user_id == user.id)
    )
    return sa.or_(Session.submitted_by_id == user.id, Session.id.in_(own_parts))


def sessions_of(event: Event, user) -> list[Session]:
    """The sessions the person proposed or speaks in (declined invitations included), newest first."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.event_id == event.id, _accessible_clause(user))
            .options(
                selectinload(Session.format),
                selectinload(Session.speakers).selectinload(SessionSpeaker.speaker),
            )
            .order_by(Session.created_at.desc(), Session.id.desc())
        )
    )


def get_own_session(event: Event, user, session_id: int) -> Session | None:
    """A session of this event that the person proposed or speaks in; None otherwise."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(Session).where(Session.id == session_id, Session.event_id == event.id, _accessible_clause(user))
    )


def session_speaker_of(session: Session, user) -> SessionSpeaker | None:
    """The person's own part in a session (their role, their consents)."""
    if user is None or not user.is_authenticated:
        return None
    return next((p for p in session.speakers if p.speaker.user_id == user.id), None)


def is_submitter(session: Session, user) -> bool:
    return bool(user and user.is_authenticated and session.submitted_by_id == user.id)


def open_invitations(event: Event, user) -> list[SessionSpeaker]:
    """Invitations waiting for this person's answer, in sessions still under consideration."""
    if user is None or not user.is_authenticated:
        return []
    mine = SpeakerProfile.user_id == user.id
    if user.email_confirmed_at is not None:
        mine = sa.or_(mine, sa.and_(SpeakerProfile.user_id.is_(None), SpeakerProfile.email == user.email))
    return list(
        db.session.scalars(
            sa.select(SessionSpeaker)
            .join(SessionSpeaker.speaker)
            .join(SessionSpeaker.session)
            .where(
                SpeakerProfile.event_id == event.id,
                mine,
                SessionSpeaker.invitation_state == InvitationState.invited,
                Session.state.in_((SessionState.submitted, SessionState.accepted, SessionState.confirmed)),
            )
            .order_by(SessionSpeaker.id)
        )
    )


def editing_status(session: Session, now: datetime) -> tuple[bool, str]:
    """Whether the proposal can still be changed, and if not, why (in French)."""
    if session.state not in EDITABLE_STATES:
        return False, _(
            "Cette proposition est à l'état « %(state)s » : elle ne peut plus être modifiée. "
            "Pour tout changement, écrivez à l'équipe organisatrice.",
            state=session.state.title,
        )
    status = call_rules.status_for(session.event, session.format, now)
    if not status.is_open:
        return False, _(
            "L'appel est clos pour ce format : la proposition ne peut plus être modifiée. %(detail)s "
            "Pour tout changement, écrivez à l'équipe organisatrice.",
            detail=status.message,
        )
    return True, ""


def _check_can_edit(session: Session, now: datetime) -> None:
    editable, why = editing_status(session, now)
    if not editable:
        raise ProposalError(why)


def _check_format_open(event: Event, fmt: SessionFormat, now: datetime) -> None:
    if fmt.event_id != event.id or fmt not in call_rules.open_formats(event, now):
        status = call_rules.status_for(event, fmt, now)
        raise ProposalError(
            _("Ce format ne reçoit pas de propositions en ce moment. %(detail)s", detail=status.message), "format"
        )


def _check_data(event: Event, fmt: SessionFormat, data: ProposalData) -> None:
    if not (data.title or "").strip():
        raise ProposalError(_("Donnez un titre à votre session."), "title")
    if data.theme_id is not None and db.session.get(Theme, data.theme_id) not in event.themes:
        raise ProposalError(_("Choisissez une thématique de la liste."), "theme_id")
    if data.duration is not None and not 1 <= data.duration <= 600:
        raise ProposalError(_("Indiquez une durée entre 1 et 600 minutes."), "duration")
    if data.seat_capacity is not None and data.seat_capacity <= 0:
        raise ProposalError(_("Le nombre de places doit être d'au moins 1."), "seat_capacity")
    allowed = roles_for(fmt.kind)
    if SpeakerRole(data.own_role) not in allowed:
        raise ProposalError(_("Choisissez votre rôle dans la liste."), "own_role")
    seen: set[str] = set()
    for entry in data.co_speakers:
        email = normalise_email(entry.email)
        if not entry.full_name.strip() or "@" not in email.strip("@"):
            raise ProposalError(
                _(
                    "%(who)s : indiquez un nom et une adresse e-mail valide pour cette personne.",
                    who=entry.full_name.strip() or email or _("un·e co-intervenant·e"),
                ),
                "co_speakers",
            )
        if SpeakerRole(entry.role) not in allowed:
            raise ProposalError(
                _("Le rôle de %(name)s n'existe pas dans ce format : choisissez-en un autre.", name=entry.full_name),
                "co_speakers",
            )
        if email in seen:
            raise ProposalError(
                _("L'adresse %(email)s apparaît deux fois : chaque personne n'est invitée qu'une fois.", email=email),
                "co_speakers",
            )
        seen.add(email)


def _apply_fields(session: Session, fmt: SessionFormat, data: ProposalData) -> None:
    session.title = data.title.strip()
    session.summary = (data.summary or "").strip()
    session.description = (data.description or "").strip()
    session.theme_id = data.theme_id
    session.duration = data.duration or fmt.default_duration
    session.audience = (data.audience or "").strip()
    session.level = Level(data.level)
    session.language = (data.language or "fr").strip() or "fr"
    session.attendance_mode = AttendanceMode(data.attendance_mode)
    session.seat_capacity = data.seat_capacity if fmt.has_seats else None
    session.needs = (data.needs or "").strip()
    session.needs_accessible_room = data.needs_accessible_room


def _profile_for_invitee(event: Event, entry: SessionSpeakerData) -> SpeakerProfile:
    email = normalise_email(entry.email)
    profile = db.session.scalar(
        sa.select(SpeakerProfile).where(SpeakerProfile.event_id == event.id, SpeakerProfile.email == email)
    )
    if profile is None:
        profile = SpeakerProfile(event_id=event.id, user_id=None, full_name=entry.full_name.strip(), email=email)
        db.session.add(profile)
    return profile


def _apply_lineup(session: Session, own: SpeakerProfile, data: ProposalData) -> list[SessionSpeaker]:
    """Make the session's parts match the form; returns the parts added for co-speakers.

    A co-speaker already in the lineup keeps their answer and consents; one removed loses their part.
    """
    if any(normalise_email(e.email) == own.email for e in data.co_speakers):
        raise ProposalError(
            _("Vous faites déjà partie de la session : ne vous ajoutez pas parmi les co-intervenant·es."),
            "co_speakers",
        )
    existing = {p.speaker.email: p for p in session.speakers}
    own_session_speaker = existing.pop(own.email, None)
    if own_session_speaker is None:
        own_session_speaker = SessionSpeaker(speaker=own, invitation_state=InvitationState.accepted)
        session.speakers.append(own_session_speaker)
    own_session_speaker.role = SpeakerRole(data.own_role)
    own_session_speaker.position = 0
    added = []
    for position, entry in enumerate(data.co_speakers, start=1):
        email = normalise_email(entry.email)
        session_speaker = existing.pop(email, None)
        if session_speaker is None:
            session_speaker = SessionSpeaker(
                speaker=_profile_for_invitee(session.event, entry), invitation_state=InvitationState.invited
            )
            session.speakers.append(session_speaker)
            added.append(session_speaker)
        session_speaker.role = SpeakerRole(entry.role)
        session_speaker.position = position
    for session_speaker in existing.values():  # removed from the lineup
        session.speakers.remove(session_speaker)
        _forget_if_unused(session_speaker.speaker, session_speaker)
    return added


def _forget_if_unused(profile: SpeakerProfile, removed: SessionSpeaker) -> None:
    """A co-speaker's profile made from someone else's form, now in no session and never claimed: their
    name and address are not kept (RGPD: nothing is kept without a purpose)."""
    if profile.user_id is not None or profile.publish_consent:
        return
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SessionSpeaker)
        .where(SessionSpeaker.speaker_id == profile.id, SessionSpeaker.id != removed.id)
    )
    if not others and profile.id is not None:
        db.session.delete(profile)


def _active_session_speakers(session: Session) -> list[SessionSpeaker]:
    return [p for p in session.speakers if p.invitation_state is not InvitationState.declined]


def _queue_invitation(session_speaker: SessionSpeaker, inviter: User) -> None:
    queue_event_mail(
        session_speaker.session.event,
        MailTemplateKind.co_speaker_invitation,
        session_speaker.speaker.email,
        to_name=session_speaker.speaker.full_name,
        base_url=base_url(),
        locale=mail_locale(session_speaker.speaker.email, session_speaker.speaker.user_id),
        session_title=session_speaker.session.title,
        inviter_name=inviter.full_name,
        invitation_url=invitation_url(session_speaker),
    )


def completeness_problems(
    session: Session, fmt: SessionFormat, data: ProposalData, questions
) -> list[tuple[str | None, str]]:
    """What a proposal lacks before it can be sent (a draft may lack all of it): (form field, French message)."""
    problems: list[tuple[str | None, str]] = []
    if not session.summary:
        problems.append(("summary", _("Écrivez un court résumé de la session.")))
    if fmt.has_seats and not session.seat_capacity:
        problems.append(("seat_capacity", _("Indiquez le nombre de places de l'atelier.")))
    for question in questions:
        if question.required and data.answers.get(question.id) in (None, "", []):
            problems.append((call_rules.field_name(question), _("Cette question demande une réponse.")))
    lineup = session_speaker_problems(fmt.kind, _active_session_speakers(session))
    problems.extend(("co_speakers", message) for message in lineup)
    return problems


def proposal_url(session: Session) -> str:
    return external_url("proposals_speaker.edit_proposal", ev=session.event.slug, session_id=session.id)


def save_proposal(
    event: Event,
    user: User,
    fmt: SessionFormat,
    data: ProposalData,
    *,
    session: Session | None = None,
    submit: bool = False,
    now: datetime | None = None,
) -> Session:
    """Create or change a proposal, as a draft or submitted, with its lineup and its answers.

    Submitting checks the format's rules and deadline, then queues the acknowledgement to the
    submitter and an invitation to each co-speaker not invited yet, all in the caller's transaction.
    """
    now = now or utcnow()
    if session is None:
        _check_format_open(event, fmt, now)
    else:
        if session.event_id != event.id or session.submitted_by_id != user.id:
            raise ProposalError(_("Seule la personne qui a proposé la session peut la modifier."))
        _check_can_edit(session, now)
        fmt = session.format
    _check_data(event, fmt, data)
    own = get_or_create_profile(event, user)
    first_submission = False
    if session is None:
        session = Session(event=event, format=fmt, submitted_by_id=user.id, state=SessionState.draft)
        db.session.add(session)
    _apply_fields(session, fmt, data)
    added = _apply_lineup(session, own, data)
    questions = call_rules.questions_for(event, QuestionTarget.proposal, fmt)
    if submit or session.state is SessionState.submitted:
        problems = completeness_problems(session, fmt, data, questions)
        if problems:
            raise IncompleteProposal(problems)
        if session.state is SessionState.draft:
            first_submission = True
            session.state = SessionState.submitted
            session.submitted_at = now
            session.submitted_by_id = user.id
    db.session.flush()  # ids for the answers and the signed links
    call_rules.save_answers(questions, data.answers, session=session)
    if first_submission:
        invited = [p for p in session.speakers if p.invitation_state is InvitationState.invited]
        queue_event_mail(
            event,
            MailTemplateKind.acknowledgement,
            user.email,
            to_name=user.full_name,
            base_url=base_url(),
            locale=user.locale,
            session_title=session.title,
            proposal_url=proposal_url(session),
        )
        log_action("session.submitted", actor=user, event=event, target=session)
    elif session.state is SessionState.submitted:
        invited = added
        log_action("session.updated", actor=user, event=event, target=session)
    else:
        invited = []
        log_action("session.draft_saved", actor=user, event=event, target=session)
    for session_speaker in invited:
        _queue_invitation(session_speaker, user)
    return session


def withdraw(session: Session, user: User) -> None:
    """The submitter takes the proposal back, before the organisers' decision."""
    if session.submitted_by_id != user.id:
        raise ProposalError(_("Seule la personne qui a proposé la session peut la retirer."))
    if session.state is SessionState.withdrawn:
        return
    if session.state not in WITHDRAWABLE_STATES:
        raise ProposalError(
            _(
                "Cette proposition est à l'état « %(state)s » : elle ne peut plus être retirée ici. "
                "Écrivez à l'équipe organisatrice.",
                state=session.state.title,
            )
        )
    session.state = SessionState.withdrawn
    log_action("session.withdrawn", actor=user, event=session.event, target=session)
