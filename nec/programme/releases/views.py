"""The public list of the programme's changes, as a page and an Atom feed."""

from __future__ import annotations

from flask import Blueprint, Response, g, render_template
from flask_babel import gettext as _

from nec.core.feeds import ATOM_MEDIA_TYPE, FeedEntry, atom_feed, stable_id
from nec.core.links import external_url
from nec.programme.releases import changelog

bp = Blueprint("programme_releases", __name__)


@bp.get("/<ev>/programme/changes")
def changes():
    return render_template("programme/releases/changes.html", event=g.event, entries=changelog.history(g.event))


@bp.get("/<ev>/programme/changes.atom")
def changes_atom():
    body = _changes_feed(g.event, changelog.history(g.event))
    return Response(body, content_type=f"{ATOM_MEDIA_TYPE}; charset=utf-8")


def _changes_feed(event, entries: list[changelog.ReleaseEntry]) -> bytes:
    """One feed entry per release, newest first, each with its changes as HTML."""
    page = external_url("programme_releases.changes", ev=event.slug)
    items = [
        FeedEntry(
            id=stable_id("events", event.id, "releases", entry.version.id),
            title=_("Version « %(name)s » du programme", name=entry.version.name),
            updated=entry.version.released_at,
            link=f"{page}#version-{entry.version.id}",
            content=render_template("programme/releases/_entry.html", event=event, entry=entry, heading_level=2),
        )
        for entry in entries
    ]
    return atom_feed(
        id=stable_id("events", event.id, "programme", "changes"),
        title=_("Changements du programme : %(title)s", title=event.title),
        updated=entries[0].version.released_at if entries else event.created_at,
        self_url=external_url("programme_releases.changes_atom", ev=event.slug),
        page_url=page,
        author=event.organiser_name or event.title,
        entries=items,
    )
