"""A participant's registration: the window, double opt-in, per-mode capacity, cancelling, personal links.

The per-mode capacity is decided by the database: confirming raises `RegistrationSettings.<mode>_taken` with
one conditional UPDATE (`... WHERE taken < capacity`), so two people never get the last place, whatever the
number of app servers. Seats in workshops live in seats.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from nec.accounts.models import User
from nec.accounts.services import get_user_by_email, normalise_email
from nec.core.audit import log_action
from nec.core.errors import UserError
from nec.core.links import base_url
from nec.core.tokens import InvalidLink, sign
from nec.core.web import datetime_text
from nec.events.models import Event, EventFormat
from nec.extensions import db
from nec.proposals.models import StructureType
from nec.registrations import seats
from nec.registrations.checkin.qr import readable_code
from nec.registrations.links import (  # noqa: F401  (part of this module's interface)
    personal_token,
    personal_url,
    registration_from_token,
    unsign_pair,
)
from nec.registrations.mail_kinds import RegistrationMailKind, event_dates_text, mail_registration
from nec.registrations.models import Attendance, Registration, RegistrationSettings, RegistrationState

CONFIRM_PURPOSE = "registration.confirm"


class RegistrationError(UserError):
    """A registration that cannot be made or changed; the message (French) says why and what to do."""


@dataclass
class RegistrationData:
    full_name: str
    email: str
    structure: str = ""
    structure_type: StructureType | str = StructureType.other
    commune: str = ""
    postcode: str = ""
    attendance: Attendance | str = Attendance.on_site
    consent_news: bool = False
    consent_image: bool = False
    consent_accessibility: bool = False
    accessibility_needs: str = ""
    language: str = "fr"


@dataclass(frozen=True)
class Window:
    is_open: bool
    opens_at: datetime | None
    closes_at: datetime | None
    message: str


# --- settings and the window -----------------------------------------------------------------------


def get_settings(event: Event) -> RegistrationSettings | None:
    return db.session.get(RegistrationSettings, event.id)


def settings_for(event: Event) -> RegistrationSettings:
    """The event's registration settings, created with the defaults when it has none yet."""
    settings = get_settings(event)
    if settings is None:
        settings = RegistrationSettings(event_id=event.id, event=event)
        db.session.add(settings)
        db.session.flush()
    return settings


def registration_window(event: Event, now: datetime) -> Window:
    """Whether the event takes registrations now, and a sentence saying so (in the event's time zone)."""
    settings = get_settings(event)
    if settings is None or not settings.is_open:
        return Window(False, None, None, _("Les inscriptions ne sont pas ouvertes pour cet événement."))
    opens, closes = settings.opens_at, settings.closes_at
    if now.date() > event.end_date:
        return Window(False, opens, closes, _("Cet événement est terminé : les inscriptions sont closes."))
    if opens is not None and now < opens:
        when = datetime_text(opens, event.timezone)
        return Window(False, opens, closes, _("Les inscriptions ouvriront le %(when)s.", when=when))
    if closes is not None and now >= closes:
        when = datetime_text(closes, event.timezone)
        return Window(False, opens, closes, _("Les inscriptions sont closes depuis le %(when)s.", when=when))
    if closes is not None:
        when = datetime_text(closes, event.timezone)
        return Window(True, opens, closes, _("Les inscriptions sont ouvertes jusqu'au %(when)s.", when=when))
    return Window(True, opens, closes, _("Les inscriptions sont ouvertes."))


def modes_offered(event: Event) -> list[Attendance]:
    """How one may take part in this event: on site, online, or both (a hybrid event)."""
    if event.format == EventFormat.on_site:
        return [Attendance.on_site]
    if event.format == EventFormat.online:
        return [Attendance.online]
    return [Attendance.on_site, Attendance.online]


def places_left(event: Event) -> dict[Attendance, int | None]:
    """Places left per mode (None: no limit), as the counters say now."""
    settings = get_settings(event)
    if settings is None:
        return {mode: None for mode in modes_offered(event)}
    left = {
        Attendance.on_site: _left(settings.on_site_capacity, settings.on_site_taken),
        Attendance.online: _left(settings.online_capacity, settings.online_taken),
    }
    return {mode: left[mode] for mode in modes_offered(event)}


def _left(capacity: int | None, taken: int) -> int | None:
    return None if capacity is None else max(capacity - taken, 0)


# --- places --------------------------------------------------------------------------------------

POSTCODE = re.compile(r"^\d{5}$")


def department_of(postcode: str) -> str:
    """The département of a French postcode: "16", "2A" / "2B" (Corsica), "971"... (overseas); "" if unknown."""
    code = (postcode or "").strip()
    if not POSTCODE.match(code) or code.startswith("00"):
        return ""
    if code.startswith("20"):
        return "2A" if int(code[:3]) < 202 else "2B"
    if code.startswith("97"):
        return code[:3] if code[2] in "123456" else ""
    if code.startswith("98"):
        return ""  # Monaco and the Pacific territories have no département
    return code[:2]


# --- registering (double opt-in) ------------------------------------------------------------------


def _clean(event: Event, data: RegistrationData) -> dict:
    full_name = " ".join((data.full_name or "").split())
    if not full_name:
        raise RegistrationError(_("Indiquez votre nom."), field="full_name")
    email = normalise_email(data.email or "")
    if "@" not in email:
        raise RegistrationError(_("Indiquez une adresse e-mail valide."), field="email")
    try:
        attendance = Attendance(data.attendance)
        structure_type = StructureType(data.structure_type or StructureType.other)
    except ValueError:
        raise RegistrationError(_("Choisissez une des réponses proposées."), field="attendance") from None
    if attendance not in modes_offered(event):
        raise RegistrationError(
            _("Cet événement n'a lieu que %(mode)s.", mode=modes_offered(event)[0].title.lower()), field="attendance"
        )
    postcode = (data.postcode or "").strip()
    if postcode and not POSTCODE.match(postcode):
        raise RegistrationError(_("Le code postal a cinq chiffres, par exemple 16000."), field="postcode")
    needs = (data.accessibility_needs or "").strip()
    if needs and not data.consent_accessibility:
        raise RegistrationError(
            _(
                "Pour que nous gardions vos besoins d'accessibilité, cochez la case qui nous y autorise, "
                "ou laissez le champ vide."
            ),
            field="consent_accessibility",
        )
    return {
        "full_name": full_name[:200],
        "email": email,
        "structure": (data.structure or "").strip()[:200],
        "structure_type": structure_type,
        "commune": (data.commune or "").strip()[:200],
        "postcode": postcode,
        "department": department_of(postcode),
        "attendance": attendance,
        "consent_news": bool(data.consent_news),
        "consent_image": bool(data.consent_image),
        "consent_accessibility": bool(data.consent_accessibility) and bool(needs),
        "accessibility_needs": needs,
        "language": data.language if data.language in ("fr", "en") else "fr",
    }


def find_registration(event: Event, email: str) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.email == normalise_email(email))
    )


def _check_mode_has_room(event: Event, attendance: Attendance) -> None:
    left = places_left(event).get(attendance)
    if left == 0:
        raise RegistrationError(_full_message(event, attendance), field="attendance")


def _full_message(event: Event, attendance: Attendance) -> str:
    others = [m for m, left in places_left(event).items() if m != attendance and left != 0]
    if attendance == Attendance.on_site and others:
        return _("Il n'y a plus de place sur place. Vous pouvez encore vous inscrire pour suivre l'événement en ligne.")
    if attendance == Attendance.on_site:
        return _("Il n'y a plus de place sur place : l'événement est complet.")
    if others:
        return _("Il n'y a plus de place en ligne. Vous pouvez encore vous inscrire pour venir sur place.")
    return _("Il n'y a plus de place en ligne : l'événement est complet.")


def register(event: Event, data: RegistrationData, now: datetime, *, user: User | None = None) -> Registration:
    """Record a registration waiting for its e-mailed confirmation, and send the link.

    The page that follows says the same whatever happened (a new address, one waiting for its link, one
    already confirmed): the mail tells the owner of the address, and nobody else learns who is registered."""
    window = registration_window(event, now)
    if not window.is_open:
        raise RegistrationError(window.message)
    values = _clean(event, data)
    settings = settings_for(event)
    registration = find_registration(event, values["email"])
    if registration is not None and registration.state == RegistrationState.confirmed:
        _send_personal_link(registration)
        return registration
    _check_mode_has_room(event, values["attendance"])
    account = user if user is not None and user.email == values["email"] else get_user_by_email(values["email"])
    if registration is None:
        registration = Registration(event_id=event.id, event=event, created_at=now, **values)
        db.session.add(registration)
    else:  # waiting for its link, or cancelled earlier: the latest form wins, older links stop serving
        for name, value in values.items():
            setattr(registration, name, value)
        registration.state = RegistrationState.pending
        registration.cancelled_at = None
        registration.link_version += 1
    registration.user_id = account.id if account is not None else registration.user_id
    registration.expires_at = now + timedelta(hours=settings.pending_hours)
    db.session.flush()
    mail_registration(
        registration,
        RegistrationMailKind.registration_link,
        confirmation_url=confirmation_url(registration),
        valid_hours=settings.pending_hours,
    )
    return registration


def confirmation_url(registration: Registration) -> str:
    token = sign([registration.id, registration.link_version], CONFIRM_PURPOSE)
    return f"{base_url()}/{registration.event.slug}/register/confirm/{token}"


def registration_from_confirmation(event: Event, token: str) -> Registration:
    settings = settings_for(event)
    registration_id, version = unsign_pair(token, CONFIRM_PURPOSE, settings.pending_hours * 3600)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise InvalidLink(
            _("Cette inscription n'existe plus : elle n'a pas été confirmée à temps. Inscrivez-vous à nouveau.")
        )
    if registration.link_version != version:
        raise InvalidLink(_("Ce lien a été remplacé par un plus récent : utilisez le dernier e-mail reçu."))
    return registration


def confirm(event: Event, token: str, now: datetime) -> Registration:
    """Confirm the registration of this link: it counts from now on, if its mode still has room.

    A second click confirms nothing more. The place is taken by one conditional UPDATE of the event's
    counter, after the registration's own row is claimed (so a double click counts once)."""
    registration = registration_from_confirmation(event, token)
    if registration.state == RegistrationState.confirmed:
        return registration
    if registration.state == RegistrationState.cancelled:
        raise RegistrationError(_("Cette inscription a été annulée. Vous pouvez vous inscrire à nouveau."))
    claimed = db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id, Registration.state == RegistrationState.pending)
        .values(state=RegistrationState.confirmed, confirmed_at=now, expires_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(registration)
    if claimed.rowcount != 1:  # confirmed by another click at the same moment
        return registration
    if not take_place(event, registration.attendance):
        raise RegistrationError(_full_message(event, registration.attendance))
    _send_confirmed(registration)
    return registration


def take_place(event: Event, attendance: Attendance) -> bool:
    """Count one more registration in this mode, if the capacity allows: the database decides."""
    settings_for(event)
    taken, capacity = _counter_columns(attendance)
    changed = db.session.execute(
        sa.update(RegistrationSettings)
        .where(RegistrationSettings.event_id == event.id, sa.or_(capacity.is_(None), taken < capacity))
        .values({taken: taken + 1})
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1


def give_back_place(event: Event, attendance: Attendance) -> None:
    taken, _capacity = _counter_columns(attendance)
    db.session.execute(
        sa.update(RegistrationSettings)
        .where(RegistrationSettings.event_id == event.id, taken > 0)
        .values({taken: taken - 1})
        .execution_options(synchronize_session=False)
    )


def _counter_columns(attendance: Attendance):
    if attendance == Attendance.on_site:
        return RegistrationSettings.on_site_taken, RegistrationSettings.on_site_capacity
    return RegistrationSettings.online_taken, RegistrationSettings.online_capacity


def _send_confirmed(registration: Registration) -> None:
    attendance = _("sur place") if registration.attendance == Attendance.on_site else _("en ligne")
    mail_registration(
        registration,
        RegistrationMailKind.registration_confirmed,
        personal_url=personal_url(registration),
        attendance=attendance,
        event_dates=event_dates_text(registration.event),
        checkin_code=readable_code(registration),
    )


def _send_personal_link(registration: Registration) -> None:
    mail_registration(
        registration,
        RegistrationMailKind.registration_known,
        personal_url=personal_url(registration),
    )


# --- by the organisers ----------------------------------------------------------------------------


def add_by_organiser(event: Event, data: RegistrationData, actor: User, now: datetime) -> Registration:
    """Register someone by hand (a phone call, a paper form): confirmed at once, within the capacity."""
    values = _clean(event, data)
    registration = find_registration(event, values["email"])
    if registration is not None and registration.state == RegistrationState.confirmed:
        raise RegistrationError(_("Cette adresse est déjà inscrite."), field="email")
    if not take_place(event, values["attendance"]):
        raise RegistrationError(
            _("Il n'y a plus de place pour ce mode de participation : augmentez la capacité dans les réglages."),
            field="attendance",
        )
    if registration is None:
        registration = Registration(event_id=event.id, event=event, created_at=now, **values)
        db.session.add(registration)
    else:
        for name, value in values.items():
            setattr(registration, name, value)
        registration.cancelled_at = None
        registration.link_version += 1
    account = get_user_by_email(values["email"])
    registration.user_id = account.id if account is not None else registration.user_id
    registration.state = RegistrationState.confirmed
    registration.confirmed_at = now
    registration.expires_at = None
    db.session.flush()
    log_action("registration.added", actor=actor, event=event, target=registration, email=registration.email)
    _send_confirmed(registration)
    return registration


def change_attendance(registration: Registration, attendance: Attendance | str, now: datetime, actor=None) -> None:
    """On site ↔ online: the new mode's place is taken (if there is room) before the old one is given back."""
    attendance = Attendance(attendance)
    if attendance == registration.attendance:
        return
    if attendance not in modes_offered(registration.event):
        raise RegistrationError(_("Cet événement n'a pas lieu sous cette forme."), field="attendance")
    if registration.state == RegistrationState.confirmed:
        if not take_place(registration.event, attendance):
            raise RegistrationError(_full_message(registration.event, attendance), field="attendance")
        give_back_place(registration.event, registration.attendance)
    registration.attendance = attendance
    if actor is not None:
        log_action("registration.attendance", actor=actor, event=registration.event, target=registration)


def cancel(registration: Registration, now: datetime, actor=None) -> bool:
    """Cancel a registration: its place and its workshop seats are freed at once (the waiting lists get
    their offers). False when it was already cancelled (a second click changes nothing)."""
    was = registration.state
    changed = db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id, Registration.state != RegistrationState.cancelled)
        .values(state=RegistrationState.cancelled, cancelled_at=now, expires_at=None)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        return False
    if was == RegistrationState.confirmed:
        give_back_place(registration.event, registration.attendance)
    seats.release_all(registration, now)
    db.session.refresh(registration)
    if actor is not None:
        log_action("registration.cancelled", actor=actor, event=registration.event, target=registration)
    if was == RegistrationState.confirmed:
        mail_registration(
            registration,
            RegistrationMailKind.registration_cancelled,
            register_url=f"{base_url()}/{registration.event.slug}/register/",
        )
    return True


def expire_pending(now: datetime) -> int:
    """Delete the registrations whose confirmation link was never followed in time (a worker duty)."""
    result = db.session.execute(
        sa.delete(Registration)
        .where(Registration.state == RegistrationState.pending, Registration.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


# --- personal links -------------------------------------------------------------------------------


def revoke_links(registration: Registration) -> str:
    """Every personal link sent so far stops serving; a new one is mailed and returned."""
    registration.link_version += 1
    db.session.flush()
    _send_personal_link(registration)
    return personal_url(registration)


def registration_of_user(event: Event, user) -> Registration | None:
    """The registration of a signed-in person: tied to their account, or made with its address."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            sa.or_(Registration.user_id == user.id, Registration.email == user.email),
        )
        .order_by((Registration.user_id == user.id).desc())
        .limit(1)
    )
