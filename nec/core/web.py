"""What every page shares: error pages in French, security headers, template helpers."""

from __future__ import annotations

from datetime import datetime, time
from html import escape

from flask import Flask, current_app, render_template, request
from flask import Request as FlaskRequest
from flask_babel import format_date, format_datetime, get_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from nec.core.i18n import lazy_gettext as _l
from nec.core.text import clean_data, clean_text
from nec.core.time import clock, to_local
from nec.extensions import db

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
    503: _l(
        "Le site est très sollicité et n'a pas pu enregistrer votre demande. Rien n'a été modifié : "
        "réessayez dans un instant."
    ),
}

#: Seconds a client is asked to wait after a 503 (the database was busy): a few busy timeouts' worth.
RETRY_AFTER_SECONDS = 5


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


class Request(FlaskRequest):
    """Every request of the application: what a client sends in the query string, the form fields and a
    JSON body reaches the views without control characters (nec.core.text.clean_text), whether a form
    class reads it or a view does (search boxes, filters, buttons)."""

    @cached_property
    def args(self) -> MultiDict:
        return _cleaned(super().args)

    def _load_form_data(self) -> None:
        loaded = "form" in self.__dict__
        super()._load_form_data()
        if not loaded and "form" in self.__dict__:  # cleaned once, whichever of form, files, values asked
            self.__dict__["form"] = _cleaned(self.__dict__["form"])

    def get_json(self, *args, **kwargs):
        return clean_data(super().get_json(*args, **kwargs))


def _cleaned(values: MultiDict) -> MultiDict:
    return type(values)([(clean_text(key), clean_text(value)) for key, value in values.items(multi=True)])


def current_actor():
    """The signed-in user as a model, for services' `actor` (they store it in relationships: a proxy will not do)."""
    from flask_login import current_user

    return current_user._get_current_object()


def reachable_by_link(view):
    """Marks a view that a signed link opens (invitation, confirmation, claim): it works even while
    its event is not published yet, since the link itself is the permission."""
    view.reachable_by_link = True
    return view


def init_app(app: Flask) -> None:
    app.request_class = Request
    for code in ERROR_MESSAGES:
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.after_request(_security_headers)
    app.jinja_env.globals.update(current_locale=lambda: str(get_locale() or "fr"))
    app.jinja_env.filters.update(
        local_datetime=_local_datetime,
        local_time=_local_time,
        clock=clock_text,
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
    return _render_error(code, message, description)


def _csrf_error(error):
    message = _l(
        "Le formulaire a expiré ou n'a pas été envoyé depuis ce site. Rechargez la page, puis envoyez-le à nouveau."
    )
    return _render_error(400, message, None)


def _database_unavailable(error):
    """The database did not answer in time (SQLite locked beyond its busy timeout, a server gone away):
    nothing was kept, and the person is asked to try again in a moment rather than shown a crash."""
    current_app.logger.warning("database unavailable: %s", error)
    response = _render_error(503, ERROR_MESSAGES[503], None)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _render_error(code: int, message, detail):
    """The error page, after the session is rolled back: the page (its menu, the signed-in person) reads
    the database, which refuses a session whose flush failed (PendingRollbackError). Should the page
    still fail (the database gone), a bare page in the same words rather than gunicorn's empty 500."""
    _rollback()
    try:
        body = render_template("errors.html", code=code, message=message, detail=detail)
    except Exception:
        current_app.logger.exception("the error page could not be rendered")
        _rollback()
        home = escape(str(_l("Revenir à l'accueil")))
        body = (
            '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>NEC</title></head>'
            f'<body><main><h1>{escape(str(message))}</h1><p><a href="/">{home}</a></p></main></body></html>'
        )
    return current_app.make_response((body, code))


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone: nothing to undo, the page must still answer
        current_app.logger.exception("rollback failed")


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


def datetime_text(instant: datetime, tz_name: str) -> str:
    """An instant as the people of the event read it: "samedi 9 janvier 2027 à 14h30" in its time zone."""
    return _local_datetime(instant, tz_name)


def clock_text(at: time | datetime | str) -> str:
    """A wall-clock time already local, in the page's language: 14h30, or 14:30 in English (nec.core.time.clock)."""
    return clock(at, french=str(get_locale() or "fr").startswith("fr"))


def _local_time(instant: datetime, tz_name: str) -> str:
    return clock_text(to_local(instant, tz_name))
