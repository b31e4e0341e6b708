"""Saving availability with nothing ticked asks first: "not available at all" is recorded only when said."""

from __future__ import annotations

import sqlalchemy as sa

from nec.proposals.models import Availability, SpeakerProfile
from nec.proposals.speaker import availability
from tests.support.web import log_in, page_text

EV = "/nec-sud-charente"


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Availability))


def test_availability_with_nothing_ticked_asks_and_keeps_what_was_saved(db, client, event, speaker):
    log_in(client, speaker)
    periods = availability.half_days(event)
    client.post(f"{EV}/me/availability", data={"half_day": [periods[0].key]})
    assert _count(db) == 1
    response = client.post(f"{EV}/me/availability", data={})
    assert response.status_code == 400
    text = page_text(response)
    assert "Rien n'a été enregistré." in text
    assert "Êtes-vous indisponible pendant tout l'événement ?" in text
    assert 'name="none_available"' in text and "Je ne suis disponible à aucun moment de l'événement" in text
    db.session.expire_all()
    assert _count(db) == 1


def test_availability_none_confirmed_is_recorded_and_said(db, client, event, speaker):
    log_in(client, speaker)
    response = client.post(f"{EV}/me/availability", data={"none_available": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/")
    assert "vous n'êtes disponible à aucun moment de l'événement" in page_text(client.get(f"{EV}/me/"))
    profile = db.session.scalar(sa.select(SpeakerProfile))
    assert profile.user_id == speaker.id and _count(db) == 0


def test_availability_half_days_and_none_together_are_questioned(db, client, event, speaker):
    log_in(client, speaker)
    periods = availability.half_days(event)
    response = client.post(f"{EV}/me/availability", data={"half_day": [periods[1].key], "none_available": "y"})
    assert response.status_code == 400
    text = page_text(response)
    assert "décochez l'un ou l'autre" in text
    assert f'value="{periods[1].key}" id="half-{periods[1].key}" checked' in text  # what was ticked comes back
    assert _count(db) == 0
