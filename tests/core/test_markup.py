"""Nothing that organisers, speakers or participants type reaches a page or an HTML mail as markup.

Every name and text of the demo event (event, days' breaks, rooms, themes, formats, criteria, questions,
mail wordings, versions, sessions, profiles, reviews...) is given a markup payload; then every GET page
is rendered as every kind of person, and the payload must appear only escaped. A second test keeps the
ways to make markup out of text (`|safe`, `Markup(`, Flask-Babel's own lazy strings, which declare
themselves HTML) to a short reviewed list.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import sqlalchemy as sa

from nec.accounts.services import add_team_member
from nec.core.mail_templates import queue_event_mail
from nec.core.models import MailTemplate, OutboxMessage
from nec.extensions import db as _db
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import Question, ReviewCriterion, SpeakerProfile
from nec.proposals.sessions import services as programming
from tests.support.pages import addresses, seed_demo
from tests.support.web import log_in, log_out

PAYLOAD = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
RAW = "<meta http-equiv"  # the tag as a browser would run it
ESCAPED = "&lt;meta http-equiv=&#34;refresh&#34;"

#: What people type, table by table (slugs, e-mails, colours, tokens and enum values are checked elsewhere).
TYPED_COLUMNS = {
    "events": ("title", "tagline", "description", "venue_name", "venue_address", "organiser_name"),
    "users": ("full_name",),
    "calls": ("introduction",),
    "registrations": ("full_name", "structure", "commune"),
    "review_criteria": ("name", "description"),
    "rooms": ("name", "accessibility_notes"),
    "schedule_versions": ("name", "comment"),
    "session_formats": ("name", "description"),
    "speaker_profiles": ("full_name", "structure", "territory", "bio"),
    "themes": ("name", "description"),
    "questions": ("label", "help_text"),
    "sessions": ("title", "summary", "description", "audience", "needs"),
    "reviews": ("comment",),
    "slots": ("title",),
    "resources": ("title", "description"),
    "mail_templates": ("subject", "body"),
}


def _inject(event) -> None:
    """Every typed text becomes PAYLOAD followed by its column and row (names stay unique)."""
    for kind in MailTemplateKind:
        _db.session.add(MailTemplate(event_id=event.id, kind=kind, subject="s", body="b {person_name}"))
    _db.session.flush()
    tables = {table.name: table for table in _db.metadata.sorted_tables}
    for name, columns in TYPED_COLUMNS.items():
        table = tables[name]
        values = {  # a missing value (a draft version's name) stays missing
            column: sa.case(
                (table.c[column].is_(None), None),
                else_=sa.literal(f"{PAYLOAD} {column} ", sa.String) + sa.cast(table.c.id, sa.String),
            )
            for column in columns
        }
        _db.session.execute(sa.update(table).where(table.c.id.isnot(None)).values(values))
    registrations = tables["registrations"]  # needs are kept only with their own consent (a CHECK)
    _db.session.execute(
        sa.update(registrations).values(
            consent_accessibility=True,
            accessibility_needs=sa.literal(f"{PAYLOAD} accessibility_needs ", sa.String)
            + sa.cast(registrations.c.id, sa.String),
        )
    )
    for question in _db.session.scalars(sa.select(Question).where(Question.choices != sa.null())):
        if question.choices:
            question.choices = [f"{PAYLOAD} choix {i}" for i in range(len(question.choices))]
    _db.session.commit()
    _db.session.expire_all()


def _markup_in(response) -> str | None:
    """The HTML that a browser would run from this answer: its body, or an Atom entry's HTML content."""
    if response.mimetype == "text/html":
        return response.get_data(as_text=True)
    if response.mimetype == "application/atom+xml":
        root = ET.fromstring(response.get_data())
        return "".join(e.text or "" for e in root.iter("{http://www.w3.org/2005/Atom}content"))
    return None


def test_typed_text_appears_only_escaped_on_every_page(app, client, db, make_user):
    seeded = seed_demo(make_user)
    _inject(seeded.event)
    pages = addresses(app, seeded.ids)
    raw, shown = set(), {}
    for who in [None, *seeded.users]:
        if who is None:
            log_out(client)
        else:
            log_in(client, seeded.users[who])
        for address in pages:
            html = _markup_in(client.get(address))
            if html is None:
                continue
            if RAW in html:
                raw.add((who, address))
            if ESCAPED in html:
                shown.setdefault(who, set()).add(address)
    assert raw == set()
    # The payload was really shown, and on the pages where it ran before.
    ev, proposal = seeded.event.slug, seeded.submitted.id
    assert f"/{ev}/review/{proposal}" in shown["reviewer"]  # criteria names in the reviewer's form
    assert f"/{ev}/manage/call" in shown["organiser"]  # format names
    assert any(re.fullmatch(rf"/{ev}/manage/programme/sessions/\d+/place", a) for a in shown["organiser"])
    assert len(shown["organiser"]) > 40 and len(shown[None]) > 5


def test_typed_text_appears_only_escaped_in_form_errors(app, client, db, make_user):
    seeded = seed_demo(make_user)
    _inject(seeded.event)
    criterion = _db.session.scalar(sa.select(ReviewCriterion).where(ReviewCriterion.event_id == seeded.event.id))
    log_in(client, seeded.users["reviewer"])
    response = client.post(f"/{seeded.event.slug}/review/{seeded.submitted.id}", data={f"c_{criterion.id}": "99"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert RAW not in html and ESCAPED in html


def test_typed_text_appears_only_escaped_in_html_mails(app, db, make_user):
    seeded = seed_demo(make_user)
    _inject(seeded.event)
    event, organiser = seeded.event, seeded.users["organiser"]
    add_team_member(event, "nouvelle@example.org", "reviewer", full_name=PAYLOAD, actor=organiser)
    unclaimed = _db.session.scalar(
        sa.select(SpeakerProfile).where(SpeakerProfile.event_id == event.id, SpeakerProfile.user_id.is_(None))
    )
    programming.send_claim_link(unclaimed, organiser)
    for kind in MailTemplateKind:
        queue_event_mail(event, kind, "sam@example.org", to_name=PAYLOAD, base_url="https://nec.example.org")
    _db.session.commit()
    mails = _db.session.scalars(sa.select(OutboxMessage)).all()
    assert len(mails) >= 2 + len(MailTemplateKind)
    assert [m.template for m in mails if RAW in (m.body_html or "")] == []
    assert all(ESCAPED in m.body_html for m in mails)


# --- the ways to make markup of text, each reviewed -------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]

#: Files allowed to turn text into markup, with why. Add one only after checking that nothing typed
#: by a person can reach it unescaped.
MARKUP_ALLOWLIST: dict[str, str] = {
    "nec/core/i18n.py": "LazyText.__html__ escapes the translation (the one place a lazy text becomes markup)",
}

MAKES_MARKUP = re.compile(
    r"\|\s*safe\b|Markup\s*\(|markupsafe|autoescape\s+false|flask_babel\s+import[^\n]*lazy_gettext"
    r"|flask_babel\.lazy_gettext|speaklater|innerHTML|outerHTML|insertAdjacentHTML|document\.write\s*\("
)


def test_markup_is_made_only_in_reviewed_places():
    sources = [*ROOT.joinpath("nec").rglob("*.py"), *ROOT.joinpath("templates").rglob("*.html")]
    sources += [*ROOT.joinpath("templates").rglob("*.txt"), *ROOT.joinpath("static").rglob("*.js")]
    found = {str(path.relative_to(ROOT)) for path in sources if MAKES_MARKUP.search(path.read_text(encoding="utf-8"))}
    assert len(sources) > 100
    assert found - set(MARKUP_ALLOWLIST) == set(), (
        "Text turned into markup: escape it instead (a LazyText from nec.core.i18n, or let Jinja escape it)"
    )
