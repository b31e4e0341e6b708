"""Organisers' wordings of event e-mails, with placeholders, queued through the outbox."""

from __future__ import annotations

import sqlalchemy as sa

from nec.core.mail_templates import (
    DEFAULTS,
    PLACEHOLDERS,
    decorated_placeholders,
    fill,
    placeholders_for,
    queue_event_mail,
    reset_wording,
    save_wording,
    unknown_placeholders,
)
from nec.core.models import OutboxMessage
from nec.proposals.mail_kinds import MailTemplateKind
from nec.registrations.mail_kinds import RegistrationMailKind, ReminderMailKind


def test_every_default_uses_only_its_placeholders():
    for kind, (subject, body) in DEFAULTS.items():
        assert unknown_placeholders(kind, subject + body) == [], kind
    assert set(PLACEHOLDERS) == {*MailTemplateKind, *RegistrationMailKind, *ReminderMailKind}


def test_unknown_and_unpaired_placeholders_are_reported():
    kind = MailTemplateKind.rejected
    assert unknown_placeholders(kind, "Bonjour {person_name}, {confirmation_url}") == ["confirmation_url"]
    assert unknown_placeholders(kind, "Bonjour {person_name") == ["{"]
    assert "session_title" in placeholders_for(kind)


def test_fill_keeps_unknown_placeholders_and_survives_bad_braces():
    assert fill("{a} et {b}", {"a": "un"}) == "un et {b}"
    assert fill("accolade { seule", {"a": "un"}) == "accolade { seule"


def test_event_mail_uses_the_default_then_the_organisers_wording(db, make_event):
    event = make_event(title="NEC Sud Charente")
    queue_event_mail(
        event,
        MailTemplateKind.rejected,
        "Nadia@Exemple.org",
        to_name="Nadia",
        base_url="https://nec.example.org",
        session_title="Financer la médiation",
    )
    save_wording(event, MailTemplateKind.rejected, "Réponse pour « {session_title} »", "Chère {person_name},\n\nNon.")
    queue_event_mail(
        event,
        MailTemplateKind.rejected,
        "nadia@exemple.org",
        to_name="Nadia",
        base_url="https://nec.example.org",
        session_title="Financer la médiation",
    )
    db.session.commit()
    first, second = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert first.subject == "Votre proposition « Financer la médiation »"
    assert "https://nec.example.org/" + event.slug + "/" in first.body_text
    assert first.to_address == "nadia@exemple.org"
    assert second.subject == "Réponse pour « Financer la médiation »"
    assert second.body_text.startswith("NEC Sud Charente")  # the layout's header
    assert "Chère Nadia," in second.body_text and "Chère Nadia," in second.body_html

    reset_wording(event, MailTemplateKind.rejected)
    db.session.commit()
    queue_event_mail(event, MailTemplateKind.rejected, "x@exemple.org", base_url="http://h", session_title="S")
    db.session.commit()
    third = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert third.subject == "Votre proposition « S »"


def test_html_part_escapes_the_wording_and_links_urls(db, make_event):
    event = make_event()
    save_wording(event, MailTemplateKind.accepted, "Oui", "<script>x</script>\n{confirmation_url}")
    queue_event_mail(
        event,
        MailTemplateKind.accepted,
        "a@exemple.org",
        base_url="http://h",
        session_title="S",
        confirmation_url="https://nec.example.org/c/abc",
    )
    db.session.commit()
    message = db.session.scalars(sa.select(OutboxMessage)).one()
    assert "<script>" not in message.body_html and "&lt;script&gt;" in message.body_html
    assert '<a href="https://nec.example.org/c/abc"' in message.body_html


def test_fill_takes_no_format_specification_nor_attribute_nor_index():
    """{event_title:>10000000} made 10 MB of a 22-byte wording: a placeholder is replaced only when
    written as its bare name; anything else stays as written."""
    wording = "{event_title:>10000000}{event_title!r}{event_title.upper}{event_title[0]}{person_name:{event_title}}"
    result = fill(wording, {"event_title": "NEC", "person_name": "Sam"})
    assert result == wording
    assert fill("{event_title} et {{accolades}}", {"event_title": "NEC"}) == "NEC et {accolades}"
    assert decorated_placeholders("{a} {b:>9} {c!s} {d.e} {f[0]}") == ["{b:>9}", "{c!s}", "{d.e}", "{f[0]}"]
