"""The registrations' figures for the organisers: over time, by structure type, by département, the fill
rate of each workshop and the no-shows. Each figure is a plain table (columns and rows) that the page
shows beside its chart, so that what the chart says can also be read, copied and heard.

Every figure counts the registrations still counting (confirmed); anonymised ones (past retention) keep
their type, département and dates, so the figures survive the purge. A few queries per figure, whatever
the event's size."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from nec.core.time import to_local
from nec.events.models import Event
from nec.extensions import db
from nec.programme.public.services import PUBLIC_STATES
from nec.proposals.models import Session, StructureType
from nec.registrations.models import (
    Attendance,
    CheckIn,
    Registration,
    RegistrationState,
    Seat,
    SeatCounter,
    SeatState,
)

#: Départements shown one by one; the others are added up in one line.
TOP_DEPARTMENTS = 12


@dataclass(frozen=True)
class Figure:
    """One figure: a title, a sentence that sums it up, and its table (the chart draws `series` of it)."""

    name: str
    title: str
    summary: str
    columns: list[str]
    rows: list[list[object]]
    # Column indexes the chart draws, against the first column (the labels).
    series: tuple[int, ...] = (1,)
    empty: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class Totals:
    confirmed: int
    pending: int
    cancelled: int
    on_site: int
    online: int
    checked_in: int


def _confirmed(event: Event):
    return sa.and_(Registration.event_id == event.id, Registration.state == RegistrationState.confirmed)


def totals(event: Event) -> Totals:
    rows = db.session.execute(
        sa.select(
            Registration.state, Registration.attendance, sa.func.count(), sa.func.count(Registration.checked_in_at)
        )
        .where(Registration.event_id == event.id)
        .group_by(Registration.state, Registration.attendance)
    ).all()
    by_state: Counter = Counter()
    by_mode: Counter = Counter()
    checked_in = 0
    for state, attendance, n, seen in rows:
        by_state[state] += n
        if state == RegistrationState.confirmed:
            by_mode[attendance] += n
            checked_in += seen
    return Totals(
        confirmed=by_state[RegistrationState.confirmed],
        pending=by_state[RegistrationState.pending],
        cancelled=by_state[RegistrationState.cancelled],
        on_site=by_mode[Attendance.on_site],
        online=by_mode[Attendance.online],
        checked_in=checked_in,
    )


def over_time(event: Event) -> Figure:
    """Confirmed registrations per day (in the event's time zone) and their running total."""
    instants = db.session.scalars(
        sa.select(sa.func.coalesce(Registration.confirmed_at, Registration.created_at)).where(_confirmed(event))
    ).all()
    per_day = Counter(to_local(at, event.timezone).date() for at in instants if at is not None)
    rows: list[list[object]] = []
    if per_day:
        first, last = min(per_day), max(per_day)
        total = 0
        day = first
        while day <= last:
            total += per_day[day]
            rows.append([day.isoformat(), per_day[day], total])
            day += timedelta(days=1)
    summary = (
        _(
            "%(total)d inscriptions confirmées entre le %(first)s et le %(last)s.",
            total=rows[-1][2],
            first=_day_text(rows[0][0]),
            last=_day_text(rows[-1][0]),
        )
        if rows
        else ""
    )
    return Figure(
        "over-time",
        _("Inscriptions au fil du temps"),
        summary,
        [_("Jour"), _("Inscriptions du jour"), _("Total")],
        rows,
        series=(2,),
        empty=_("Aucune inscription confirmée pour le moment."),
    )


def _day_text(iso: object) -> str:
    return date.fromisoformat(str(iso)).strftime("%d/%m/%Y")


def by_structure_type(event: Event) -> Figure:
    counts = dict(
        db.session.execute(
            sa.select(Registration.structure_type, sa.func.count())
            .where(_confirmed(event))
            .group_by(Registration.structure_type)
        ).all()
    )
    total = sum(counts.values())
    rows = [
        [kind.title, counts[kind], _percent(counts[kind], total)]
        for kind in sorted(counts, key=lambda k: (-counts[k], k is StructureType.other, str(k.title)))
    ]
    summary = _("Le type le plus représenté : %(kind)s (%(share)s).", kind=rows[0][0], share=rows[0][2]) if rows else ""
    return Figure(
        "structure-types",
        _("Par type de structure"),
        summary,
        [_("Type de structure"), _("Personnes"), _("Part")],
        rows,
        empty=_("Aucune inscription confirmée pour le moment."),
    )


def by_department(event: Event) -> Figure:
    counts = dict(
        db.session.execute(
            sa.select(Registration.department, sa.func.count())
            .where(_confirmed(event))
            .group_by(Registration.department)
        ).all()
    )
    unknown = counts.pop("", 0)
    total = sum(counts.values()) + unknown
    ordered = sorted(counts, key=lambda d: (-counts[d], d))
    rows = [[d, counts[d], _percent(counts[d], total)] for d in ordered[:TOP_DEPARTMENTS]]
    others = sum(counts[d] for d in ordered[TOP_DEPARTMENTS:])
    if others:
        rows.append([_("Autres départements"), others, _percent(others, total)])
    if unknown:
        rows.append([_("Non renseigné"), unknown, _percent(unknown, total)])
    summary = (
        _(
            "%(n)d département(s) représenté(s) ; le premier : %(first)s (%(share)s).",
            n=len(counts),
            first=rows[0][0],
            share=rows[0][2],
        )
        if counts
        else ""
    )
    return Figure(
        "departments",
        _("Par département"),
        summary,
        [_("Département"), _("Personnes"), _("Part")],
        rows,
        empty=_("Aucune inscription confirmée pour le moment."),
        notes=[_("Le département vient du code postal donné à l'inscription.")],
    )


def _workshops(event: Event) -> list[tuple[Session, int, int]]:
    """The event's limited sessions still on the programme, with their seats held and people waiting."""
    return list(
        db.session.execute(
            sa.select(Session, SeatCounter.taken, SeatCounter.waiting)
            .outerjoin(SeatCounter, SeatCounter.session_id == Session.id)
            .where(
                Session.event_id == event.id,
                Session.seat_capacity.is_not(None),
                Session.state.in_(PUBLIC_STATES),
            )
            .order_by(Session.title, Session.id)
        ).tuples()
    )


def fill_rates(event: Event) -> Figure:
    rows = []
    full = 0
    for session, taken, waiting in _workshops(event):
        taken, waiting = taken or 0, waiting or 0
        capacity = session.seat_capacity or 0
        rate = round(100 * taken / capacity) if capacity else 0
        full += taken >= capacity
        rows.append([session.title, rate, taken, capacity, waiting])
    summary = _("%(full)d atelier(s) complet(s) sur %(n)d.", full=full, n=len(rows)) if rows else ""
    return Figure(
        "fill-rates",
        _("Remplissage des ateliers"),
        summary,
        [_("Atelier"), _("Remplissage (%)"), _("Places prises"), _("Places"), _("En attente")],
        rows,
        empty=_("Aucun atelier à places limitées au programme."),
    )


def no_shows(event: Event, now: datetime) -> Figure:
    """After the event: the people who came (checked in) and those who did not, at the door (on site) and
    in each workshop (seat booked, no check-in at the session)."""
    ended = to_local(now, event.timezone).date() > event.end_date
    rows: list[list[object]] = []
    summary = ""
    if ended:
        expected, came = db.session.execute(
            sa.select(sa.func.count(), sa.func.count(Registration.checked_in_at)).where(
                _confirmed(event), Registration.attendance == Attendance.on_site
            )
        ).one()
        if expected:
            rows.append([_("Accueil (sur place)"), expected - came, came, _percent(expected - came, expected)])
            summary = _(
                "À l'accueil : %(absent)d absent·es sur %(expected)d personnes attendues sur place.",
                absent=expected - came,
                expected=expected,
            )
        rows.extend(_workshop_no_shows(event))
    return Figure(
        "no-shows",
        _("Absences"),
        summary,
        [_("Où"), _("Absent·es"), _("Présent·es"), _("Part d'absences")],
        rows,
        series=(1, 2),
        empty=(
            _("Les absences se comptent après l'événement, à partir des passages à l'accueil et dans les ateliers.")
            if not ended
            else _("Personne n'était attendu sur place.")
        ),
    )


def _workshop_no_shows(event: Event) -> list[list[object]]:
    booked = dict(
        db.session.execute(
            sa.select(Seat.session_id, sa.func.count())
            .join(Registration, Registration.id == Seat.registration_id)
            .where(_confirmed(event), Seat.state == SeatState.booked)
            .group_by(Seat.session_id)
        ).all()
    )
    present = dict(
        db.session.execute(
            sa.select(Seat.session_id, sa.func.count())
            .join(Registration, Registration.id == Seat.registration_id)
            .join(
                CheckIn,
                sa.and_(CheckIn.registration_id == Seat.registration_id, CheckIn.session_id == Seat.session_id),
            )
            .where(_confirmed(event), Seat.state == SeatState.booked)
            .group_by(Seat.session_id)
        ).all()
    )
    rows = []
    for session, _taken, _waiting in _workshops(event):
        n = booked.get(session.id, 0)
        if n:
            came = present.get(session.id, 0)
            rows.append([session.title, n - came, came, _percent(n - came, n)])
    return rows


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %" if whole else "0 %"


def all_figures(event: Event, now: datetime) -> list[Figure]:
    return [over_time(event), by_structure_type(event), by_department(event), fill_rates(event), no_shows(event, now)]


FIGURES = ("over-time", "structure-types", "departments", "fill-rates", "no-shows")


def figure(event: Event, name: str, now: datetime) -> Figure | None:
    builders = {
        "over-time": over_time,
        "structure-types": by_structure_type,
        "departments": by_department,
        "fill-rates": fill_rates,
    }
    if name == "no-shows":
        return no_shows(event, now)
    build = builders.get(name)
    return build(event) if build else None
