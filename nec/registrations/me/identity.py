"""Who the participant is on this request: the registration their personal link opened (kept in the
Flask session, with the link's version so that revoking the links also ends these visits), or the one
of their account when they are signed in."""

from __future__ import annotations

from flask import g, session
from flask_login import current_user

from nec.events.models import Event
from nec.extensions import db
from nec.registrations import services
from nec.registrations.models import Registration

SESSION_KEY = "registrations"


def remember_registration(registration: Registration) -> None:
    """This browser opens the registration's personal space until the session ends or the links are revoked."""
    known = dict(session.get(SESSION_KEY) or {})
    known[str(registration.event_id)] = [registration.id, registration.link_version]
    session[SESSION_KEY] = known


def forget_registration(event: Event) -> None:
    known = dict(session.get(SESSION_KEY) or {})
    if known.pop(str(event.id), None) is not None:
        session[SESSION_KEY] = known


def _remembered(event: Event) -> Registration | None:
    pair = (session.get(SESSION_KEY) or {}).get(str(event.id))
    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, int) for x in pair)):
        return None
    registration = db.session.get(Registration, pair[0])
    if registration is None or registration.event_id != event.id or registration.link_version != pair[1]:
        return None
    return registration


def current_registration(event: Event) -> Registration | None:
    """The registration of whoever makes this request for this event, or None."""
    return _remembered(event) or services.registration_of_user(event, current_user)


def event_settings(event: Event):
    """The event's registration settings (None: it has never taken registrations), read once per request:
    the navigation's link and the seat blocks of a page share it."""
    known = g.setdefault("_registration_settings", {})
    if event.id not in known:
        known[event.id] = services.get_settings(event)
    return known[event.id]
