"""The registrations' periodic duties, run by the worker (`flask worker`, nec.core.worker); registered from
nec/registrations/__init__.py. Each is safe with several workers at once (see the functions they call)."""

from __future__ import annotations

from datetime import datetime

from nec.core.hooks import Duty
from nec.registrations import reminders, seats, services

OFFERS_BATCH = 200


def expire_offers(now: datetime) -> int:
    """Offers past their deadline pass to the next person on the waiting list."""
    return seats.expire_offers(now, limit=OFFERS_BATCH)


def expire_pending(now: datetime) -> int:
    """Registrations whose confirmation link was not followed in time are deleted."""
    return services.expire_pending(now)


def send_reminders(now: datetime) -> int:
    return reminders.send_due(now)


# Offers every 30 seconds: an expired offer reaches the next person within half a minute.
OFFERS = Duty("offers", 30, expire_offers, label="propositions de place expirées", position=30, batch=OFFERS_BATCH)
PENDING = Duty("pending", 600, expire_pending, label="inscriptions non confirmées effacées", position=40)
REMINDERS = Duty(
    "reminders", 60, send_reminders, label="rappels envoyés (événement, ateliers)", position=50, batch=reminders.BATCH
)
