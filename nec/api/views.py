"""The read-only JSON API (/api/v1): published events and their released programme, public data only.

Documented in docs/api.openapi.yaml. Every answer is JSON, errors included ({"error": "..."} in
French), may be read from any site (CORS `*`: public data, GET only, no cookies used) and carries
an ETag (a digest of the body), so a client that polls gets a 304 when nothing changed.
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from flask import Blueprint, Response, request
from flask_babel import gettext as _

from nec.api import serializers
from nec.core.links import base_url
from nec.events.models import Event
from nec.events.services import get_event_by_slug
from nec.extensions import db
from nec.programme.releases.versions import latest_release, release_slots

bp = Blueprint("api", __name__, url_prefix="/api/v1")

CACHE_SECONDS = 300


def _json(data: dict, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = Response(body, status=status, content_type="application/json; charset=utf-8")
    if status == 200:
        etag = hashlib.sha256(body).hexdigest()[:32]
        if request.if_none_match.contains_weak(etag):
            response = Response(status=304)
        response.set_etag(etag)
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_SECONDS
    return response


def _error(message: str, status: int) -> Response:
    return _json({"error": message}, status)


def _published_event(slug: str) -> Event | None:
    event = get_event_by_slug(slug)
    return event if event is not None and event.is_published else None


def _unknown_event() -> Response:
    return _error(_("Cet événement n'existe pas ou n'est pas publié. Vérifiez l'adresse."), 404)


def _not_released() -> Response:
    return _error(
        _("Le programme de cet événement n'est pas encore publié. Revenez plus tard."),
        404,
    )


@bp.after_request
def _cors(response: Response) -> Response:
    """Public, read-only data: any site may read it (no credentials are ever used)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if request.method == "OPTIONS":  # a browser's preflight, when a script sends If-None-Match itself
        response.headers["Access-Control-Allow-Methods"] = "GET"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    response.vary.add("Accept-Language")
    return response


@bp.get("/events")
def events():
    query = sa.select(Event).where(Event.is_published.is_(True)).order_by(Event.start_date, Event.id)
    root = base_url()
    return _json({"events": [serializers.event_summary(event, root) for event in db.session.scalars(query)]})


@bp.get("/events/<slug>")
def event(slug: str):
    found = _published_event(slug)
    if found is None:
        return _unknown_event()
    return _json(serializers.event_detail(found, latest_release(found), base_url()))


@bp.get("/events/<slug>/sessions")
def sessions(slug: str):
    found = _published_event(slug)
    if found is None:
        return _unknown_event()
    version = latest_release(found)
    if version is None:
        return _not_released()
    return _json(serializers.sessions(found, version, release_slots(version), base_url()))


@bp.get("/events/<slug>/speakers")
def speakers(slug: str):
    found = _published_event(slug)
    if found is None:
        return _unknown_event()
    version = latest_release(found)
    if version is None:
        return _not_released()
    return _json(serializers.speakers(found, version, release_slots(version), base_url()))


@bp.get("/events/<slug>/rooms")
def rooms(slug: str):
    found = _published_event(slug)
    if found is None:
        return _unknown_event()
    return _json(serializers.rooms(found))


@bp.get("/")
@bp.get("/<path:_rest>")
def unknown(_rest: str = ""):
    """Any other address under /api/v1 answers in JSON too, not with an HTML page."""
    return _error(_("Cette adresse n'existe pas dans l'API. Consultez sa documentation (docs/api.openapi.yaml)."), 404)
