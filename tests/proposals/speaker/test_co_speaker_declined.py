"""A co-speaker who declines is no longer silent: the submitter gets a mail saying who and what to do."""

from __future__ import annotations

from nec.proposals.speaker import co_speakers
from tests.support.data import outbox
from tests.support.web import page_text

EV = "/nec-sud-charente"


def test_declining_an_invitation_tells_the_submitter_by_mail(db, client, event, speaker, submitted):
    paul = next(p for p in submitted.speakers if p.speaker.email == "paul@example.org")
    before = len(outbox())
    token = co_speakers.invitation_token(paul)
    response = client.post(f"{EV}/invitations/{token}", data={"action": "decline"})
    assert response.status_code == 302
    assert "vous ne participerez pas" in page_text(client.get(response.headers["Location"]))
    mails = outbox()[before:]
    assert [m.to_address for m in mails] == ["sophie@example.org"]
    assert mails[0].subject == f"Paul Panéliste ne participera pas à « {submitted.title} »"
    assert f"/me/proposals/{submitted.id}" in mails[0].body_text
    # Declining again sends nothing more.
    client.post(f"{EV}/invitations/{token}", data={"action": "decline"})
    assert len(outbox()) == before + 1
