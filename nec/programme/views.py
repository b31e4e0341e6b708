"""The public programme's exports (frab XML and JSON, iCalendar, PDF)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from nec.programme import cache, exports
from nec.programme.models import ScheduleVersion
from nec.programme.releases import content_fingerprint, latest_release, release_slots

bp = Blueprint("programme", __name__)

CACHE_SECONDS = 300


@bp.get("/<ev>/schedule.xml")
def schedule_xml():
    return _export("xml")


@bp.get("/<ev>/schedule.json")
def schedule_json():
    return _export("json")


@bp.get("/<ev>/schedule.ics")
def schedule_ics():
    return _export("ics")


@bp.get("/<ev>/schedule.pdf")
def schedule_pdf():
    return _export("pdf")


@bp.get("/<ev>/sessions/<int:session_id>/session.ics")
def session_ics(session_id: int):
    return _export("ics", session_id=session_id)


def _export(name: str, session_id: int | None = None) -> Response:
    """The latest release in one format; 304 when the client already holds this very release."""
    event = g.event
    exporter = exports.get_exporter(name)
    version = latest_release(event)
    if version is None:
        return _not_found(
            _(
                "Le programme de cet événement n'est pas encore publié. Revenez plus tard : "
                "ce fichier sera disponible dès sa publication."
            )
        )

    locale = str(get_locale() or "fr") if exporter.localised else None
    etag = _etag(version, content_fingerprint(event), exporter.name, session_id, locale)
    # Weak comparison (RFC 9110): a proxy that compresses the file may have weakened the tag.
    if request.if_none_match.contains_weak(etag):
        return _with_cache_headers(Response(status=304), etag, exporter)

    # The file is the same for everyone: kept in the page cache under its ETag (which names the release,
    # the fingerprint of later changes and the format), so a release or a change makes a new entry.
    key = ("export", event.id, etag)
    cached = cache.page_cache().get(key)
    if cached is not None:
        body, filename = cached
        response = Response(body, content_type=exporter.content_type)
        response.headers["Content-Disposition"] = f'inline; filename="{filename.decode()}"'
        return _with_cache_headers(response, etag, exporter)

    schedule = exports.build_schedule(event, version, release_slots(version), current_app.config["NEC_BASE_URL"])
    filename = exporter.filename(event)
    if session_id is not None:
        schedule = schedule.only_session(session_id)
        if schedule is None:
            return _not_found(
                _(
                    "Cette session ne figure pas dans le programme publié. Elle a peut-être été retirée "
                    "ou pas encore programmée : consultez le programme de l'événement."
                )
            )
        filename = f"{event.slug}-session-{session_id}.{exporter.extension}"

    try:
        rendered = exporter.render(schedule)
    except exports.ExportUnavailable:
        current_app.logger.warning("%s export unavailable on this server", exporter.name, exc_info=True)
        return _unavailable()
    body = rendered.encode() if isinstance(rendered, str) else rendered
    cache.page_cache().put(key, (body, filename.encode()))
    response = Response(body, content_type=exporter.content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return _with_cache_headers(response, etag, exporter)


def _etag(
    version: ScheduleVersion, fingerprint: str, name: str, session_id: int | None, locale: str | None = None
) -> str:
    """The release (its id and when it was released), what changed since in the sessions, the format,
    and the language for a format written in the visitor's language (the PDF)."""
    released = version.released_at.strftime("%Y%m%dT%H%M%S%f")
    scope = f"-s{session_id}" if session_id is not None else ""
    language = f"-{locale}" if locale else ""
    return f"v{version.id}-{released}-{fingerprint}-{name}{scope}{language}-r{exports.EXPORT_REVISION}"


def _with_cache_headers(response: Response, etag: str, exporter: exports.Exporter | None = None) -> Response:
    response.set_etag(etag)
    if exporter is not None and exporter.localised:  # the language comes from the visitor's session or account
        response.vary.add("Cookie")
    if g.event.is_published:
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_SECONDS
    else:  # only the team sees an unpublished event: no shared cache may keep it
        response.cache_control.private = True
        response.cache_control.no_cache = True
    return response


def _unavailable():
    """503: this server cannot make the PDF (no Pango library); the other formats still work."""
    message = _(
        "La version PDF du programme n'est pas disponible sur ce serveur pour le moment. "
        "Consultez le programme en ligne, ou imprimez sa page depuis votre navigateur."
    )
    response = render_template("errors.html", code=503, message=message, detail=None)
    return response, 503, {"Retry-After": "3600", "Cache-Control": "no-store"}


def _not_found(message: str):
    return render_template("errors.html", code=404, message=message, detail=None), 404
