"""Public event pages (list, home) and the organiser's pages under /<ev>/manage/."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, g, render_template
from flask_login import current_user

from nec.accounts.permissions import has_event_role
from nec.events import services

bp = Blueprint("events", __name__)


@bp.app_url_value_preprocessor
def load_event(endpoint, values):
    """Every view of any module with an `ev` argument gets the event in g.event (or a 404)."""
    if values and "ev" in values:
        event = services.get_event_by_slug(values.pop("ev"))
        if event is None:
            abort(404)
        if not event.is_published and not has_event_role(current_user, event):
            abort(404)
        g.event = event


@bp.app_url_defaults
def add_event_slug(endpoint, values):
    """Inside an event's pages, url_for() fills in the event's slug."""
    if "ev" in values or getattr(g, "event", None) is None:
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "ev"):
        values["ev"] = g.event.slug


@bp.get("/")
def index():
    upcoming, past = services.list_public_events(date.today())
    return render_template("events/index.html", upcoming=upcoming, past=past)


@bp.get("/<ev>/")
def home():
    return render_template("events/home.html", event=g.event)
