"""A co-speaker who declines is no longer silent: the submitter gets a mail saying who and what to do."""

from __future__ import annotations

from nec.core.db import utcnow
from nec.proposals.models import SessionState
from nec.proposals.speaker import co_speakers
from tests.support.data import outbox
from tests.support.web import log_in, page_text

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


def _decline(client, session, email):
    part = next(p for p in session.speakers if p.speaker.email == email)
    response = client.post(f"{EV}/invitations/{co_speakers.invitation_token(part)}", data={"action": "decline"})
    assert response.status_code == 302
    client.post("/logout")


def test_submitters_area_says_who_declined_and_offers_to_invite_someone_else(db, client, event, speaker, submitted):
    log_in(client, speaker)
    area = page_text(client.get(f"{EV}/me/"))
    assert "a décliné" not in area
    client.post("/logout")

    _decline(client, submitted, "paul@example.org")
    log_in(client, speaker)
    area = page_text(client.get(f"{EV}/me/"))

    todo = area.index("À faire maintenant :")
    detail = area.index(
        "Paul Panéliste a décliné l'invitation. Le format « Table ronde » demande de 2 à 5 intervenant·es : "
        "il en reste 1."
    )
    link = area.index(f'href="{EV}/me/proposals/{submitted.id}" aria-describedby=')
    assert todo < detail < link
    assert "Inviter une autre personne" in area


def test_after_acceptance_the_submitter_is_sent_to_the_organisers(db, client, event, speaker, submitted):
    event.contact_email = "equipe@example.org"
    submitted.state = SessionState.accepted
    db.session.commit()
    _decline(client, submitted, "paul@example.org")
    log_in(client, speaker)

    area = page_text(client.get(f"{EV}/me/"))

    assert "Paul Panéliste a décliné l'invitation." in area
    assert "demandez à l'équipe organisatrice d'ajouter quelqu'un" in area
    assert 'href="mailto:equipe@example.org"' in area and "Inviter une autre personne" not in area


def test_the_other_panelist_is_not_asked_to_find_someone(db, client, event, speaker, submitted, make_user):
    _decline(client, submitted, "paul@example.org")
    nadia = make_user("nadia@example.org", full_name="Nadia Intervenante", email_confirmed_at=utcnow())
    part = next(p for p in submitted.speakers if p.speaker.email == "nadia@example.org")
    part.speaker.user_id = nadia.id
    db.session.commit()
    log_in(client, nadia)

    area = page_text(client.get(f"{EV}/me/"))

    assert submitted.title in area
    assert "a décliné l'invitation" not in area
