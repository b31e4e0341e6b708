"""Direct programming: sessions the organisers create without the call, and speakers without an account.

Plain functions that add to db.session and never commit (the view commits once). A speaker added by the
organisers is a SpeakerProfile with no account (user_id None); a signed link sent to their address lets
them claim it: the link proves that they read mail at that address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from nec.accounts.models import User
from nec.accounts.services import (
    AccountError,
    create_user,
    get_user_by_email,
    link_may_sign_in,
    mail_locale,
    normalise_email,
    prove_address,
    record_login,
)
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.errors import UserError
from nec.core.i18n import lazy_gettext as _l
from nec.core.links import external_url
from nec.core.mail import queue_mail
from nec.core.tokens import InvalidLink, sign, unsign
from nec.events.models import Event, FormatKind, SessionFormat, Theme
from nec.extensions import db
from nec.proposals.models import Session, SessionSpeaker, SessionState, SpeakerProfile, SpeakerRole
from nec.proposals.session_speakers import SessionSpeakerData, roles_for, session_speaker_problems

CLAIM_PURPOSE = "speaker-claim"
MAX_SPEAKERS = 6  # a round table: one moderator and at most five panelists
# The states the organisers may give a session they programme themselves.
DIRECT_STATES = (SessionState.confirmed, SessionState.accepted)
# A session in one of these states can still be cancelled by the organisers.
CANCELLABLE_STATES = (SessionState.draft, SessionState.submitted, SessionState.accepted, SessionState.confirmed)
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class SessionsError(UserError):
    """A change the organiser (or the speaker) can fix; the message is in French and says how."""


@dataclass
class SessionDetails:
    format: SessionFormat
    theme: Theme | None
    title: str
    summary: str = ""
    description: str = ""
    duration: int | None = None  # None: the format's default duration
    seat_capacity: int | None = None


# --- reading ----------------------------------------------------------------------------------------


def list_sessions(event: Event) -> list[Session]:
    """Every session of the event but drafts (their author's alone), with format, theme and speakers (4 queries)."""
    query = (
        sa.select(Session)
        .where(Session.event_id == event.id, Session.state != SessionState.draft)
        .options(
            joinedload(Session.format),
            joinedload(Session.theme),
            selectinload(Session.speakers).joinedload(SessionSpeaker.speaker),
        )
        .order_by(Session.title, Session.id)
    )
    return list(db.session.scalars(query).unique())


def get_session(event: Event, session_id: int) -> Session | None:
    """A session of the event for the organisers; a draft is its author's alone (None, as if absent)."""
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id or session.state == SessionState.draft:
        return None
    return session


def get_speaker(event: Event, speaker_id: int) -> SpeakerProfile | None:
    speaker = db.session.get(SpeakerProfile, speaker_id)
    return speaker if speaker is not None and speaker.event_id == event.id else None


def list_speakers(event: Event) -> list[SpeakerProfile]:
    """The event's speaker profiles, by name, with their sessions, as the organisers may see them.

    A proposal still in draft belongs to its author alone: its title is not listed, and a person who
    takes part only in drafts (a co-speaker typed in a draft, not invited yet) is not listed at all.
    The profiles' `sessions` are loaded without the drafts' parts: read them, do not change them.
    """
    not_draft = SessionSpeaker.session.has(Session.state != SessionState.draft)
    query = (
        sa.select(SpeakerProfile)
        .where(
            SpeakerProfile.event_id == event.id,
            sa.or_(~SpeakerProfile.sessions.any(), SpeakerProfile.sessions.any(not_draft)),
        )
        .options(selectinload(SpeakerProfile.sessions.and_(not_draft)).joinedload(SessionSpeaker.session))
        .order_by(sa.func.lower(SpeakerProfile.full_name), SpeakerProfile.id)
    )
    return list(db.session.scalars(query))


def speaker_by_email(event: Event, email: str) -> SpeakerProfile | None:
    return db.session.scalar(
        sa.select(SpeakerProfile).where(SpeakerProfile.event_id == event.id, SpeakerProfile.email == email)
    )


def is_valid_email(email: str) -> bool:
    return len(email) <= 254 and EMAIL_SHAPE.match(email) is not None


# --- sessions ---------------------------------------------------------------------------------------


def default_role(kind: FormatKind) -> SpeakerRole:
    """The usual role of a speaker in a session of this kind (panelist, facilitator, speaker)."""
    return roles_for(kind)[0]


def session_problems(kind: FormatKind, entries: list[SessionSpeakerData], seat_capacity: int | None) -> list[str]:
    """The NEC rules a session breaks (French sentences): its lineup, and seats for a workshop."""
    problems = []
    emails = [e.email for e in entries]
    for email in sorted({e for e in emails if emails.count(e) > 1}):
        problems.append(
            _("L'adresse %(email)s apparaît deux fois : une personne n'a qu'un rôle par session.", email=email)
        )
    return problems + session_speaker_problems(kind, [(e.role, e) for e in entries], seat_capacity=seat_capacity)


def find_or_create_speaker(event: Event, full_name: str, email: str) -> SpeakerProfile:
    """The event's profile with this address, or a new one without an account (user_id None)."""
    email = normalise_email(email)
    profile = speaker_by_email(event, email)
    if profile is None:
        for pending in db.session.new:  # created earlier in this same transaction (an import)
            if isinstance(pending, SpeakerProfile) and pending.event is event and pending.email == email:
                return pending
        profile = SpeakerProfile(
            event=event, full_name=full_name.strip() or email, email=email, structure="", territory="", bio=""
        )
        db.session.add(profile)
    return profile


def _check_details(details: SessionDetails, entries: list[SessionSpeakerData]) -> None:
    if not details.title.strip():
        raise SessionsError(_("Indiquez le titre de la session."), "title")
    if details.duration is not None and not 1 <= details.duration <= 600:
        raise SessionsError(_("La durée doit être comprise entre 1 et 600 minutes."), "duration")
    if details.seat_capacity is not None and details.seat_capacity <= 0:
        raise SessionsError(_("Le nombre de places doit être supérieur à zéro."), "seat_capacity")
    problems = session_problems(details.format.kind, entries, details.seat_capacity)
    if problems:
        raise SessionsError(" ".join(problems))


def apply_details(session: Session, details: SessionDetails) -> None:
    session.format = details.format
    session.theme = details.theme
    session.title = details.title.strip()
    session.summary = details.summary.strip()
    session.description = details.description.strip()
    session.duration = details.duration or details.format.default_duration
    session.seat_capacity = details.seat_capacity if details.format.has_seats else None


def set_speakers(session: Session, event: Event, entries: list[SessionSpeakerData]) -> None:
    """Give the session exactly these speakers, in this order; parts kept keep their consents."""
    kept = {session_speaker.speaker.email: session_speaker for session_speaker in session.speakers}
    session_speakers = []
    with db.session.no_autoflush:  # a half-built part must not be flushed by the look-ups
        for position, entry in enumerate(entries):
            session_speaker = kept.pop(entry.email, None)
            if session_speaker is None:
                session_speaker = SessionSpeaker(speaker=find_or_create_speaker(event, entry.full_name, entry.email))
            session_speaker.role = entry.role
            session_speaker.position = position
            session_speakers.append(session_speaker)
        session.speakers = session_speakers  # delete-orphan removes the parts left in `kept`


def create_session(
    event: Event, actor: User | None, details: SessionDetails, entries: list[SessionSpeakerData], state: SessionState
) -> Session:
    """A session programmed directly (an invited round table, a plenary): no proposal, no review."""
    if state not in DIRECT_STATES:
        raise SessionsError(_("Choisissez l'état « Confirmée » ou « Acceptée »."), "state")
    _check_details(details, entries)
    session = Session(event=event, state=state)
    apply_details(session, details)
    now = utcnow()
    session.decided_at = now
    if state == SessionState.confirmed:
        session.confirmed_at = now
    db.session.add(session)
    set_speakers(session, event, entries)
    db.session.flush()
    log_action("session.programmed", actor=actor, event=event, target=session, title=session.title, state=state.value)
    return session


def update_session(
    session: Session,
    actor: User | None,
    details: SessionDetails,
    entries: list[SessionSpeakerData],
    state: SessionState | None = None,
) -> None:
    """Change a session's details and speakers; its state only between accepted and confirmed."""
    _check_details(details, entries)
    if state is not None and state != session.state:
        if state not in DIRECT_STATES or session.state not in DIRECT_STATES:
            raise SessionsError(_("Cet état ne peut pas être choisi ici."), "state")
        session.state = state
        if state == SessionState.confirmed and session.confirmed_at is None:
            session.confirmed_at = utcnow()
    apply_details(session, details)
    set_speakers(session, session.event, entries)
    log_action("session.updated", actor=actor, event=session.event, target=session, title=session.title)


def cancel_session(session: Session, actor: User | None) -> None:
    if session.state not in CANCELLABLE_STATES:
        raise SessionsError(
            _(
                "Cette session ne peut pas être annulée : elle est déjà dans l'état « %(state)s ».",
                state=session.state.title,
            )
        )
    previous = session.state
    session.state = SessionState.cancelled
    log_action("session.cancelled", actor=actor, event=session.event, target=session, previous_state=previous.value)


# --- claiming a profile ---------------------------------------------------------------------------


def claim_token(profile: SpeakerProfile) -> str:
    return sign({"speaker": profile.id, "email": profile.email}, CLAIM_PURPOSE)


def claim_url(profile: SpeakerProfile) -> str:
    return external_url("proposals_sessions.claim", ev=profile.event.slug, token=claim_token(profile))


def claim_max_age() -> int:
    return current_app.config["NEC_PROFILE_CLAIM_MAX_AGE"]


def profile_from_claim(event: Event, token: str) -> SpeakerProfile:
    """The profile a claim link is for; raises InvalidLink (French message) when it cannot serve."""
    data = unsign(token, CLAIM_PURPOSE, claim_max_age())
    profile = db.session.get(SpeakerProfile, int(data.get("speaker", 0)))
    if profile is None or profile.event_id != event.id:
        raise InvalidLink(
            _("Ce profil d'intervenant·e n'existe plus. Écrivez à l'équipe organisatrice pour en savoir plus.")
        )
    if profile.email != data.get("email"):
        raise InvalidLink(
            _(
                "L'adresse e-mail de ce profil a changé depuis l'envoi de ce lien. "
                "Demandez un nouveau lien à l'équipe organisatrice."
            )
        )
    return profile


def send_claim_link(profile: SpeakerProfile, actor: User | None) -> None:
    """Queue the mail with the link that lets the speaker take their profile over."""
    if profile.user_id is not None:
        raise SessionsError(_("Ce profil est déjà relié à un compte : il n'y a pas de lien à envoyer."))
    event = profile.event
    queue_mail(
        profile.email,
        "claim_profile",
        subject=_l("Votre profil d'intervenant·e pour %(event)s", event=event.title),
        to_name=profile.full_name,
        event=event,
        locale=mail_locale(profile.email),  # no account tied yet, but the address may have one
        url=claim_url(profile),
        days=claim_max_age() // (24 * 3600),
    )
    log_action("speaker.claim_link_sent", actor=actor, event=event, target=profile)


def claim_profile(profile: SpeakerProfile, user: User) -> None:
    """Tie the profile to this account. The caller checked that the person reads mail at its address."""
    if profile.user_id == user.id:
        return
    if profile.user_id is not None:
        raise SessionsError(
            _(
                "Ce profil d'intervenant·e est déjà relié à un autre compte. "
                "Si vous pensez que c'est une erreur, écrivez à l'équipe organisatrice."
            )
        )
    if user.email != profile.email:
        raise SessionsError(
            _(
                "Ce lien a été envoyé à %(email)s, mais vous êtes connecté·e avec un autre compte. "
                "Déconnectez-vous, puis ouvrez à nouveau le lien.",
                email=profile.email,
            )
        )
    other = db.session.scalar(
        sa.select(SpeakerProfile).where(
            SpeakerProfile.event_id == profile.event_id,
            SpeakerProfile.user_id == user.id,
            SpeakerProfile.id != profile.id,
        )
    )
    if other is not None:
        raise SessionsError(
            _(
                "Votre compte est déjà relié à un autre profil pour cet événement (« %(name)s »). "
                "Écrivez à l'équipe organisatrice pour réunir les deux profils.",
                name=other.full_name,
            )
        )
    # Conditional update: of two claims at the same moment, exactly one wins.
    claimed = db.session.execute(
        sa.update(SpeakerProfile)
        .where(SpeakerProfile.id == profile.id, SpeakerProfile.user_id.is_(None))
        .values(user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise SessionsError(
            _(
                "Ce profil d'intervenant·e est déjà relié à un autre compte. "
                "Si vous pensez que c'est une erreur, écrivez à l'équipe organisatrice."
            )
        )
    db.session.refresh(profile)
    prove_address(user, via="profile_claim", actor=user)  # the link reached this mailbox
    log_action("speaker.profile_claimed", actor=user, event=profile.event, target=profile)


def claim_refusal(profile: SpeakerProfile, actor: User | None) -> str | None:
    """Why `actor` (None: nobody signed in) may not claim this profile from its link, in French; None if they may.

    The link proves the profile's address: a signed-in person claims only with the account of that address."""
    if profile.user_id is not None and (actor is None or profile.user_id != actor.id):
        return _(
            "Ce profil d'intervenant·e est déjà relié à un autre compte. "
            "Si vous pensez que c'est une erreur, écrivez à l'équipe organisatrice."
        )
    if actor is not None and actor.email != profile.email:
        return _(
            "Ce lien a été envoyé à %(email)s, mais vous êtes connecté·e avec un autre compte (%(mine)s). "
            "Déconnectez-vous, puis ouvrez à nouveau le lien.",
            email=profile.email,
            mine=actor.email,
        )
    return None


def claim_with_link(profile: SpeakerProfile, current: User | None) -> tuple[User, bool]:
    """Claim from the link: for the signed-in person, else for the account with the profile's address
    (created if there is none). Returns the account and whether the link may sign it in: a claim
    happens once, and never opens an account with a password or a role (link_may_sign_in)."""
    refusal = claim_refusal(profile, current)
    if refusal is not None:
        raise SessionsError(refusal)
    if current is not None:
        claim_profile(profile, current)
        return current, False
    user = get_user_by_email(profile.email)
    if user is None:
        try:
            user = create_user(profile.email, profile.full_name, email_confirmed=True)
        except AccountError as error:
            raise SessionsError(str(error)) from error
    elif not user.is_active_account:
        raise SessionsError(_("Le compte lié à cette adresse est désactivé. Écrivez à l'équipe organisatrice."))
    claim_profile(profile, user)
    sign_in = link_may_sign_in(user)
    if sign_in:
        record_login(user)
    return user, sign_in
