"""The calendar subscription without an account: a personal link for the agenda kept on a visitor's device."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
import sqlalchemy as sa

from nec.core import hooks
from nec.programme.exports import device_calendars
from nec.programme.models import DeviceAgenda

EV = "/nec-exports"
CREATE = EV + "/programme/device-calendars"


def _summaries(body: bytes) -> list[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return sorted(str(component["SUMMARY"]) for component in calendar.walk("VEVENT"))


def _create(client, ids: str) -> tuple[str, str]:
    """Create a link as the visitor's browser does; returns (its page's path, its token)."""
    response = client.post(CREATE, data={"ids": ids})
    assert response.status_code == 302
    page_path = urlsplit(response.headers["Location"]).path
    return page_path, page_path.rsplit("/", 1)[1]


def _feed_path(page: str) -> str:
    https = re.search(r'value="(https?://[^"]+)"', page).group(1).replace("&amp;", "&")
    return urlsplit(https).path


def _links(db) -> list[DeviceAgenda]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(DeviceAgenda)))


def test_device_link_is_created_without_account_and_serves_the_chosen_sessions(app, client, db, programme):
    table, plenary = programme.sessions["table"].id, programme.sessions["plenary"].id
    # The plenary is in the draft only (not public), 999999 names nothing: both are left out.
    page_path, token = _create(client, f"{table},{plenary},999999")
    [link] = _links(db)
    assert link.session_ids == str(table)
    assert link.token_hash != token and token not in link.token_hash  # only the hash is stored

    page = client.get(page_path)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    text = page.get_data(as_text=True)
    webcal = re.search(r'href="(webcal://[^"]+)"', text).group(1)
    assert webcal.startswith("webcal://") and webcal.endswith(f"/programme/calendars/{token}.ics")
    assert "Copier le lien" in text and "Supprimer le lien" in text and "Thunderbird" in text
    assert "Changer le lien" not in text  # that one is for accounts

    calendar_app = app.test_client()  # no cookie: the secret in the address is enough
    feed = calendar_app.get(_feed_path(text))
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    assert "private" in feed.headers["Cache-Control"]
    assert _summaries(feed.get_data()) == ["Le métier de médiateur·rice numérique"]
    parsed = icalendar.Calendar.from_ical(feed.get_data())
    assert str(parsed["X-WR-CALNAME"]) == "Mon programme – NEC des Charentes"
    assert str(parsed["VERSION"]) == "2.0"


def test_device_link_follows_the_sessions_the_device_sends(client, db, programme):
    table, workshop = programme.sessions["table"].id, programme.sessions["workshop"].id
    _page, token = _create(client, str(table))
    response = client.post(f"{EV}/programme/device-calendars/{token}/sessions", data={"ids": f"{workshop}"})
    assert response.status_code == 200
    assert response.get_json() == {"sessions": 1}
    feed = client.get(f"{EV}/programme/calendars/{token}.ics")
    assert _summaries(feed.get_data()) == ["Financer son tiers-lieu"]

    client.post(f"{EV}/programme/device-calendars/{token}/sessions", data={"ids": ""})
    assert _summaries(client.get(f"{EV}/programme/calendars/{token}.ics").get_data()) == []


def test_device_link_deleted_answers_404_everywhere(client, db, programme):
    _page, token = _create(client, str(programme.sessions["table"].id))
    response = client.post(f"{EV}/programme/device-calendars/{token}/delete")
    assert response.status_code == 302
    assert _links(db) == []
    assert client.get(f"{EV}/programme/calendars/{token}.ics").status_code == 404
    assert client.get(f"{EV}/programme/device-calendars/{token}").status_code == 404
    gone = client.post(f"{EV}/programme/device-calendars/{token}/sessions", data={"ids": "1"})
    assert gone.status_code == 404
    assert "n'existe pas ou a été supprimé" in gone.get_data(as_text=True).replace("&#39;", "'")


@pytest.mark.parametrize("token", ["not-a-link", "x" * 300, "%00"])
def test_wrong_device_link_answers_404_and_changes_nothing(client, db, programme, token):
    _create(client, str(programme.sessions["table"].id))
    before = [link.session_ids for link in _links(db)]
    assert client.get(f"{EV}/programme/calendars/{token}.ics").status_code == 404
    assert client.post(f"{EV}/programme/device-calendars/{token}/sessions", data={"ids": ""}).status_code == 404
    assert client.post(f"{EV}/programme/device-calendars/{token}/delete").status_code == 404
    assert [link.session_ids for link in _links(db)] == before


def test_device_link_of_another_event_answers_404(client, db, make_event, programme):
    make_event("autre-nec", title="Un autre NEC")
    _page, token = _create(client, str(programme.sessions["table"].id))
    assert client.get(f"/autre-nec/programme/calendars/{token}.ics").status_code == 404


def test_device_link_creation_needs_the_csrf_token(app, client, db, programme, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(CREATE, data={"ids": str(programme.sessions["table"].id)}).status_code == 400
    assert _links(db) == []


def test_device_link_creation_is_rate_limited(limited_client, db, programme):
    answers = [limited_client.post(CREATE, data={"ids": ""}).status_code for _ in range(7)]
    assert answers[:5] == [302] * 5
    assert 429 in answers[5:]


def test_purge_removes_links_unused_a_year_after_their_event(client, db, programme, make_event):
    _create(client, str(programme.sessions["table"].id))
    [link] = _links(db)
    programme.event.start_date = programme.event.end_date = date(2024, 3, 1)
    link.last_used_at = datetime(2024, 3, 2, tzinfo=UTC)
    db.session.commit()
    purge = next(hook for hook in hooks.purge_hooks() if hook.name == "programme.device_agendas")
    now = datetime(2025, 3, 10, tzinfo=UTC)
    assert purge.run(now, True) == 1 and len(_links(db)) == 1  # a dry run deletes nothing
    # A link still read by a calendar app stays.
    link = _links(db)[0]
    link.last_used_at = now - timedelta(days=30)
    db.session.commit()
    assert purge.run(now, False) == 0
    assert purge.run(now + timedelta(days=365), False) == 1
    db.session.commit()
    assert _links(db) == []


def test_feed_read_records_the_date_of_use(client, db, programme):
    _page, token = _create(client, "")
    [link] = _links(db)
    link.last_used_at = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.commit()
    client.get(f"{EV}/programme/calendars/{token}.ics")
    assert _links(db)[0].last_used_at.year >= 2026
    assert device_calendars.find(programme.event, token) is not None
