"""One Atom feed builder (RFC 4287) for every module that publishes a list of news (programme changes, library)."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

from nec.core.text import without_control

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed; `content` is HTML (escaped by the builder)."""

    id: str
    title: str
    updated: datetime
    link: str
    content: str


def stable_id(*parts: object) -> str:
    """A stable identifier from the site's address and ids (never a slug, which an organiser may change)."""
    # NEC_BASE_URL as configured (not stripped): the ids of feeds already read must never change.
    key = "/".join([current_app.config["NEC_BASE_URL"], *map(str, parts)])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def atom_feed(
    *,
    id: str,
    title: str,
    updated: datetime,
    self_url: str,
    page_url: str,
    author: str,
    entries: Iterable[FeedEntry],
    lang: str = "fr",
) -> bytes:
    """The feed as UTF-8 XML, with its declaration; text and attributes keep only what XML allows."""
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, XML_LANG: lang})
    _child(feed, "id", id)
    _child(feed, "title", title)
    _child(feed, "updated", _instant(updated))
    _child(feed, "link", rel="self", type=ATOM_MEDIA_TYPE, href=self_url)
    _child(feed, "link", rel="alternate", type="text/html", href=page_url)
    _child(_child(feed, "author"), "name", author)
    for entry in entries:
        item = _child(feed, "entry")
        _child(item, "id", entry.id)
        _child(item, "title", entry.title)
        _child(item, "updated", _instant(entry.updated))
        _child(item, "link", rel="alternate", type="text/html", href=entry.link)
        _child(item, "content", entry.content.strip(), type="html")  # ElementTree escapes it
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """An element whose text and attributes hold only what XML allows (titles may carry control characters)."""
    element = ET.SubElement(parent, tag, {name: without_control(value) for name, value in attributes.items()})
    if text is not None:
        element.text = without_control(str(text))
    return element
