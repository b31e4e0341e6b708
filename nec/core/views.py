"""Pages that belong to no event: health check, legal pages, language switch."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from nec.extensions import db

bp = Blueprint("core", __name__)


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
        current_user.locale = locale
        db.session.commit()
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("events.index")
    return redirect(target)
