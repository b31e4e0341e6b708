"""Decision mails are worded for the person's role: "Votre proposition" for the submitter, "La proposition
soumise par ..., à laquelle vous participez" for a co-speaker; both wordings are the organisers' to edit."""

from __future__ import annotations

import pytest

from nec.core.mail import deliver_due
from nec.core.mail_templates import save_wording
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import Decision
from nec.proposals.review import services as review
from tests.proposals.review.helpers import outbox


def _decide(db, event, organiser, session, decision):
    review.stage_decisions(event, organiser, [session.id], decision)
    db.session.commit()
    review.apply_decisions(event, organiser)
    db.session.commit()


@pytest.mark.parametrize(
    ("decision", "submitter_subject", "co_speaker_subject"),
    [
        (Decision.accept, "Votre proposition « Tiers-lieux » est retenue", "est retenue"),
        (Decision.reject, "Votre proposition « Tiers-lieux »", "La proposition « Tiers-lieux », à laquelle"),
    ],
)
def test_decision_mails_over_smtp_are_worded_for_each_role(
    app,
    db,
    event,
    organiser,
    make_user,
    make_session,
    smtp_server,
    monkeypatch,
    decision,
    submitter_subject,
    co_speaker_subject,
):
    monkeypatch.setitem(app.config, "NEC_MAIL_URL", smtp_server.url)
    paula = make_user("paula@example.org", full_name="Paula Porteuse")
    session = make_session(
        "Tiers-lieux",
        submitted_by=paula,
        speakers=(("Paula Porteuse", "paula@example.org", ""), ("Carl Co", "carl@example.org", "")),
    )
    _decide(db, event, organiser, session, decision)
    deliver_due()
    received = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages()}
    assert set(received) == {"paula@example.org", "carl@example.org"}
    assert received["paula@example.org"]["Subject"] == submitter_subject
    carl = received["carl@example.org"]
    assert co_speaker_subject in carl["Subject"] and not carl["Subject"].startswith("Votre proposition")
    body = carl.get_body(("plain",)).get_content()
    assert "soumise par Paula Porteuse, à laquelle vous participez" in body
    assert "Votre proposition" not in body


def test_an_edited_co_speaker_wording_is_used(db, event, organiser, make_user, make_session):
    paula = make_user("paula@example.org", full_name="Paula Porteuse")
    session = make_session(
        "Tiers-lieux",
        submitted_by=paula,
        speakers=(("Paula Porteuse", "paula@example.org", ""), ("Carl Co", "carl@example.org", "")),
    )
    save_wording(
        event,
        MailTemplateKind.accepted_co_speaker,
        "Bonne nouvelle pour {session_title}",
        "Bonjour {person_name}, {submitter_name} vous attend : {confirmation_url}",
    )
    db.session.commit()
    _decide(db, event, organiser, session, Decision.accept)
    mails = {m.to_address: m for m in outbox(db)}
    assert mails["carl@example.org"].subject == "Bonne nouvelle pour Tiers-lieux"
    assert "Paula Porteuse vous attend" in mails["carl@example.org"].body_text
    assert mails["paula@example.org"].subject == "Votre proposition « Tiers-lieux » est retenue"
