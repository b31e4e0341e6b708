"""What every page shares: error pages in French, security headers, template helpers."""

from __future__ import annotations

from datetime import datetime, time

from flask import Flask, render_template, request
from flask_babel import format_date, format_datetime, format_time, get_locale
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from nec.core.i18n import lazy_gettext as _l
from nec.core.time import to_local

ERROR_MESSAGES = {
    400: _l("La demande n'a pas pu être comprise. Revenez en arrière et réessayez."),
    403: _l(
        "Vous n'avez pas accès à cette page. Si vous pensez que c'est une erreur, contactez l'équipe organisatrice."
    ),
    404: _l("Cette page n'existe pas ou plus. Vérifiez l'adresse, ou revenez à l'accueil."),
    405: _l("Cette action n'est pas possible à cette adresse."),
    413: _l("Le fichier envoyé est trop volumineux."),
    429: _l("Trop de demandes en peu de temps. Patientez quelques minutes puis réessayez."),
    500: _l("Une erreur inattendue s'est produite de notre côté. Réessayez dans un instant."),
}


MAX_ID = 2**31 - 1  # PostgreSQL's integer, the type of every id


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: an id the database can hold (PostgreSQL's integer), else a 404.

    Without a bound, /<ev>/sessions/99999999999999999999/ reached the query and the database refused the
    number: a 500 for an address anyone can type."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(value) -> int | None:
    """An id taken from a query string or a form, bounded as IdConverter bounds the routes' ids: None when
    the text is not one (empty, not a whole number, 0, negative, or beyond the database's integers).

    Every view reads ids with it (`request.args.get("format", type=parse_id)`): an unbounded number
    reached the database, which refused it with a 500."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def reachable_by_link(view):
    """Marks a view that a signed link opens (invitation, confirmation, claim): it works even while
    its event is not published yet, since the link itself is the permission."""
    view.reachable_by_link = True
    return view


def init_app(app: Flask) -> None:
    for code in ERROR_MESSAGES:
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)
    app.after_request(_security_headers)
    app.jinja_env.globals.update(current_locale=lambda: str(get_locale() or "fr"))
    app.jinja_env.filters.update(
        local_datetime=_local_datetime,
        local_time=_local_time,
        clock=_clock,
        long_date=lambda d: format_date(d, "full"),
        error_messages=error_messages,
    )


def error_messages(errors) -> list[str]:
    """A field's errors as a flat list of texts (a list of rows has a dict of lists per row)."""
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in error_messages(value)]
    if isinstance(errors, list | tuple):
        return [m for value in errors for m in error_messages(value)]
    return [errors] if errors else []  # as given: a lazy text stays one (escaped where shown, translated late)


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    description = getattr(error, "description", None) if code in (400, 403, 429) else None
    if code == 429 or description == getattr(type(error), "description", None):
        description = None  # Werkzeug's default description is English and says nothing more
    return render_template("errors.html", code=code, message=message, detail=description), code


def _csrf_error(error):
    message = _l(
        "Le formulaire a expiré ou n'a pas été envoyé depuis ce site. Rechargez la page, puis envoyez-le à nouveau."
    )
    return render_template("errors.html", code=400, message=message, detail=None), 400


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    )
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def localised_pattern(fmt: str) -> str:
    """A date pattern written the French way ('à', 18h00), adapted to the page's language (at, 18:00)."""
    if str(get_locale() or "fr").startswith("fr"):
        return fmt
    return fmt.replace("'à'", "'at'").replace("HH'h'mm", "HH:mm")


def _local_datetime(instant: datetime, tz_name: str, fmt: str = "EEEE d MMMM y 'à' HH'h'mm") -> str:
    return format_datetime(to_local(instant, tz_name).replace(tzinfo=None), localised_pattern(fmt))


def _clock(at: time | datetime) -> str:
    """A wall-clock time already local (a day's opening, a naive local datetime): 14h30, or 14:30 in English."""
    return format_time(at if isinstance(at, time) else at.time(), localised_pattern("HH'h'mm"))


def _local_time(instant: datetime, tz_name: str) -> str:
    return format_time(to_local(instant, tz_name).replace(tzinfo=None), localised_pattern("HH'h'mm"))
