"""The one Atom feed builder: a valid RFC 4287 document that a real XML parser reads back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from lxml import etree

from nec.core.feeds import ATOM_NAMESPACE, FeedEntry, atom_feed, stable_id

ATOM = f"{{{ATOM_NAMESPACE}}}"
NOON = datetime(2031, 1, 28, 12, 0, tzinfo=UTC)


def _feed(entries=(), **overrides) -> bytes:
    values = {
        "id": "urn:uuid:feed",
        "title": "Changements",
        "updated": NOON,
        "self_url": "https://nec.example.org/ev/feed.atom",
        "page_url": "https://nec.example.org/ev/changes",
        "author": "La Coopérative",
        "entries": entries,
    }
    return atom_feed(**{**values, **overrides})


def test_feed_without_entries_has_the_required_elements():
    root = etree.fromstring(_feed())

    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert root.findtext(f"{ATOM}id") == "urn:uuid:feed"
    assert root.findtext(f"{ATOM}title") == "Changements"
    assert root.findtext(f"{ATOM}updated") == "2031-01-28T12:00:00Z"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "La Coopérative"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": "https://nec.example.org/ev/feed.atom", "alternate": "https://nec.example.org/ev/changes"}
    assert root.findall(f"{ATOM}entry") == []


def test_feed_starts_with_an_utf8_declaration():
    assert _feed().startswith(b"<?xml version='1.0' encoding='utf-8'?>")


def test_entries_keep_their_order_and_carry_escaped_html():
    paris = timezone(timedelta(hours=1))
    entries = [
        FeedEntry(
            "urn:uuid:2", "Version « v2 »", datetime(2031, 1, 29, 10, 0, tzinfo=paris), "https://x/#2", "<p>B & C</p>\n"
        ),
        FeedEntry("urn:uuid:1", "Version « v1 »", NOON, "https://x/#1", "<p>A</p>"),
    ]
    root = etree.fromstring(_feed(entries))

    items = root.findall(f"{ATOM}entry")
    assert [item.findtext(f"{ATOM}id") for item in items] == ["urn:uuid:2", "urn:uuid:1"]
    first = items[0]
    assert first.findtext(f"{ATOM}title") == "Version « v2 »"
    assert first.findtext(f"{ATOM}updated") == "2031-01-29T09:00:00Z"  # in UTC
    assert first.find(f"{ATOM}link").get("href") == "https://x/#2"
    content = first.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == "<p>B & C</p>"  # escaped in the XML, read back as HTML text, trimmed


def test_control_characters_are_left_out():
    root = etree.fromstring(_feed(title="Change\x00ments\x1b", author="A\x07B"))

    assert root.findtext(f"{ATOM}title") == "Changements"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "AB"


def test_stable_id_depends_on_the_site_and_the_ids_only(app):
    with app.app_context():
        first = stable_id("events", 1, "releases", 2)
        assert first == stable_id("events", 1, "releases", 2)
        assert first != stable_id("events", 1, "releases", 3)
        assert first.startswith("urn:uuid:")
        app.config["NEC_BASE_URL"], before = "https://other.example.org", app.config["NEC_BASE_URL"]
        try:
            assert stable_id("events", 1, "releases", 2) != first
        finally:
            app.config["NEC_BASE_URL"] = before
