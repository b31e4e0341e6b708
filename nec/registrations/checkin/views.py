"""The participant's side of check-in: their QR code (/<ev>/me/registration/qr.svg) and, after the event,
their attendance certificate (/<ev>/me/registration/attestation.pdf)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, render_template
from flask_babel import gettext as _
from flask_login import current_user

from nec.core.db import utcnow
from nec.extensions import login
from nec.registrations import certificates
from nec.registrations.checkin import identity, qr

bp = Blueprint("registrations_checkin", __name__)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"  # one person's code, never kept by a shared cache
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _no_registration():
    """Nobody known: sign in (or follow the personal link of a mail); known but not registered: say so."""
    if not current_user.is_authenticated:
        return login.unauthorized()
    message = _(
        "Aucune inscription à cet événement n'est liée à votre compte. Ouvrez le lien personnel reçu par "
        "e-mail après votre inscription, ou inscrivez-vous."
    )
    return render_template("errors.html", code=404, message=message, detail=None), 404


@bp.get("/<ev>/me/registration/qr.svg")
def qr_code():
    registration = identity.current_registration(g.event)
    if registration is None:
        return _no_registration()
    return _private(Response(qr.qr_svg(registration), content_type="image/svg+xml; charset=utf-8"))


@bp.get("/<ev>/me/registration/attestation.pdf")
def certificate():
    registration = identity.current_registration(g.event)
    if registration is None:
        return _no_registration()
    try:
        body = certificates.certificate_pdf(registration, utcnow())
    except certificates.CertificateError as error:
        return render_template("errors.html", code=409, message=error.message, detail=None), 409
    except certificates.CertificateUnavailable:
        current_app.logger.warning("attendance certificate unavailable on this server", exc_info=True)
        message = _("Le PDF ne peut pas être produit sur ce serveur pour le moment. Réessayez plus tard.")
        return render_template("errors.html", code=503, message=message, detail=None), 503
    response = Response(body, content_type="application/pdf")
    filename = f"{g.event.slug}-attestation-de-presence.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)
