"""The event of every page under /<ev>/: loaded into g.event before any view of any module runs, and
filled back into url_for() inside an event's pages. Installed by the core blueprint."""

from __future__ import annotations

from flask import abort, current_app, g
from flask_login import current_user

from nec.accounts.permissions import has_event_role
from nec.core import hooks
from nec.events.services import get_event_by_slug


def load_event(endpoint, values):
    """Every view of any module with an `ev` argument gets the event in g.event (or a 404)."""
    if values and "ev" in values:
        event = get_event_by_slug(values.pop("ev"))
        if event is None:
            abort(404)
        if not event.is_published and not _may_see_unpublished(endpoint, event):
            abort(404)
        g.event = event


def _may_see_unpublished(endpoint: str | None, event) -> bool:
    """Before publication: the team, the event's speakers, and whoever follows a signed link."""
    if getattr(current_app.view_functions.get(endpoint), "reachable_by_link", False):
        return True
    return has_event_role(current_user, event) or hooks.is_speaker_of(current_user, event)


def add_event_slug(endpoint, values):
    """Inside an event's pages, url_for() fills in the event's slug."""
    if "ev" in values or getattr(g, "event", None) is None:
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "ev"):
        values["ev"] = g.event.slug
