"""Pages that belong to no event: health check, legal pages, language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from nec.core.actions import run
from nec.core.event_context import add_event_slug, load_event
from nec.core.web import current_actor

bp = Blueprint("core", __name__)
bp.app_url_value_preprocessor(load_event)
bp.app_url_defaults(add_event_slug)


@bp.get("/healthz")
def healthz():
    """For load balancers and benchmarks: no template, no database."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


LEGAL_PAGES = {
    "mentions-legales": "core/legal_notice.html",
    "donnees-personnelles": "core/privacy.html",
    "accessibilite": "core/accessibility.html",
}


@bp.get("/legal/<page>")
def legal(page: str):
    template = LEGAL_PAGES.get(page)
    if template is None:
        abort(404)
    return render_template(template, settings=current_app.config)


@bp.post("/set-language")
def set_language():
    locale = request.form.get("locale", "fr")
    if locale not in ("fr", "en"):
        locale = "fr"
    session["locale"] = locale
    if current_user.is_authenticated:
        user = current_actor()

        def remember() -> None:
            user.locale = locale

        run(remember)
    target = request.form.get("next", "")
    if not _is_local_path(target):
        target = url_for("events.index")
    return redirect(target)


def _is_local_path(target: str) -> bool:
    """Only a path on this site: no scheme, no host, nothing a browser could read as another site."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
