"""The personal calendar subscription (webcal) and the organisers' CSV/XLSX of the programme."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import icalendar
import openpyxl
import pytest

from nec.accounts.models import EventRole, EventRoleKind
from nec.core.tokens import sign
from nec.programme.exports import subscriptions, table
from nec.programme.models import Favourite, ScheduleVersion
from tests.programme.exports.helpers import build_programme
from tests.support.web import log_in as _log_in

EV = "/nec-exports"


def _links(page: str) -> tuple[str, str]:
    webcal = re.search(r'href="(webcal://[^"]+)"', page).group(1).replace("&amp;", "&")
    https = re.search(r'value="(https?://[^"]+)"', page).group(1).replace("&amp;", "&")
    return webcal, https


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _summaries(body: bytes) -> list[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return sorted(str(component["SUMMARY"]) for component in calendar.walk("VEVENT"))


@pytest.fixture
def fan(db, make_user, programme):
    """A participant whose "Mon programme" holds the round table only."""
    user = make_user(full_name="Fanny Participante")
    db.session.add(Favourite(user_id=user.id, session_id=programme.sessions["table"].id))
    db.session.commit()
    return user


# --- the subscription page -------------------------------------------------------------------------------


def test_subscribe_page_offers_an_anonymous_visitor_a_link_without_account(client, programme):
    response = client.get(EV + "/programme/subscribe", query_string={"ids": "3,8"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Créer mon lien d&#39;abonnement" in page or "Créer mon lien d'abonnement" in page
    assert 'name="ids" value="3,8"' in page
    assert "/login" in page  # signing in stays possible


def test_subscribe_page_shows_webcal_and_https_links_that_work(app, client, programme, fan):
    _log_in(client, fan)
    response = client.get(EV + "/programme/subscribe")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Changer le lien" in page and 'name="csrf_token"' in page
    webcal, https = _links(page)
    assert webcal.startswith("webcal://") and https.startswith("http")
    assert webcal.partition("://")[2] == https.partition("://")[2]
    assert urlsplit(https).path == EV + "/programme/mine.ics"

    calendar_app = app.test_client()  # no cookie, no session: the token is enough
    calendar = calendar_app.get(_path(https))
    assert calendar.status_code == 200
    assert calendar.mimetype == "text/calendar"
    assert _summaries(calendar.get_data()) == ["Le métier de médiateur·rice numérique"]
    parsed = icalendar.Calendar.from_ical(calendar.get_data())
    assert str(parsed["X-WR-CALNAME"]) == "Mon programme – NEC des Charentes"
    assert "private" in calendar.headers["Cache-Control"]


def test_personal_calendar_follows_the_favourites_and_leaves_out_the_draft(client, db, programme, fan):
    token = subscriptions.subscription_token(fan, programme.event)
    # The plenary is in the draft only: a favourite of it does not appear.
    for key in ("workshop", "plenary"):
        db.session.add(Favourite(user_id=fan.id, session_id=programme.sessions[key].id))
    db.session.commit()
    response = client.get(EV + "/programme/mine.ics", query_string={"token": token})
    assert _summaries(response.get_data()) == ["Financer son tiers-lieu", "Le métier de médiateur·rice numérique"]


def test_personal_calendar_without_favourites_is_an_empty_calendar(client, make_user, programme):
    token = subscriptions.subscription_token(make_user(), programme.event)
    response = client.get(EV + "/programme/mine.ics", query_string={"token": token})
    assert response.status_code == 200
    assert _summaries(response.get_data()) == []
    assert "Mon programme" in str(icalendar.Calendar.from_ical(response.get_data())["X-WR-CALNAME"])


def test_personal_calendar_answers_304_when_nothing_changed(client, programme, fan):
    url = EV + "/programme/mine.ics"
    token = subscriptions.subscription_token(fan, programme.event)
    first = client.get(url, query_string={"token": token})
    again = client.get(url, query_string={"token": token}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_personal_calendar_is_empty_before_the_first_release(client, db, make_event, make_user):
    event = make_event("nec-exports", title="NEC à venir")
    db.session.add(ScheduleVersion(event=event))
    db.session.commit()
    user = make_user()
    response = client.get(
        EV + "/programme/mine.ics", query_string={"token": subscriptions.subscription_token(user, event)}
    )
    assert response.status_code == 200
    assert _summaries(response.get_data()) == []


# --- wrong and revoked tokens ---------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "n'importe-quoi", "x" * 600])
def test_personal_calendar_without_a_valid_token_is_404(client, programme, fan, token):
    query = {} if token is None else {"token": token}
    response = client.get(EV + "/programme/mine.ics", query_string=query)
    assert response.status_code == 404
    assert "abonnement" in response.get_data(as_text=True)


def test_personal_calendar_refuses_an_altered_token(client, programme, fan):
    token = subscriptions.subscription_token(fan, programme.event)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(EV + "/programme/mine.ics", query_string={"token": altered}).status_code == 404


def test_personal_calendar_refuses_a_token_of_another_event(client, db, make_event, programme, fan):
    other = make_event("nec-autre")
    token = subscriptions.subscription_token(fan, other)
    assert client.get(EV + "/programme/mine.ics", query_string={"token": token}).status_code == 404


def test_personal_calendar_refuses_a_token_signed_for_another_purpose(client, programme, fan):
    data = {"u": fan.id, "e": programme.event.id, "v": fan.calendar_version}
    token = sign(data, "programme.something-else")
    assert client.get(EV + "/programme/mine.ics", query_string={"token": token}).status_code == 404


def test_personal_calendar_refuses_a_deactivated_account(client, db, programme, fan):
    token = subscriptions.subscription_token(fan, programme.event)
    fan.is_active_account = False
    db.session.commit()
    assert client.get(EV + "/programme/mine.ics", query_string={"token": token}).status_code == 404


def test_changing_the_link_revokes_the_old_one_and_keeps_this_browser(app, client, db, programme, fan):
    calendar_app = app.test_client()
    _log_in(client, fan)
    _webcal, old = _links(client.get(EV + "/programme/subscribe").get_data(as_text=True))
    assert calendar_app.get(_path(old)).status_code == 200

    response = client.post(EV + "/programme/subscribe/reset")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(EV + "/programme/subscribe")

    page = client.get(EV + "/programme/subscribe")
    assert page.status_code == 200  # still signed in here
    assert "ancien ne fonctionne plus" in page.get_data(as_text=True)
    assert calendar_app.get(_path(old)).status_code == 404
    _webcal, new = _links(page.get_data(as_text=True))
    assert parse_qs(urlsplit(new).query)["token"] != parse_qs(urlsplit(old).query)["token"]
    assert calendar_app.get(_path(new)).status_code == 200


def test_logging_out_keeps_the_calendar_link_and_a_new_password_ends_it(app, client, db, programme, fan):
    """Logout ends every session (issue 9), not the link a calendar app polls; a password change does."""
    from nec.accounts.services import set_password

    calendar_app = app.test_client()
    _log_in(client, fan)
    _webcal, link = _links(client.get(EV + "/programme/subscribe").get_data(as_text=True))
    client.post("/logout")
    db.session.expire_all()
    assert calendar_app.get(_path(link)).status_code == 200
    set_password(db.session.get(type(fan), fan.id), "une toute nouvelle phrase secrète")
    db.session.commit()
    assert calendar_app.get(_path(link)).status_code == 404


def test_changing_the_link_needs_a_login(client, db, programme, fan):
    token = subscriptions.subscription_token(fan, programme.event)
    response = client.post(EV + "/programme/subscribe/reset")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.expire_all()
    assert client.get(EV + "/programme/mine.ics", query_string={"token": token}).status_code == 200


def test_changing_the_link_refuses_a_get(client, programme, fan):
    _log_in(client, fan)
    assert client.get(EV + "/programme/subscribe/reset").status_code == 405


# --- the organisers' CSV and XLSX -------------------------------------------------------------------------------


@pytest.fixture
def team(db, make_user, programme):
    organiser, reviewer = make_user(), make_user()
    db.session.add_all(
        [
            EventRole(event=programme.event, user=organiser, role=EventRoleKind.organiser),
            EventRole(event=programme.event, user=reviewer, role=EventRoleKind.reviewer),
        ]
    )
    db.session.commit()
    return {"organiser": organiser, "reviewer": reviewer}


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_programme_table_is_for_organisers_only(client, make_user, programme, team, fmt):
    url = f"{EV}/manage/programme.{fmt}"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    _log_in(client, make_user())
    assert client.get(url).status_code == 403
    _log_in(client, team["reviewer"])
    assert client.get(url).status_code == 403
    _log_in(client, team["organiser"])
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]


def test_programme_csv_lists_the_latest_release_in_french_columns(client, programme, team):
    _log_in(client, team["organiser"])
    rows = _csv_rows(client.get(EV + "/manage/programme.csv").get_data())
    assert rows[0] == ["jour", "début", "fin", "salle", "titre", "format", "thème", "intervenant·es", "état"]
    assert rows[1] == [
        "2027-03-27",
        "10:00",
        "11:15",
        "Grande salle",
        "Le métier de médiateur·rice numérique",
        "Table ronde",
        "Médiation numérique",
        "Alice Durand (Modération), Bruno Lefèvre (Intervenant·e de table ronde)",
        "Confirmée",
    ]
    assert rows[2][:5] == ["2027-03-27", "12:30", "14:00", "", "Pause déjeuner"] and rows[2][8] == "Pause"
    assert rows[3][1:3] == ["14:00", "16:00"]  # summer time, local hours
    assert rows[3][7] == "Chloé Moreau (Animation)"  # Denis declined
    assert len(rows) == 4


def test_programme_csv_of_the_draft(client, programme, team):
    _log_in(client, team["organiser"])
    rows = _csv_rows(client.get(EV + "/manage/programme.csv?version=draft").get_data())
    assert [row[4] for row in rows[1:]] == ["Plénière d'ouverture", "Le métier de médiateur·rice numérique"]


def test_programme_table_with_an_unknown_version_is_a_french_404(client, programme, team):
    _log_in(client, team["organiser"])
    response = client.get(EV + "/manage/programme.csv?version=42")
    assert response.status_code == 404
    assert "version" in response.get_data(as_text=True)


def test_programme_table_before_any_release_says_how_to_get_the_draft(client, db, make_event, make_user):
    event = make_event("nec-exports")
    organiser = make_user()
    db.session.add_all([ScheduleVersion(event=event), EventRole(event=event, user=organiser, role="organiser")])
    db.session.commit()
    _log_in(client, organiser)
    response = client.get(EV + "/manage/programme.xlsx")
    assert response.status_code == 404
    assert "version=draft" in response.get_data(as_text=True)
    assert client.get(EV + "/manage/programme.xlsx?version=draft").status_code == 200


def test_programme_table_in_another_format_is_404(client, programme, team):
    _log_in(client, team["organiser"])
    assert client.get(EV + "/manage/programme.pdf").status_code == 404


def test_programme_table_neutralises_formulas(client, db, programme, team):
    programme.sessions["table"].title = '=HYPERLINK("http://evil.example","clic")'
    db.session.commit()
    _log_in(client, team["organiser"])
    rows = _csv_rows(client.get(EV + "/manage/programme.csv").get_data())
    assert rows[1][4] == '\'=HYPERLINK("http://evil.example","clic")'
    book = openpyxl.load_workbook(io.BytesIO(client.get(EV + "/manage/programme.xlsx").get_data()))
    sheet = book.active
    assert [cell.value for cell in sheet[1]][:3] == ["jour", "début", "fin"]
    assert sheet["E2"].value == '\'=HYPERLINK("http://evil.example","clic")'
    assert sheet["E2"].data_type == "s"


def test_programme_table_runs_a_constant_number_of_queries(db, make_event, make_user, count_queries):
    counts = []
    for n, extra in enumerate((1, 28)):
        found = build_programme(db, make_event, extra_sessions=extra, slug=f"nec-table-{n}")
        db.session.expire_all()
        with count_queries() as counter:
            _columns, rows = table.programme_table(found.event, found.release)
        assert len(rows) == 3 + extra
        counts.append(counter.count)
    assert counts[0] == counts[1]
