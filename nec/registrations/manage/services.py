"""The organisers' side of registrations: the settings, the list of participants with its filters, the
waiting lists, writing to participants. Changes to one registration (add, cancel, move) are the
services of registrations/services.py and seats.py; these functions check what the form cannot."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from nec.accounts.models import User
from nec.core.audit import log_action
from nec.core.mail import queue_mail
from nec.core.web import parse_id
from nec.events.models import Event
from nec.extensions import db
from nec.programme.public.services import PUBLIC_STATES
from nec.proposals.models import Session, StructureType
from nec.registrations.models import (
    ACTIVE_STATES,
    HOLDING_STATES,
    Attendance,
    Registration,
    RegistrationSettings,
    RegistrationState,
    Seat,
    SeatState,
)
from nec.registrations.services import RegistrationError, revoke_links, settings_for

PER_PAGE = 50
MAX_MESSAGE = 10000
REMINDER_DAYS = re.compile(r"^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$")


# --- settings --------------------------------------------------------------------------------------


@dataclass
class SettingsValues:
    is_open: bool
    opens_at: datetime | None  # naive, in the event's time zone (or aware)
    closes_at: datetime | None
    on_site_capacity: int | None
    online_capacity: int | None
    offer_hours: int = 48
    pending_hours: int = 48
    reminder_days: str = "7,1"
    workshop_reminder_hours: int = 24
    retention_days: int = 365


def _to_utc(local: datetime | None, tz_name: str) -> datetime | None:
    if local is None:
        return None
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def normalise_reminder_days(text: str) -> str:
    """ "7, 1, 7" → "7,1" (largest first); "" for no reminder. Raises for anything else."""
    text = (text or "").strip()
    if not text:
        return ""
    if not REMINDER_DAYS.match(text):
        raise RegistrationError(
            _("Indiquez des nombres de jours séparés par des virgules, par exemple « 7,1 », ou laissez vide."),
            field="reminder_days",
        )
    days = sorted({int(part) for part in text.split(",")}, reverse=True)
    if any(day < 1 or day > 60 for day in days):
        raise RegistrationError(_("Chaque rappel a lieu entre 1 et 60 jours avant l'événement."), field="reminder_days")
    return ",".join(str(day) for day in days)


def update_settings(event: Event, actor: User, values: SettingsValues) -> RegistrationSettings:
    """Save how the event takes registrations. A capacity never goes below the registrations it already
    counts (close the registrations instead)."""
    settings = settings_for(event)
    opens, closes = _to_utc(values.opens_at, event.timezone), _to_utc(values.closes_at, event.timezone)
    if opens is not None and closes is not None and closes <= opens:
        raise RegistrationError(_("La clôture des inscriptions doit être après leur ouverture."), field="closes_at")
    for name, taken, label in (
        ("on_site_capacity", settings.on_site_taken, _("sur place")),
        ("online_capacity", settings.online_taken, _("en ligne")),
    ):
        capacity = getattr(values, name)
        if capacity is not None and capacity < taken:
            raise RegistrationError(
                _(
                    "%(taken)d personnes sont déjà inscrites %(mode)s : la capacité ne peut pas être plus petite. "
                    "Pour ne plus prendre d'inscription, fermez les inscriptions.",
                    taken=taken,
                    mode=label,
                ),
                field=name,
            )
    settings.is_open = bool(values.is_open)
    settings.opens_at, settings.closes_at = opens, closes
    settings.on_site_capacity, settings.online_capacity = values.on_site_capacity, values.online_capacity
    settings.offer_hours = values.offer_hours
    settings.pending_hours = values.pending_hours
    settings.reminder_days = normalise_reminder_days(values.reminder_days)
    settings.workshop_reminder_hours = values.workshop_reminder_hours
    settings.retention_days = values.retention_days
    db.session.flush()
    log_action("registration.settings", actor=actor, event=event, is_open=settings.is_open)
    return settings


def renew_personal_link(registration: Registration, actor: User) -> str:
    """A lost or leaked personal link: every link sent so far stops serving, a new one is mailed."""
    url = revoke_links(registration)
    log_action("registration.link_renewed", actor=actor, event=registration.event, target=registration)
    return url


# --- the list of participants ----------------------------------------------------------------------


@dataclass
class ParticipantQuery:
    """The filters of the list (from the page's GET form); anything unknown is ignored."""

    state: RegistrationState | None = None
    attendance: Attendance | None = None
    structure_type: StructureType | None = None
    department: str = ""
    session_id: int | None = None
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> ParticipantQuery:
        def choice(enum, name):
            try:
                return enum(args.get(name, ""))
            except ValueError:
                return None

        department = (args.get("department") or "").strip().upper()[:3]
        page = parse_id(args.get("page")) or 1
        return cls(
            state=choice(RegistrationState, "state"),
            attendance=choice(Attendance, "attendance"),
            structure_type=choice(StructureType, "structure_type"),
            department=department if re.fullmatch(r"[0-9AB]{2,3}", department) else "",
            session_id=parse_id(args.get("session")),
            q=(args.get("q") or "").strip()[:100],
            page=min(page, 10_000),
        )

    @property
    def is_filtered(self) -> bool:
        return any((self.state, self.attendance, self.structure_type, self.department, self.session_id, self.q))

    def args(self, **changes) -> dict[str, object]:
        """The query string of these filters (for links: the pages, the exports)."""
        values = {
            "state": self.state.value if self.state else "",
            "attendance": self.attendance.value if self.attendance else "",
            "structure_type": self.structure_type.value if self.structure_type else "",
            "department": self.department,
            "session": self.session_id or "",
            "q": self.q,
            **changes,
        }
        return {key: value for key, value in values.items() if value not in ("", None)}


@dataclass
class ParticipantPage:
    rows: list[Registration]
    total: int  # matching the filters
    page: int
    pages: int
    state_counts: dict[RegistrationState, int] = field(default_factory=dict)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").lower() + "%"


def _filtered(event: Event, query: ParticipantQuery):
    statement = sa.select(Registration).where(Registration.event_id == event.id)
    if query.state:
        statement = statement.where(Registration.state == query.state)
    if query.attendance:
        statement = statement.where(Registration.attendance == query.attendance)
    if query.structure_type:
        statement = statement.where(Registration.structure_type == query.structure_type)
    if query.department:
        statement = statement.where(Registration.department == query.department)
    if query.session_id:
        statement = statement.where(
            Registration.id.in_(
                sa.select(Seat.registration_id).where(
                    Seat.session_id == query.session_id, Seat.state.in_(ACTIVE_STATES)
                )
            )
        )
    if query.q:
        pattern = _like(query.q)
        statement = statement.where(
            sa.or_(
                sa.func.lower(Registration.full_name).like(pattern, escape="\\"),
                Registration.email.like(pattern, escape="\\"),
                sa.func.lower(Registration.structure).like(pattern, escape="\\"),
            )
        )
    return statement


def participants(event: Event, query: ParticipantQuery) -> ParticipantPage:
    """One page of the list, in name order, with each person's seats (a constant number of queries)."""
    statement = _filtered(event, query)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(query.page, pages)
    rows = db.session.scalars(
        statement.options(selectinload(Registration.seats).joinedload(Seat.session))
        .order_by(sa.func.lower(Registration.full_name), Registration.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    counts = dict(
        db.session.execute(
            sa.select(Registration.state, sa.func.count())
            .where(Registration.event_id == event.id)
            .group_by(Registration.state)
        ).all()
    )
    return ParticipantPage(list(rows), total, page, pages, counts)


def all_participants(event: Event, query: ParticipantQuery) -> list[Registration]:
    """Every registration matching the filters (the exports), with their seats."""
    return list(
        db.session.scalars(
            _filtered(event, query)
            .options(selectinload(Registration.seats).joinedload(Seat.session))
            .order_by(sa.func.lower(Registration.full_name), Registration.id)
        )
    )


def departments(event: Event) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Registration.department)
            .where(Registration.event_id == event.id, Registration.department != "")
            .distinct()
            .order_by(Registration.department)
        )
    )


def get_registration(event: Event, registration_id: int) -> Registration | None:
    registration = db.session.get(Registration, registration_id)
    return registration if registration is not None and registration.event_id == event.id else None


# --- workshops and their waiting lists ---------------------------------------------------------------


def workshops(event: Event) -> list[Session]:
    """The event's sessions with limited seats still on the programme, by title."""
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(
                Session.event_id == event.id,
                Session.seat_capacity.is_not(None),
                Session.state.in_(PUBLIC_STATES),
            )
            .order_by(Session.title, Session.id)
        )
    )


def get_workshop(event: Event, session_id: int) -> Session | None:
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id or session.seat_capacity is None:
        return None
    return session


@dataclass
class WorkshopSeats:
    session: Session
    holders: list[Seat]  # booked or offered, by name
    waiting: list[Seat]  # in the order of their offers


def workshop_seats(event: Event) -> list[WorkshopSeats]:
    """Every workshop with its seat holders and its waiting list, in two queries."""
    sessions = workshops(event)
    seats = db.session.scalars(
        sa.select(Seat)
        .join(Registration, Registration.id == Seat.registration_id)
        .where(Seat.session_id.in_([s.id for s in sessions]), Seat.state.in_(ACTIVE_STATES))
        .options(sa.orm.contains_eager(Seat.registration))
        .order_by(Seat.ticket, Seat.id)
    ).all()
    by_session: dict[int, WorkshopSeats] = {s.id: WorkshopSeats(s, [], []) for s in sessions}
    for seat in seats:
        entry = by_session[seat.session_id]
        (entry.waiting if seat.state == SeatState.waiting else entry.holders).append(seat)
    for entry in by_session.values():
        entry.holders.sort(key=lambda seat: (seat.registration.full_name.lower(), seat.id))
    return list(by_session.values())


# --- writing to participants -------------------------------------------------------------------------


class Audience:
    """Who a message goes to: every confirmed participant, those on site or online, or those of a workshop
    (seat holders, with or without its waiting list)."""

    EVERYONE = "all"
    ON_SITE = "on_site"
    ONLINE = "online"


def recipients(event: Event, audience: str, session: Session | None, include_waiting: bool) -> list[Registration]:
    statement = sa.select(Registration).where(
        Registration.event_id == event.id, Registration.state == RegistrationState.confirmed
    )
    if session is not None:
        states = ACTIVE_STATES if include_waiting else HOLDING_STATES
        statement = statement.where(
            Registration.id.in_(
                sa.select(Seat.registration_id).where(Seat.session_id == session.id, Seat.state.in_(states))
            )
        )
    elif audience == Audience.ON_SITE:
        statement = statement.where(Registration.attendance == Attendance.on_site)
    elif audience == Audience.ONLINE:
        statement = statement.where(Registration.attendance == Attendance.online)
    return list(db.session.scalars(statement.order_by(Registration.id)))


def write_to_participants(
    event: Event,
    actor: User,
    *,
    subject: str,
    body: str,
    audience: str = Audience.EVERYONE,
    session: Session | None = None,
    include_waiting: bool = False,
) -> int:
    """Queue one mail per recipient in the outbox (each person gets their own: no list of addresses to
    leak); the worker sends them. Returns how many were queued."""
    subject = " ".join((subject or "").split())
    body = (body or "").strip()
    if not subject:
        raise RegistrationError(_("Écrivez l'objet du message."), field="subject")
    if not body:
        raise RegistrationError(_("Écrivez le message."), field="body")
    if len(body) > MAX_MESSAGE:
        raise RegistrationError(_("Le message ne doit pas dépasser 10 000 caractères."), field="body")
    people = recipients(event, audience, session, include_waiting)
    if not people:
        raise RegistrationError(_("Personne ne recevrait ce message : choisissez d'autres destinataires."))
    for registration in people:
        queue_mail(
            registration.email,
            "event_message",
            subject=subject[:200],
            to_name=registration.full_name,
            event=event,
            locale=registration.language,
            body=body,
        )
    log_action(
        "registration.message",
        actor=actor,
        event=event,
        target=session,
        audience=audience,
        recipients=len(people),
        subject=subject[:200],
    )
    return len(people)
