"""Personal links: a registration's way in without a password account, signed and revocable (raising
Registration.link_version ends every link sent before)."""

from __future__ import annotations

from flask_babel import gettext as _

from nec.core.links import base_url
from nec.core.tokens import InvalidLink, sign, unsign
from nec.events.models import Event
from nec.extensions import db
from nec.registrations.models import Registration

# The links' paths are part of the contract (DESIGN.md): /<ev>/register/confirm/<token>, /<ev>/me/access/<token>,
# /<ev>/me/offers/<token>.
PERSONAL_PURPOSE = "registration.personal"
# A personal link serves as long as the registration is kept (the retention purge ends it anyway).
PERSONAL_LINK_DAYS = 800


def unsign_pair(token: str, purpose: str, max_age: int) -> tuple[int, int]:
    data = unsign(token, purpose, max_age=max_age)
    if not (isinstance(data, list) and len(data) == 2 and all(isinstance(x, int) for x in data)):
        raise InvalidLink(_("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier."))
    return data[0], data[1]


def personal_token(registration: Registration) -> str:
    return sign([registration.id, registration.link_version], PERSONAL_PURPOSE)


def personal_url(registration: Registration) -> str:
    return f"{base_url()}/{registration.event.slug}/me/access/{personal_token(registration)}"


def registration_from_token(event: Event, token: str) -> Registration:
    """The registration a personal link opens; InvalidLink when altered, revoked or for another event."""
    registration_id, version = unsign_pair(token, PERSONAL_PURPOSE, PERSONAL_LINK_DAYS * 86400)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id or registration.link_version != version:
        raise InvalidLink(
            _(
                "Ce lien personnel ne sert plus : il a été remplacé, ou l'inscription a été effacée. "
                "Inscrivez-vous à nouveau avec la même adresse pour recevoir un nouveau lien."
            )
        )
    return registration
