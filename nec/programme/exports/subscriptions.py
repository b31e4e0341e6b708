"""A person's "Mon programme" as a calendar to subscribe to (webcal), with its revocable link.

The subscription link carries a signed token (nec.core.tokens, its own purpose) naming the person,
the event and the person's `calendar_version`. It never expires, since a calendar app polls it for
months, but it is revocable: "Changer le lien" bumps `calendar_version`, which makes every older link
(and every other signed-in session of the person) invalid; logging out does not touch it.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import icalendar
from flask_babel import gettext as _

from nec.accounts.models import User
from nec.accounts.services import end_calendar_links, end_every_session
from nec.core.audit import log_action
from nec.core.text import clean_text
from nec.core.tokens import InvalidLink, sign, unsign
from nec.events.models import Event
from nec.extensions import db
from nec.programme.exports import services as exports
from nec.programme.public import agenda
from nec.programme.releases.versions import latest_release, release_slots

TOKEN_PURPOSE = "programme.subscription"  # noqa: S105 (a purpose, not a secret)
# The subscription link does not expire (itsdangerous checks no age when given None).
NO_EXPIRY = None


# --- the subscription token --------------------------------------------------------------------------


def subscription_token(user: User, event: Event) -> str:
    return sign({"u": user.id, "e": event.id, "v": user.calendar_version}, TOKEN_PURPOSE)


def user_for_token(token: str | None, event: Event) -> User | None:
    """The person a subscription link belongs to; None if altered, for another event, or revoked."""
    if not token or len(token) > 500:
        return None
    try:
        data = unsign(token, TOKEN_PURPOSE, max_age=NO_EXPIRY)
    except InvalidLink:
        return None
    if not isinstance(data, dict) or data.get("e") != event.id:
        return None
    user_id, version = data.get("u"), data.get("v")
    if not isinstance(user_id, int) or not isinstance(version, int):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active_account or user.calendar_version != version:
        return None
    return user


def revoke_subscriptions(user: User, event: Event, *, actor: User) -> None:
    """Make every earlier subscription link of the person invalid (their other sessions end too), in the audit log."""
    end_calendar_links(user)
    end_every_session(user)
    log_action("programme.subscription_reset", actor=actor, event=event, target=user)


# --- the personal calendar -----------------------------------------------------------------------------


def personal_calendar(user: User, event: Event, base_url: str) -> bytes:
    """The person's favourites in the latest release, as iCalendar (an empty calendar before it)."""
    return agenda_calendar(event, agenda.favourite_ids(user, event), f"mine/{user.id}", base_url)


def agenda_calendar(event: Event, wanted: set[int], identity: str, base_url: str) -> bytes:
    """These sessions of the latest release, as the iCalendar of a "Mon programme" (an account's or a
    device's); `identity` makes its UID, stable for the same agenda."""
    title = clean_text(_("Mon programme – %(event)s", event=event.title), single_line=True)
    version = latest_release(event)
    if version is None:
        calendar = icalendar.Calendar.new(prodid=f"-//Numérique en Communs//{exports.GENERATOR_NAME}//FR", name=title)
        calendar.add("x-wr-calname", title)
        return calendar.to_ical()
    schedule = exports.build_schedule(event, version, release_slots(version), base_url)
    schedule = replace(schedule, slots=[slot for slot in schedule.slots if slot.session_id in wanted])
    document = icalendar.Calendar.from_ical(exports.get_exporter("ics").render(schedule))
    # Its own name and identity, so that apps do not mistake it for the whole programme's calendar.
    for key in ("NAME", "X-WR-CALNAME", "UID"):
        document.pop(key, None)
    document.add("name", title)
    document.add("x-wr-calname", title)
    document.add("uid", str(uuid.uuid5(exports.GUID_NAMESPACE, f"{event.slug}/calendars/{identity}")))
    document.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    return document.to_ical()
