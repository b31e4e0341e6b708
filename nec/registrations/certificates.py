"""The attendance certificate ("attestation de présence"): a PDF a participant downloads after the event,
listing the sessions attended, for their employer and their training hours (médiateurs numériques).

A session counts as attended when the person was checked in there on site; online attendance comes from
the sources registered with `register_online_attendance` (the videoconference module, once it records who
joined a room). Being checked in at the door only, the certificate states the days of presence."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _

from nec.core.errors import UserError
from nec.core.links import base_url
from nec.core.time import localize, to_local
from nec.core.web import clock_text
from nec.extensions import db
from nec.programme.models import Slot
from nec.programme.public.services import public_slots
from nec.programme.releases.versions import latest_release
from nec.registrations.models import CheckIn, Registration, RegistrationState

PDF_STYLESHEET = "css/attestation-pdf.css"  # under the static folder, read from disk (never fetched)


class CertificateError(UserError):
    """No certificate (yet) for this registration; the message says why and when."""


class CertificateUnavailable(Exception):
    """This server cannot render PDFs (WeasyPrint or the Pango library missing)."""


# Where online attendance comes from: functions (registration) -> ids of the sessions it joined online.
OnlineAttendance = Callable[[Registration], Iterable[int]]
_online_sources: dict[str, OnlineAttendance] = {}


def register_online_attendance(name: str, source: OnlineAttendance) -> None:
    """The videoconference module declares here who joined which session online (registering twice replaces)."""
    _online_sources[name] = source


@dataclass(frozen=True)
class AttendedSession:
    slot: Slot
    on_site: bool  # checked in on site; otherwise joined online

    @property
    def minutes(self) -> int:
        return int((self.slot.ends_at - self.slot.starts_at).total_seconds() // 60)


@dataclass(frozen=True)
class Attendance:
    registration: Registration
    sessions: list[AttendedSession]
    days: list[date]  # the local days the person was present (door, sessions)

    @property
    def total_minutes(self) -> int:
        return sum(item.minutes for item in self.sessions)


def available_from(event) -> datetime:
    """The end of the event: the last published session's end, else the end of its last day."""
    version = latest_release(event)
    last_end = None
    if version is not None:
        last_end = db.session.scalar(sa.select(sa.func.max(Slot.ends_at)).where(Slot.version_id == version.id))
    if last_end is not None:
        return last_end
    return localize(event.end_date + timedelta(days=1), time(0), event.timezone)


def attendance(registration: Registration) -> Attendance:
    """The sessions of the published programme the person attended, in time order, and their days there."""
    event = registration.event
    tz = event.timezone
    on_site = set(db.session.scalars(sa.select(CheckIn.session_id).where(CheckIn.registration_id == registration.id)))
    online = {sid for source in _online_sources.values() for sid in source(registration)} - on_site
    version = latest_release(event)
    slots = [s for s in public_slots(version) if s.session_id in on_site | online] if version is not None else []
    sessions = [AttendedSession(slot, slot.session_id in on_site) for slot in slots]
    days = {to_local(item.slot.starts_at, tz).date() for item in sessions}
    if registration.checked_in_at is not None:
        days.add(to_local(registration.checked_in_at, tz).date())
    return Attendance(registration, sessions, sorted(days))


def certificate_attendance(registration: Registration, now: datetime) -> Attendance:
    """What the certificate states, or why there is none yet."""
    event = registration.event
    if registration.state != RegistrationState.confirmed:
        raise CertificateError(_("Une attestation n'est délivrée qu'aux personnes dont l'inscription est confirmée."))
    opens = available_from(event)
    if now < opens:
        raise CertificateError(
            _(
                "L'attestation de présence sera disponible après l'événement, à partir du %(day)s à %(time)s.",
                day=to_local(opens, event.timezone).strftime("%d/%m/%Y"),
                time=clock_text(to_local(opens, event.timezone)),
            )
        )
    found = attendance(registration)
    if not found.days:
        raise CertificateError(
            _(
                "Aucune présence n'a été enregistrée pour vous à cet événement. Si vous y étiez, écrivez à "
                "l'équipe organisatrice : elle peut corriger l'accueil et vous délivrer l'attestation."
            )
        )
    return found


def certificate_pdf(registration: Registration, now: datetime) -> bytes:
    """The certificate as an A4 PDF (WeasyPrint, imported only here: a server without Pango still starts)."""
    found = certificate_attendance(registration, now)
    try:
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:
        raise CertificateUnavailable(f"WeasyPrint cannot run: {error}") from error
    event = registration.event
    html = render_template(
        "registrations/certificate.html",
        event=event,
        registration=registration,
        found=found,
        tz=event.timezone,
        issued_on=to_local(now, event.timezone).date(),
        hours=_duration_text(found.total_minutes),
        event_url=f"{base_url()}/{event.slug}/",
    )
    fetcher = URLFetcher(allowed_protocols=())  # nothing is fetched: no network, no file
    stylesheet = (Path(current_app.static_folder) / PDF_STYLESHEET).read_text(encoding="utf-8")
    document = HTML(string=html, base_url=f"{base_url()}/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=stylesheet, url_fetcher=fetcher)])


def _duration_text(minutes: int) -> str:
    """ "6 h 30", "45 min": training hours as an employer reads them."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(minutes)d min", minutes=rest)
    if not rest:
        return _("%(hours)d h", hours=hours)
    return _("%(hours)d h %(minutes)02d", hours=hours, minutes=rest)
