"""Personal data as the RGPD expects: a person's export, the erasure of their account, retention limits.

Plain functions that add to db.session and never commit: the caller (a view, a command) commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from nec.accounts.models import EventRole, EventRoleKind, LoginToken, User
from nec.accounts.services import AccountError, roles_of, verify_password
from nec.core import hooks
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.models import AuditLogEntry, OutboxMessage, OutboxState
from nec.events.models import Event
from nec.extensions import db

# The phrase a person without a password types to confirm the deletion of their account.
DELETE_CONFIRMATION_PHRASE = "SUPPRIMER"
# Login links already used or expired are kept this long (to answer "this link has already served").
LOGIN_TOKEN_RETENTION = timedelta(days=7)
# An account never confirmed, with nothing attached to it, is forgotten after this long.
UNCONFIRMED_ACCOUNT_RETENTION = timedelta(days=30)
# What the privacy page promises for an event's participants and its proposals not retained.
AFTER_EVENT_RETENTION = timedelta(days=365)
ANONYMOUS_NAME = "Participant·e anonymisé·e"
_CHUNK = 500  # ids per IN (...) list: SQLite limits the number of bound parameters


# --- export --------------------------------------------------------------------------------------


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def event_summary(event: Event) -> dict:
    return {"slug": event.slug, "title": event.title}


def export_personal_data(user: User, *, now: datetime | None = None) -> dict:
    """Everything the platform keeps about this person, as plain JSON-ready data (keys in English).

    The account's own data, then each module's sections (nec.core.hooks), then the mails and the audit
    log. Never the password hash nor the login tokens' secrets. A constant number of queries, whatever
    the size of the person's history.
    """
    uid = user.id
    roles = roles_of(user)
    data: dict = {
        "generated_at": (now or utcnow()).isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "locale": user.locale,
            "has_password": bool(user.password_hash),
            "is_admin": user.is_admin,
            "created_at": when(user.created_at),
            "email_confirmed_at": when(user.email_confirmed_at),
            "last_login_at": when(user.last_login_at),
        },
        "event_roles": [
            {"event": event_summary(role.event), "role": role.role.value, "since": when(role.created_at)}
            for role in roles
        ],
    }
    for hook in hooks.personal_data_hooks():
        data.update(hook.export(user))
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
    data["mails"] = [
        {"subject": subject, "queued_at": when(created), "sent_at": when(sent), "state": state.value}
        for subject, created, sent, state in mails
    ]
    data["audit_log"] = [{"action": action, "at": when(created), "event": slug} for action, created, slug in audit]
    return data


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
        for hook in hooks.personal_data_hooks():
            if hook.erase is not None:
                photos += hook.erase(ids)
        statements = [
            sa.delete(EventRole).where(EventRole.user_id.in_(ids)),
            sa.delete(LoginToken).where(LoginToken.user_id.in_(ids)),
            sa.delete(OutboxMessage).where(
                OutboxMessage.to_address.in_(emails), OutboxMessage.state == OutboxState.pending
            ),
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
    # What each module deleted or anonymised a year after its event: (label, count), by hooks.RetentionPurge.
    modules: list[tuple[str, int]] = field(default_factory=list)


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
                *(none_in(column) for hook in hooks.personal_data_hooks() if hook.holders for column in hook.holders()),
            )
            .order_by(User.id)
        )
    ]


def purge_expired_data(*, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Delete what is kept beyond its retention period; with `dry_run`, only count it.

    - mails sent or failed more than NEC_MAIL_RETENTION_DAYS ago;
    - login links used or expired, created more than 7 days ago;
    - accounts never confirmed, unused for 30 days, with nothing attached (no role, nor any row a module
      declares as holding a person: speaker profile, registration, favourite, review; never an administrator);
    - audit log entries older than NEC_AUDIT_RETENTION_DAYS;
    - what each module purges a year after an event's last day (nec.core.hooks.RetentionPurge): the
      proposals not retained are deleted, the registrations anonymised.
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
    # Chosen before the modules' purges: an account attached only to an anonymised registration stays.
    accounts = _stale_unconfirmed_accounts(now)

    def count(model, condition) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(condition)) or 0

    report = PurgeReport(
        mails=count(OutboxMessage, old_mails),
        login_tokens=count(LoginToken, old_tokens),
        accounts=len(accounts),
        audit_entries=count(AuditLogEntry, old_audit),
    )
    report.modules = [(hook.label, hook.run(now, dry_run)) for hook in hooks.purge_hooks()]
    if dry_run:
        return report
    for model, condition in ((OutboxMessage, old_mails), (LoginToken, old_tokens), (AuditLogEntry, old_audit)):
        db.session.execute(sa.delete(model).where(condition).execution_options(synchronize_session=False))
    if accounts:
        _erase_users(accounts)  # nothing attached to them: no speaker profile, so no photo either
    return report
