"""Personal data as the RGPD expects: a person's export, the erasure of their account, retention limits.

Plain functions that add to db.session and never commit: the caller (a view, a command) commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, selectinload

from nec.accounts.models import EventRole, EventRoleKind, LoginToken, User
from nec.accounts.services import AccountError, roles_of, verify_password
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.models import AuditLogEntry, OutboxMessage, OutboxState
from nec.events.models import Event
from nec.extensions import db
from nec.programme.models import Favourite, GeneratorRun
from nec.proposals.models import (
    Answer,
    Availability,
    Question,
    Review,
    ReviewScore,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
)
from nec.registrations.models import Registration, Seat

# The phrase a person without a password types to confirm the deletion of their account.
DELETE_CONFIRMATION_PHRASE = "SUPPRIMER"
# Login links already used or expired are kept this long (to answer "this link has already served").
LOGIN_TOKEN_RETENTION = timedelta(days=7)
# An account never confirmed, with nothing attached to it, is forgotten after this long.
UNCONFIRMED_ACCOUNT_RETENTION = timedelta(days=30)
# What the privacy page promises for an event's participants and its proposals not retained.
AFTER_EVENT_RETENTION = timedelta(days=365)
# The proposals "not retained": never accepted (a declined or cancelled session was in the programme).
NOT_RETAINED_STATES = (SessionState.draft, SessionState.submitted, SessionState.rejected, SessionState.withdrawn)
ANONYMOUS_NAME = "Participant·e anonymisé·e"
_CHUNK = 500  # ids per IN (...) list: SQLite limits the number of bound parameters


# --- export --------------------------------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _event(event: Event) -> dict:
    return {"slug": event.slug, "title": event.title}


def export_personal_data(user: User, *, now: datetime | None = None) -> dict:
    """Everything the platform keeps about this person, as plain JSON-ready data (keys in English).

    Never the password hash nor the login tokens' secrets. A constant number of queries, whatever the
    size of the person's history.
    """
    uid = user.id
    own_profiles = sa.select(SpeakerProfile.id).where(SpeakerProfile.user_id == uid)
    own_sessions = sa.select(Session.id).where(Session.submitted_by_id == uid)

    roles = roles_of(user)
    profiles = db.session.scalars(
        sa.select(SpeakerProfile)
        .join(SpeakerProfile.event)
        .where(SpeakerProfile.user_id == uid)
        .options(contains_eager(SpeakerProfile.event), selectinload(SpeakerProfile.availabilities))
        .order_by(Event.start_date, SpeakerProfile.id)
    ).all()
    parts = db.session.scalars(
        sa.select(SessionSpeaker)
        .join(SessionSpeaker.speaker)
        .join(SessionSpeaker.session)
        .join(Session.event)
        .where(SpeakerProfile.user_id == uid)
        .options(contains_eager(SessionSpeaker.session).contains_eager(Session.event))
        .order_by(Event.start_date, Session.id)
    ).all()
    answers = db.session.execute(
        sa.select(Answer, Question, Event, Session.title)
        .join(Answer.question)
        .join(Question.event)
        .outerjoin(Session, Session.id == Answer.session_id)
        .where(sa.or_(Answer.speaker_id.in_(own_profiles), Answer.session_id.in_(own_sessions)))
        .order_by(Event.start_date, Question.position, Question.id, Answer.id)
    ).all()
    favourites = db.session.execute(
        sa.select(Favourite.created_at, Session.title, Event)
        .join(Session, Session.id == Favourite.session_id)
        .join(Session.event)
        .where(Favourite.user_id == uid)
        .order_by(Event.start_date, Favourite.created_at, Favourite.id)
    ).all()
    reviews = db.session.scalars(
        sa.select(Review)
        .join(Review.session)
        .join(Session.event)
        .where(Review.reviewer_id == uid)
        .options(
            contains_eager(Review.session).contains_eager(Session.event),
            selectinload(Review.scores).joinedload(ReviewScore.criterion),
        )
        .order_by(Event.start_date, Review.id)
    ).all()
    registrations = db.session.scalars(
        sa.select(Registration)
        .join(Registration.event)
        .where(Registration.user_id == uid)
        .options(contains_eager(Registration.event), selectinload(Registration.seats).joinedload(Seat.session))
        .order_by(Event.start_date, Registration.id)
    ).all()
    mails = db.session.execute(
        sa.select(OutboxMessage.subject, OutboxMessage.created_at, OutboxMessage.sent_at, OutboxMessage.state)
        .where(OutboxMessage.to_address == user.email)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ).all()
    audit = db.session.execute(
        sa.select(AuditLogEntry.action, AuditLogEntry.created_at, Event.slug)
        .outerjoin(Event, Event.id == AuditLogEntry.event_id)
        .where(AuditLogEntry.actor_id == uid)
        .order_by(AuditLogEntry.created_at, AuditLogEntry.id)
    ).all()

    return {
        "generated_at": (now or utcnow()).isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "locale": user.locale,
            "has_password": bool(user.password_hash),
            "is_admin": user.is_admin,
            "created_at": _when(user.created_at),
            "email_confirmed_at": _when(user.email_confirmed_at),
            "last_login_at": _when(user.last_login_at),
        },
        "event_roles": [
            {"event": _event(role.event), "role": role.role.value, "since": _when(role.created_at)} for role in roles
        ],
        "speaker_profiles": [
            {
                "event": _event(profile.event),
                "full_name": profile.full_name,
                "email": profile.email,
                "structure": profile.structure,
                "structure_type": profile.structure_type.value,
                "territory": profile.territory,
                "bio": profile.bio,
                "photo_file": PurePosixPath(profile.photo_path).name if profile.photo_path else None,
                "publish_consent": profile.publish_consent,
                "created_at": _when(profile.created_at),
                "updated_at": _when(profile.updated_at),
                "availability": [
                    {"starts_at": _when(a.starts_at), "ends_at": _when(a.ends_at)} for a in profile.availabilities
                ],
            }
            for profile in profiles
        ],
        "sessions": [
            {
                "event": _event(part.session.event),
                "title": part.session.title,
                "state": part.session.state.value,
                "role": part.role.value,
                "invitation_state": part.invitation_state.value,
                "submitted_by_me": part.session.submitted_by_id == uid,
                "recording_consent": part.recording_consent,
                "replay_consent": part.replay_consent,
                "consent_updated_at": _when(part.consent_updated_at),
            }
            for part in parts
        ],
        "answers": [
            {
                "event": _event(event),
                "question": question.label,
                "about": "speaker" if answer.speaker_id is not None else "session",
                "session": session_title,
                "value": answer.value,
            }
            for answer, question, event, session_title in answers
        ],
        "favourites": [
            {"event": _event(event), "session": title, "added_at": _when(added_at)}
            for added_at, title, event in favourites
        ],
        "reviews": [
            {
                "event": _event(review.session.event),
                "session": review.session.title,
                "comment": review.comment,
                "scores": [
                    {"criterion": s.criterion.name, "value": s.value, "max": s.criterion.max_score}
                    for s in sorted(review.scores, key=lambda s: (s.criterion.position, s.criterion.id))
                ],
                "created_at": _when(review.created_at),
                "updated_at": _when(review.updated_at),
            }
            for review in reviews
        ],
        "registrations": [
            {
                "event": _event(reg.event),
                "full_name": reg.full_name,
                "email": reg.email,
                "structure": reg.structure,
                "structure_type": reg.structure_type.value,
                "territory": reg.territory,
                "attendance": reg.attendance.value,
                "state": reg.state.value,
                "accessibility_needs": reg.accessibility_needs,
                "consent_news": reg.consent_news,
                "consent_share_with_partners": reg.consent_share_with_partners,
                "created_at": _when(reg.created_at),
                "cancelled_at": _when(reg.cancelled_at),
                "checked_in_at": _when(reg.checked_in_at),
                "seats": [
                    {"session": seat.session.title, "state": seat.state.value, "since": _when(seat.created_at)}
                    for seat in sorted(reg.seats, key=lambda s: s.id)
                ],
            }
            for reg in registrations
        ],
        "mails": [
            {"subject": subject, "queued_at": _when(created), "sent_at": _when(sent), "state": state.value}
            for subject, created, sent, state in mails
        ],
        "audit_log": [{"action": action, "at": _when(created), "event": slug} for action, created, slug in audit],
    }


# --- erasure ---------------------------------------------------------------------------------------


def events_blocking_deletion(user: User, *, lock: bool = False) -> list[Event]:
    """The events of which this person is the only organiser: their account cannot go before them.

    With `lock`, the events are locked first, so that two organisers of one event cannot both leave at
    the same moment (as in services.revoke_role).
    """
    own = sa.select(EventRole.event_id).where(EventRole.user_id == user.id, EventRole.role == EventRoleKind.organiser)
    if lock:
        db.session.execute(sa.select(Event.id).where(Event.id.in_(own)).with_for_update())
    organisers = (
        sa.select(sa.func.count(EventRole.id))
        .where(EventRole.event_id == Event.id, EventRole.role == EventRoleKind.organiser)
        .scalar_subquery()
    )
    return list(db.session.scalars(sa.select(Event).where(Event.id.in_(own), organisers <= 1).order_by(Event.title)))


def _check_deletion_allowed(user: User, password: str | None, confirmation: str | None) -> None:
    if user.password_hash:
        if not verify_password(user, password or ""):
            raise AccountError(
                _("Le mot de passe est incorrect : votre compte n'a pas été supprimé. Vérifiez-le et réessayez.")
            )
    elif (confirmation or "").strip().upper() != DELETE_CONFIRMATION_PHRASE:
        raise AccountError(
            _(
                "Pour confirmer, tapez le mot %(phrase)s en entier : votre compte n'a pas été supprimé.",
                phrase=DELETE_CONFIRMATION_PHRASE,
            )
        )
    blocking = events_blocking_deletion(user, lock=True)
    if blocking:
        raise AccountError(
            _(
                "Vous êtes la seule personne qui organise : %(events)s. Nommez d'abord une autre personne "
                "organisatrice (page « Gérer l'équipe » de l'événement), puis revenez supprimer votre compte.",
                events=", ".join(f"« {event.title} »" for event in blocking),
            )
        )


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def _forget_in_audit_log(users: Sequence[tuple[int, str, str]]) -> None:
    """Entries keep their action but lose the person: no actor, no target id, no name nor address."""
    by_id = {uid: {email, name} for uid, email, name in users}
    for ids in _chunks(list(by_id)):
        db.session.execute(
            sa.update(AuditLogEntry)
            .where(AuditLogEntry.actor_id.in_(ids))
            .values(actor_id=None)
            .execution_options(synchronize_session=False)
        )
        entries = db.session.scalars(
            sa.select(AuditLogEntry).where(AuditLogEntry.target_type == User.__name__, AuditLogEntry.target_id.in_(ids))
        )
        for entry in entries:
            personal = by_id[entry.target_id]
            entry.target_id = None
            entry.data = {
                key: value
                for key, value in (entry.data or {}).items()
                if not (isinstance(value, str) and value in personal)
            }


def _erase_users(users: Sequence[tuple[int, str, str]]) -> list[str]:
    """Delete these accounts (id, email, name) and what belongs to them alone; returns photo files to delete.

    Every row is deleted explicitly, in dependency order, rather than left to ON DELETE rules: the result
    does not depend on the database enforcing them.
    """
    photos: list[str] = []
    _forget_in_audit_log(users)
    for ids in _chunks([uid for uid, _email, _name in users]):
        emails = [email for uid, email, _name in users if uid in ids]
        profiles = sa.select(SpeakerProfile.id).where(SpeakerProfile.user_id.in_(ids))
        registrations = sa.select(Registration.id).where(Registration.user_id.in_(ids))
        reviews = sa.select(Review.id).where(Review.reviewer_id.in_(ids))
        photos += [
            p
            for p in db.session.scalars(sa.select(SpeakerProfile.photo_path).where(SpeakerProfile.user_id.in_(ids)))
            if p
        ]
        statements = [
            sa.delete(Answer).where(Answer.speaker_id.in_(profiles)),
            sa.delete(Availability).where(Availability.speaker_id.in_(profiles)),
            sa.delete(SessionSpeaker).where(SessionSpeaker.speaker_id.in_(profiles)),
            sa.delete(SpeakerProfile).where(SpeakerProfile.user_id.in_(ids)),
            sa.delete(Seat).where(Seat.registration_id.in_(registrations)),
            sa.delete(Registration).where(Registration.user_id.in_(ids)),
            # reviews.reviewer_id is NOT NULL: a review cannot outlive its author, it goes with them.
            sa.delete(ReviewScore).where(ReviewScore.review_id.in_(reviews)),
            sa.delete(Review).where(Review.reviewer_id.in_(ids)),
            sa.delete(Favourite).where(Favourite.user_id.in_(ids)),
            sa.delete(EventRole).where(EventRole.user_id.in_(ids)),
            sa.delete(LoginToken).where(LoginToken.user_id.in_(ids)),
            sa.delete(OutboxMessage).where(
                OutboxMessage.to_address.in_(emails), OutboxMessage.state == OutboxState.pending
            ),
            # The session stays (it belongs to the event); only who proposed it is forgotten.
            sa.update(Session)
            .where(Session.submitted_by_id.in_(ids))
            .values(submitted_by_id=None, updated_at=Session.updated_at),
            sa.update(GeneratorRun).where(GeneratorRun.created_by_id.in_(ids)).values(created_by_id=None),
            sa.delete(User).where(User.id.in_(ids)),
        ]
        for statement in statements:
            db.session.execute(statement.execution_options(synchronize_session=False))
    return photos


def delete_account(user: User, *, password: str | None = None, confirmation: str | None = None) -> list[str]:
    """Delete the person's account and what is theirs alone, after checking it is really them.

    Kept: the sessions (they belong to the event), the mails already sent (until the retention purge),
    the audit entries without the person. Returns the photo files to delete once the transaction is
    committed. Raises AccountError (French, nothing changed) for a wrong password or the last organiser.
    """
    _check_deletion_allowed(user, password, confirmation)
    photos = _erase_users([(user.id, user.email, user.full_name)])
    db.session.expunge(user)  # its row is gone: nothing may flush it again
    log_action("account.deleted")
    return photos


# --- retention ------------------------------------------------------------------------------------------


@dataclass
class PurgeReport:
    mails: int = 0
    login_tokens: int = 0
    accounts: int = 0
    audit_entries: int = 0
    registrations: int = 0  # anonymised, a year after their event
    proposals: int = 0  # not retained, deleted a year after their event


def _stale_unconfirmed_accounts(now: datetime) -> list[tuple[int, str, str]]:
    cutoff = now - UNCONFIRMED_ACCOUNT_RETENTION

    def none_in(column) -> sa.ColumnElement[bool]:
        return ~sa.exists().where(column == User.id)

    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(User.id, User.email, User.full_name)
            .where(
                User.email_confirmed_at.is_(None),
                User.created_at < cutoff,
                sa.or_(User.last_login_at.is_(None), User.last_login_at < cutoff),
                User.is_admin.is_(False),
                none_in(EventRole.user_id),
                none_in(SpeakerProfile.user_id),
                none_in(Registration.user_id),
                none_in(Favourite.user_id),
                none_in(Review.reviewer_id),
            )
            .order_by(User.id)
        )
    ]


def purge_expired_data(*, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Delete what is kept beyond its retention period; with `dry_run`, only count it.

    - mails sent or failed more than NEC_MAIL_RETENTION_DAYS ago;
    - login links used or expired, created more than 7 days ago;
    - accounts never confirmed, unused for 30 days, with nothing attached (no role, speaker profile,
      registration, favourite or review; never an administrator);
    - audit log entries older than NEC_AUDIT_RETENTION_DAYS;
    - a year after an event's last day: its proposals not retained (draft, submitted, rejected,
      withdrawn) are deleted, and its registrations anonymised (name, address, structure, territory,
      needs and consents cleared; only what makes the statistics stays: state, attendance, dates).
    Running it twice in a row deletes nothing the second time.
    """
    now = now or utcnow()
    config = current_app.config
    mail_cutoff = now - timedelta(days=config["NEC_MAIL_RETENTION_DAYS"])
    audit_cutoff = now - timedelta(days=config["NEC_AUDIT_RETENTION_DAYS"])
    token_cutoff = now - LOGIN_TOKEN_RETENTION

    old_mails = sa.or_(
        sa.and_(OutboxMessage.state == OutboxState.sent, OutboxMessage.sent_at < mail_cutoff),
        # A failed message's next_attempt_at is the time of its last attempt (core.mail._record_failure).
        sa.and_(OutboxMessage.state == OutboxState.failed, OutboxMessage.next_attempt_at < mail_cutoff),
    )
    old_tokens = sa.and_(
        LoginToken.created_at < token_cutoff,
        sa.or_(LoginToken.used_at.is_not(None), LoginToken.expires_at < now),
    )
    old_audit = AuditLogEntry.created_at < audit_cutoff
    accounts = _stale_unconfirmed_accounts(now)
    past_events = sa.select(Event.id).where(Event.end_date < (now - AFTER_EVENT_RETENTION).date())
    old_proposals = sa.and_(Session.event_id.in_(past_events), Session.state.in_(NOT_RETAINED_STATES))
    old_registrations = sa.and_(
        Registration.event_id.in_(past_events),
        sa.or_(Registration.user_id.is_not(None), Registration.full_name != ANONYMOUS_NAME),
    )

    def count(model, condition) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(condition)) or 0

    report = PurgeReport(
        mails=count(OutboxMessage, old_mails),
        login_tokens=count(LoginToken, old_tokens),
        accounts=len(accounts),
        audit_entries=count(AuditLogEntry, old_audit),
        registrations=count(Registration, old_registrations),
        proposals=count(Session, old_proposals),
    )
    if dry_run:
        return report
    db.session.execute(
        sa.update(Registration)
        .where(old_registrations)
        .values(
            user_id=None,
            full_name=ANONYMOUS_NAME,
            # Unique per event as the constraint wants, and naming nobody.
            email=sa.literal("anonyme-") + sa.cast(Registration.id, sa.String) + sa.literal("@anonyme.invalid"),
            structure="",
            territory="",
            accessibility_needs="",
            consent_news=False,
            consent_share_with_partners=False,
        )
        .execution_options(synchronize_session=False)
    )
    # ORM deletes: a session's speakers, answers and reviews go with it (their cascades).
    for session in db.session.scalars(sa.select(Session).where(old_proposals)).all():
        db.session.delete(session)
    for model, condition in ((OutboxMessage, old_mails), (LoginToken, old_tokens), (AuditLogEntry, old_audit)):
        db.session.execute(sa.delete(model).where(condition).execution_options(synchronize_session=False))
    if accounts:
        _erase_users(accounts)  # nothing attached to them: no speaker profile, so no photo either
    return report
