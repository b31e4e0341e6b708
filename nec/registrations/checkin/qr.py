"""The check-in QR code of a registration: it carries the check-in page's address with the registration's
random secret (never an id), so that an organiser's phone opens the right page even with the phone's own
camera app, where the browser cannot scan."""

from __future__ import annotations

import io

import segno
from flask_babel import gettext as _

from nec.core.links import external_url
from nec.registrations.models import Registration


def checkin_address(registration: Registration) -> str:
    return external_url(
        "registrations_checkin_manage.page", ev=registration.event.slug, code=registration.checkin_secret
    )


def _code(registration: Registration) -> segno.QRCode:
    # Level M survives a crease or a cracked screen; the address keeps the code small enough to read from afar.
    return segno.make(checkin_address(registration), error="m", micro=False)


def qr_svg(registration: Registration) -> bytes:
    """The code as an SVG image with its text alternative (title), black on white, a quiet zone of 4 modules."""
    out = io.BytesIO()
    _code(registration).save(
        out,
        kind="svg",
        scale=8,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=False,
        title=_("Code d'arrivée de %(name)s", name=registration.full_name),
        svgclass=None,
        lineclass=None,
    )
    return out.getvalue()


def qr_png(registration: Registration) -> bytes:
    """The same code as a PNG, for a mail attachment (mail clients do not all show SVG)."""
    out = io.BytesIO()
    _code(registration).save(out, kind="png", scale=8, border=4)
    return out.getvalue()


def readable_code(registration: Registration) -> str:
    """The secret in groups of four ("abcd efgh ..."), to print under the code or read out at the door."""
    secret = registration.checkin_secret
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
