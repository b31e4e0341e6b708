"""Publishing the programme (organisers) and the public list of its changes, as a page and an Atom feed."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from nec.accounts.permissions import organiser_required
from nec.core.links import external_url
from nec.core.text import without_control
from nec.extensions import db
from nec.programme import changelog, conflicts, editor, publishing
from nec.programme.release_forms import ReleaseForm
from nec.programme.releases import latest_release
from nec.programme.services import ReleaseError

bp = Blueprint("releases", __name__)

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml"


def _me():
    """The signed-in user as a model (the audit log stores its id)."""
    return current_user._get_current_object()


@bp.route("/<ev>/manage/releases", methods=["GET", "POST"])
@organiser_required
def manage():
    event = g.event
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            published = publishing.release(event, form.name.data, form.comment.data, _me(), form.notify.data)
            db.session.commit()
        except ReleaseError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        except IntegrityError:  # another organiser used the same name at the same instant
            db.session.rollback()
            form.form_errors.append(_("Une version porte déjà ce nom : choisissez un autre nom."))
        else:
            message = _("La version « %(name)s » du programme est publiée.", name=published.version.name)
            if form.notify.data:
                message += " " + ngettext(
                    "%(num)d intervenant·e va recevoir un e-mail.",
                    "%(num)d intervenant·es vont recevoir un e-mail.",
                    published.notified,
                )
            flash(message, "success")
            return redirect(url_for("releases.manage"))
    slots = editor.draft_slots(event)
    draft = publishing.publishable(slots)
    warnings = conflicts.find(event, slots)
    status = 422 if form.is_submitted() else 200
    return (
        render_template(
            "programme/releases/manage.html",
            event=event,
            form=form,
            latest=latest_release(event),
            preview=publishing.preview(event),
            draft_count=sum(1 for slot in draft if slot.session_id is not None),
            releases=publishing.past_releases(event),
            warning_count=len(warnings),
        ),
        status,
    )


@bp.get("/<ev>/programme/changes")
def changes():
    return render_template("programme/releases/changes.html", event=g.event, entries=changelog.history(g.event))


@bp.get("/<ev>/programme/changes.atom")
def changes_atom():
    event = g.event
    entries = changelog.history(event)
    feed = _atom_feed(event, entries)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, content_type=f"{ATOM_MEDIA_TYPE}; charset=utf-8")


# --- the Atom feed (RFC 4287) -------------------------------------------------------------------------


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _urn(*parts: object) -> str:
    """A stable identifier (never the slug, which an organiser may change)."""
    key = "/".join([current_app.config["NEC_BASE_URL"], *map(str, parts)])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def _child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """An element whose text and attributes hold only what XML allows (titles may carry control characters)."""
    element = ET.SubElement(parent, tag, {name: without_control(value) for name, value in attributes.items()})
    if text is not None:
        element.text = without_control(str(text))
    return element


def _atom_feed(event, entries: list[changelog.ReleaseEntry]) -> ET.Element:
    page = external_url("releases.changes", ev=event.slug)
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, "{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    _child(feed, "id", _urn("events", event.id, "programme", "changes"))
    _child(feed, "title", _("Changements du programme : %(title)s", title=event.title))
    updated = entries[0].version.released_at if entries else event.created_at
    _child(feed, "updated", _instant(updated))
    _child(feed, "link", rel="self", type=ATOM_MEDIA_TYPE, href=external_url("releases.changes_atom", ev=event.slug))
    _child(feed, "link", rel="alternate", type="text/html", href=page)
    author = _child(feed, "author")
    _child(author, "name", event.organiser_name or event.title)
    for entry in entries:
        version = entry.version
        item = _child(feed, "entry")
        _child(item, "id", _urn("events", event.id, "releases", version.id))
        _child(item, "title", _("Version « %(name)s » du programme", name=version.name))
        _child(item, "updated", _instant(version.released_at))
        _child(item, "link", rel="alternate", type="text/html", href=f"{page}#version-{version.id}")
        content = render_template("programme/releases/_entry.html", event=event, entry=entry, heading_level=2)
        _child(item, "content", content.strip(), type="html")  # ElementTree escapes it
    return feed
