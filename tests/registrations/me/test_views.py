"""The personal space: the personal link, the seats, the offer page, cancelling, the data, the calendar."""

from __future__ import annotations

import re

import sqlalchemy as sa

from nec.core.models import OutboxMessage
from nec.extensions import db
from nec.registrations import seats, services
from nec.registrations.models import RegistrationState, SeatState
from tests.registrations.helpers import participant
from tests.support.web import page_text


def _path(url: str) -> str:
    return "/" + url.partition("://")[2].partition("/")[2]


def _open(client, registration):
    return client.get(_path(services.personal_url(registration)))


def test_personal_link_opens_the_space(client, reg):
    lea = participant(reg, "lea@example.org")
    response = _open(client, lea)
    assert response.status_code == 302
    assert "Lea" in page_text(client.get(response.location))


def test_personal_link_revoked_stops_serving(client, reg):
    lea = participant(reg, "lea@example.org")
    old = _path(services.personal_url(lea))
    services.revoke_links(lea)
    db.session.commit()
    assert client.get(old).status_code == 404


def test_space_without_registration_says_how_to_register(client, reg):
    response = client.get(f"/{reg.event.slug}/me/registration/")
    assert response.status_code == 200 and "Nous ne trouvons pas" in page_text(response)


def test_take_seat_books_then_waits_and_shows_the_position(client, reg, app):
    first, second, third = (participant(reg, f"p{i}@example.org") for i in range(3))
    for person in (first, second, third):
        with app.test_client() as other:
            _open(other, person)
            assert other.post(f"/{reg.event.slug}/sessions/{reg.a.id}/seat").status_code == 303
    states = [seats.seat_of(p, reg.a).state for p in (first, second, third)]
    assert states == [SeatState.booked, SeatState.booked, SeatState.waiting]
    _open(client, third)
    assert "position 1" in page_text(client.get(f"/{reg.event.slug}/me/registration/"))


def test_take_seat_without_registration_goes_to_the_form(client, reg):
    response = client.post(f"/{reg.event.slug}/sessions/{reg.a.id}/seat")
    assert response.status_code == 303 and response.location.endswith("/register/")


def test_take_seat_of_an_overlapping_workshop_names_the_other(client, reg):
    lea = participant(reg, "lea@example.org")
    _open(client, lea)
    client.post(f"/{reg.event.slug}/sessions/{reg.a.id}/seat")
    response = client.post(f"/{reg.event.slug}/sessions/{reg.b.id}/seat", follow_redirects=True)
    assert "Atelier A" in page_text(response)
    assert seats.seat_of(lea, reg.b) is None


def test_leave_frees_the_seat_and_the_next_gets_an_offer_to_accept(client, reg, app):
    people = [participant(reg, f"p{i}@example.org") for i in range(3)]
    for person in people:
        with app.test_client() as other:
            _open(other, person)
            other.post(f"/{reg.event.slug}/sessions/{reg.a.id}/seat")
    _open(client, people[0])
    client.post(f"/{reg.event.slug}/sessions/{reg.a.id}/seat/leave")
    db.session.expire_all()
    offered = seats.seat_of(people[2], reg.a)
    assert offered.state == SeatState.offered
    with app.test_client() as third:
        page = third.get(_path(seats.offer_url(offered)))
        assert "Je prends la place" in page_text(page)
        third.post(_path(seats.offer_url(offered)), data={"answer": "accept"})
    db.session.expire_all()
    assert seats.seat_of(people[2], reg.a).state == SeatState.booked


def test_offer_declined_passes_on(client, reg, app):
    people = [participant(reg, f"p{i}@example.org") for i in range(4)]
    for person in people:
        seats.take_seat(person, reg.a, seats_now())
    db.session.commit()
    seats.leave(people[0], reg.a, seats_now())
    db.session.commit()
    offered = seats.seat_of(people[2], reg.a)
    client.post(_path(seats.offer_url(offered)), data={"answer": "decline"})
    db.session.expire_all()
    assert seats.seat_of(people[2], reg.a).state == SeatState.declined
    assert seats.seat_of(people[3], reg.a).state == SeatState.offered


def seats_now():
    from nec.core.db import utcnow

    return utcnow()


def test_cancel_frees_the_seats(client, reg):
    lea = participant(reg, "lea@example.org")
    _open(client, lea)
    client.post(f"/{reg.event.slug}/sessions/{reg.c.id}/seat")
    assert client.get(f"/{reg.event.slug}/me/registration/cancel").status_code == 200
    client.post(f"/{reg.event.slug}/me/registration/cancel")
    db.session.expire_all()
    assert lea.state == RegistrationState.cancelled
    assert seats.seat_of(lea, reg.c).state == SeatState.cancelled


def test_download_data_is_json_of_the_registration(client, reg):
    lea = participant(reg, "lea@example.org")
    _open(client, lea)
    response = client.get(f"/{reg.event.slug}/me/registration/data.json")
    assert response.status_code == 200 and "lea@example.org" in response.get_data(as_text=True)


def test_download_data_without_registration_is_404(client, reg):
    assert client.get(f"/{reg.event.slug}/me/registration/data.json").status_code == 404


def test_delete_data_erases_the_registration(client, reg):
    lea = participant(reg, "lea@example.org")
    lea_id = lea.id
    _open(client, lea)
    client.post(f"/{reg.event.slug}/me/registration/delete")
    db.session.expire_all()
    from nec.registrations.models import Registration

    kept = db.session.get(Registration, lea_id)
    assert kept is None or kept.email != "lea@example.org"


def test_calendar_lists_the_booked_workshop_and_refuses_an_altered_token(client, reg):
    lea = participant(reg, "lea@example.org")
    seats.take_seat(lea, reg.c, seats_now())
    db.session.commit()
    response = client.get(f"/{reg.event.slug}/me/calendar/{services.personal_token(lea)}.ics")
    assert response.status_code == 200 and "Atelier C" in response.get_data(as_text=True)
    assert client.get(f"/{reg.event.slug}/me/calendar/nope.ics").status_code == 404


def test_session_page_shows_seats_left_and_the_button(client, reg):
    lea = participant(reg, "lea@example.org")
    _open(client, lea)
    text = page_text(client.get(f"/{reg.event.slug}/sessions/{reg.c.id}/"))
    assert "Il reste 3 places sur 3" in text and "Réserver une place" in text


def test_event_home_offers_to_register_then_links_the_registration(client, reg):
    assert "S'inscrire" in page_text(client.get(f"/{reg.event.slug}/"))
    _open(client, participant(reg, "lea@example.org"))
    assert "Mon inscription" in page_text(client.get(f"/{reg.event.slug}/"))


def test_speaker_area_links_the_registration_of_the_same_address(client, reg, make_user):
    from tests.support.web import log_in

    user = make_user("lea@example.org")
    participant(reg, "lea@example.org")
    log_in(client, user)
    assert "Voir mon inscription" in page_text(client.get(f"/{reg.event.slug}/me/"))


def test_personal_link_guessing_is_rate_limited(limited_client, reg):
    answers = [limited_client.get(f"/{reg.event.slug}/me/access/guess-{n}").status_code for n in range(31)]
    assert answers[:30] == [404] * 30 and answers[30] == 429


def test_programme_shows_each_workshop_seats_and_the_named_buttons(client, reg):
    lea = participant(reg, "lea@example.org")
    seats.take_seat(lea, reg.a, seats_now())
    db.session.commit()
    _open(client, lea)
    response = client.get(f"/{reg.event.slug}/programme/")
    text = re.sub(r"<[^>]+>", "", page_text(response))
    assert "Il reste 1 place sur 2" in text and "Libérer ma place « Atelier A »" in text
    assert "Réserver une place « Atelier C »" in text
    anchor = f"/{reg.event.slug}/programme/#session-{reg.c.id}"
    assert f'value="{anchor}"' in page_text(response)
    back = client.post(f"/{reg.event.slug}/sessions/{reg.c.id}/seat", data={"next": anchor})
    assert back.location.endswith(anchor)


def test_seat_next_to_another_site_is_ignored(client, reg):
    _open(client, participant(reg, "lea@example.org"))
    back = client.post(f"/{reg.event.slug}/sessions/{reg.c.id}/seat", data={"next": "//evil.example/"})
    assert back.location.endswith(f"/sessions/{reg.c.id}/")


def test_merge_agenda_adds_the_browser_sessions_and_lists_them(client, reg):
    _open(client, participant(reg, "lea@example.org"))
    answer = client.post(f"/{reg.event.slug}/me/registration/agenda/merge", data={"ids": f"{reg.table.id},abc"})
    assert answer.get_json() == {"added": 1}
    again = client.post(f"/{reg.event.slug}/me/registration/agenda/merge", data={"ids": f"{reg.table.id}"})
    assert again.get_json() == {"added": 0}
    assert "Table ronde" in page_text(client.get(f"/{reg.event.slug}/me/registration/"))


def test_merge_agenda_without_registration_is_404(client, reg):
    assert client.post(f"/{reg.event.slug}/me/registration/agenda/merge", data={"ids": "1"}).status_code == 404


def test_space_of_an_unpublished_event_opens_only_with_a_registration(client, reg):
    lea = participant(reg, "lea@example.org")
    reg.event.is_published = False
    db.session.commit()
    assert client.get(f"/{reg.event.slug}/me/registration/").status_code == 404
    _open(client, lea)
    assert client.get(f"/{reg.event.slug}/me/registration/").status_code == 200


def test_shared_session_page_shows_the_seats_left_after_a_change(client, reg, app):
    address = f"/{reg.event.slug}/sessions/{reg.c.id}/"
    assert "Il reste 3 places sur 3" in page_text(client.get(address))
    seats.take_seat(participant(reg, "lea@example.org"), reg.c, seats_now())
    db.session.commit()
    with app.test_client() as visitor:
        assert "Il reste 2 places sur 3" in page_text(visitor.get(address))


def test_confirmation_mail_and_space_give_the_checkin_code_and_the_space_its_qr_code(client, reg):
    lea = participant(reg, "lea@example.org")
    code = " ".join(lea.checkin_secret[i : i + 4] for i in range(0, 32, 4))
    confirmed = [m for m in db.session.scalars(sa.select(OutboxMessage)) if "est confirmée" in m.subject]
    assert len(confirmed) == 1 and code in confirmed[0].body_text
    page = client.get(client.get(_path(services.personal_url(lea))).location).get_data(as_text=True)
    assert code in page and f'src="/{reg.event.slug}/me/registration/qr.svg"' in page
    assert "attestation de présence" in page and "attestation.pdf" not in page  # only after the event
    svg = client.get(f"/{reg.event.slug}/me/registration/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
