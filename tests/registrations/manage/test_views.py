"""The organisers' registration pages: who may open them, and what each one changes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nec.core.models import OutboxMessage
from nec.extensions import db
from nec.registrations.models import (
    Attendance,
    Registration,
    RegistrationSettings,
    RegistrationState,
    Seat,
    SeatState,
)
from tests.support.web import log_in, page_text

PAGES = [
    ("get", "/{ev}/manage/registrations"),
    ("get", "/{ev}/manage/registrations/settings"),
    ("post", "/{ev}/manage/registrations/settings"),
    ("get", "/{ev}/manage/registrations/new"),
    ("post", "/{ev}/manage/registrations/new"),
    ("get", "/{ev}/manage/registrations/{anne}"),
    ("post", "/{ev}/manage/registrations/{anne}/attendance"),
    ("post", "/{ev}/manage/registrations/{anne}/seat"),
    ("post", "/{ev}/manage/registrations/{anne}/seat/{a}/remove"),
    ("post", "/{ev}/manage/registrations/{anne}/link"),
    ("get", "/{ev}/manage/registrations/{anne}/cancel"),
    ("post", "/{ev}/manage/registrations/{anne}/cancel"),
    ("get", "/{ev}/manage/registrations/workshops"),
    ("get", "/{ev}/manage/registrations/message"),
    ("post", "/{ev}/manage/registrations/message"),
    ("get", "/{ev}/manage/registrations.csv"),
    ("get", "/{ev}/manage/registrations.xlsx"),
    ("get", "/{ev}/manage/registrations/figures"),
    ("get", "/{ev}/manage/registrations/figures/structure-types.svg"),
]


def _url(template: str, reg, people) -> str:
    return template.format(ev=reg.event.slug, anne=people["anne"].id, a=reg.a.id)


def _unchanged(people) -> None:
    db.session.expire_all()
    anne = db.session.get(Registration, people["anne"].id)
    assert anne.state == RegistrationState.confirmed and anne.attendance == Attendance.on_site
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.subject == "Salle")) == 0


@pytest.mark.parametrize(("method", "template"), PAGES)
def test_every_page_is_403_for_a_stranger_and_changes_nothing(client, stranger, reg, people, method, template):
    log_in(client, stranger)
    data = {"attendance": "online", "to_session": str(reg.c.id), "subject": "Salle", "body": "x", "audience": "all"}
    response = getattr(client, method)(_url(template, reg, people), data=data if method == "post" else None)
    assert response.status_code == 403
    _unchanged(people)


@pytest.mark.parametrize(("method", "template"), PAGES)
def test_every_page_sends_an_anonymous_visitor_to_log_in(client, reg, people, method, template):
    response = getattr(client, method)(_url(template, reg, people))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_registration_of_another_event_is_404(orga_client, reg, people, make_event, organiser):
    from tests.support.events import nec_event

    other = nec_event(organiser, slug="nec-autre")
    assert orga_client.get(f"/{other.slug}/manage/registrations/{people['anne'].id}").status_code == 404


# --- settings ----------------------------------------------------------------------------------------


def _settings_form(**changes) -> dict:
    values = {
        "is_open": "y", "opens_at": "2030-03-01T09:00", "closes_at": "2030-03-20T18:00", "on_site_capacity": "80",
        "online_capacity": "", "offer_hours": "24", "pending_hours": "48", "reminder_days": "1, 7",
        "workshop_reminder_hours": "12", "retention_days": "400",
    }  # fmt: skip
    return {**values, **changes}


def test_settings_save_dates_in_the_event_time_zone(orga_client, reg):
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/settings", data=_settings_form())
    assert response.status_code == 302
    db.session.expire_all()
    settings = db.session.get(RegistrationSettings, reg.event.id)
    assert settings.opens_at.isoformat() == "2030-03-01T08:00:00+00:00"  # Paris, winter time
    assert settings.on_site_capacity == 80 and settings.online_capacity is None
    assert settings.reminder_days == "7,1" and settings.offer_hours == 24 and settings.retention_days == 400
    page = page_text(orga_client.get(f"/{reg.event.slug}/manage/registrations/settings"))
    assert 'value="2030-03-01T09:00"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": "2030-02-01T09:00"}, "La clôture des inscriptions doit être après leur ouverture."),
        ({"reminder_days": "sept"}, "par exemple « 7,1 »"),
        ({"reminder_days": "90"}, "entre 1 et 60 jours"),
        ({"retention_days": "10"}, "entre 30 et 3 650"),
        ({"offer_hours": "abc"}, "Indiquez un nombre entier"),
        ({"on_site_capacity": "0"}, "déjà inscrites sur place"),
    ],
)
def test_settings_refuse_bad_values_and_change_nothing(orga_client, reg, people, changes, message):
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/settings", data=_settings_form(**changes))
    assert response.status_code == 422
    assert message in page_text(response)
    db.session.expire_all()
    assert db.session.get(RegistrationSettings, reg.event.id).offer_hours == 48


# --- the list ----------------------------------------------------------------------------------------


def _names(response) -> set[str]:
    text = page_text(response)
    return {name for name in ("Anne", "Bruno", "Chloe") if f">{name}</a>" in text}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Anne", "Bruno", "Chloe"}),
        ("?attendance=online", {"Bruno"}),
        ("?structure_type=epn", {"Anne"}),
        ("?department=33", {"Bruno"}),
        ("?q=ccas", {"Bruno"}),
        ("?q=CHLOE%40", {"Chloe"}),
        ("?state=cancelled", set()),
        ("?state=nonsense&department=%3Cb%3E&page=-4", {"Anne", "Bruno", "Chloe"}),
    ],
)
def test_the_list_filters_people(orga_client, reg, people, query, expected):
    response = orga_client.get(f"/{reg.event.slug}/manage/registrations{query}")
    assert response.status_code == 200
    assert _names(response) == expected


def test_the_list_filters_by_workshop_including_its_waiting_list(orga_client, reg, people):
    response = orga_client.get(f"/{reg.event.slug}/manage/registrations?session={reg.a.id}")
    assert _names(response) == {"Anne", "Bruno", "Chloe"}
    assert "Liste d'attente" in page_text(response)
    assert _names(orga_client.get(f"/{reg.event.slug}/manage/registrations?session={reg.c.id}")) == set()


def test_the_list_pages_by_fifty(orga_client, reg, count_queries):
    db.session.add_all(
        Registration(event_id=reg.event.id, email=f"p{n:03}@example.org", full_name=f"Personne {n:03}",
                     state=RegistrationState.confirmed)
        for n in range(120)
    )  # fmt: skip
    db.session.commit()
    with count_queries() as counter:
        first = page_text(orga_client.get(f"/{reg.event.slug}/manage/registrations"))
    assert "Personne 000" in first and "Personne 050" not in first and "Page 1 sur 3" in first
    assert counter.count < 25
    third = page_text(orga_client.get(f"/{reg.event.slug}/manage/registrations?page=3"))
    assert "Personne 119" in third and "Personne 099" not in third and "Page suivante" not in third
    assert "Page 3 sur 3" in page_text(orga_client.get(f"/{reg.event.slug}/manage/registrations?page=99"))


# --- adding, cancelling, moving -------------------------------------------------------------------------


def test_adding_a_person_confirms_at_once_and_mails_them(orga_client, reg):
    data = {"full_name": "Denise Durand", "email": "Denise@Example.org", "structure_type": "library",
            "postcode": "16300", "attendance": "on_site"}  # fmt: skip
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/new", data=data)
    assert response.status_code == 302
    denise = db.session.scalar(sa.select(Registration).where(Registration.email == "denise@example.org"))
    assert denise.state == RegistrationState.confirmed and denise.department == "16"
    assert db.session.get(RegistrationSettings, reg.event.id).on_site_taken == 1
    assert db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == "denise@example.org"))


def test_adding_an_address_already_registered_says_so_and_changes_nothing(orga_client, reg, people):
    data = {"full_name": "Anne Bis", "email": "anne@example.org", "structure_type": "other", "attendance": "on_site"}
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/new", data=data)
    assert response.status_code == 422
    assert "Cette adresse est déjà inscrite." in page_text(response)
    db.session.expire_all()
    assert db.session.get(Registration, people["anne"].id).full_name == "Anne"


def test_adding_beyond_the_capacity_is_refused(orga_client, reg, people):
    db.session.get(RegistrationSettings, reg.event.id).on_site_capacity = 2
    db.session.commit()
    data = {"full_name": "Eve", "email": "eve@example.org", "structure_type": "other", "attendance": "on_site"}
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/new", data=data)
    assert response.status_code == 422 and "augmentez la capacité" in page_text(response)
    assert db.session.scalar(sa.select(Registration).where(Registration.email == "eve@example.org")) is None


def test_cancelling_frees_the_seat_and_offers_it_to_the_waiting_list(orga_client, reg, people):
    page = page_text(orga_client.get(f"/{reg.event.slug}/manage/registrations/{people['anne'].id}/cancel"))
    assert "Atelier A" in page
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/{people['anne'].id}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, people["anne"].id).state == RegistrationState.cancelled
    chloe_seat = db.session.scalar(sa.select(Seat).where(Seat.registration_id == people["chloe"].id))
    assert chloe_seat.state == SeatState.offered
    again = orga_client.post(f"/{reg.event.slug}/manage/registrations/{people['anne'].id}/cancel")
    assert again.status_code == 302  # a second click changes nothing and is no error


def test_moving_a_seat_frees_the_old_one_for_the_waiting_list(orga_client, reg, people):
    data = {"from_session": str(reg.a.id), "to_session": str(reg.c.id)}
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/{people['anne'].id}/seat", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    states = dict(
        db.session.execute(sa.select(Seat.session_id, Seat.state).where(Seat.registration_id == people["anne"].id))
        .tuples()
        .all()
    )
    assert states == {reg.a.id: SeatState.cancelled, reg.c.id: SeatState.booked}
    chloe_seat = db.session.scalar(sa.select(Seat).where(Seat.registration_id == people["chloe"].id))
    assert chloe_seat.state == SeatState.offered


def test_giving_a_seat_in_a_full_workshop_puts_the_person_on_its_waiting_list(orga_client, reg, people, client):
    from tests.registrations.helpers import participant

    dan = participant(reg, "dan@example.org")
    response = orga_client.post(
        f"/{reg.event.slug}/manage/registrations/{dan.id}/seat", data={"to_session": str(reg.a.id)}
    )
    assert response.status_code == 302
    assert "liste d'attente" in page_text(orga_client.get(response.headers["Location"]))
    seat = db.session.scalar(sa.select(Seat).where(Seat.registration_id == dan.id))
    assert seat.state == SeatState.waiting


def test_a_seat_in_an_unknown_or_unlimited_session_is_refused(orga_client, reg, people):
    url = f"/{reg.event.slug}/manage/registrations/{people['anne'].id}/seat"
    for data in (
        {"to_session": str(reg.table.id)},
        {"to_session": "nope"},
        {"from_session": "999", "to_session": str(reg.c.id)},
    ):
        response = orga_client.post(url, data=data)
        assert response.status_code == 302
        assert "Choisissez un atelier" in page_text(orga_client.get(response.headers["Location"]))
    assert db.session.scalar(sa.select(sa.func.count(Seat.id)).where(Seat.session_id == reg.c.id)) == 0


def test_overlapping_workshop_is_refused_with_its_name(orga_client, reg, people):
    response = orga_client.post(
        f"/{reg.event.slug}/manage/registrations/{people['anne'].id}/seat", data={"to_session": str(reg.b.id)}
    )
    assert "Atelier A" in page_text(orga_client.get(response.headers["Location"]))
    assert db.session.scalar(sa.select(sa.func.count(Seat.id)).where(Seat.session_id == reg.b.id)) == 0


def test_changing_attendance_moves_the_count(orga_client, reg, people):
    url = f"/{reg.event.slug}/manage/registrations/{people['anne'].id}/attendance"
    assert orga_client.post(url, data={"attendance": "online"}).status_code == 302
    db.session.expire_all()
    settings = db.session.get(RegistrationSettings, reg.event.id)
    assert db.session.get(Registration, people["anne"].id).attendance == Attendance.online
    assert (settings.on_site_taken, settings.online_taken) == (1, 2)
    orga_client.post(url, data={"attendance": "by-pigeon"})
    db.session.expire_all()
    assert db.session.get(Registration, people["anne"].id).attendance == Attendance.online


def test_the_participant_page_shows_seats_and_waiting_position(orga_client, reg, people):
    page = page_text(orga_client.get(f"/{reg.event.slug}/manage/registrations/{people['chloe'].id}"))
    assert "Atelier A" in page and "position 1" in page


def test_the_workshops_page_lists_holders_and_the_waiting_list_in_order(orga_client, reg, people):
    page = page_text(orga_client.get(f"/{reg.event.slug}/manage/registrations/workshops"))
    assert "2 place(s) prise(s) sur 2" in page and "1 personne en attente" in page
    assert page.index("Anne") < page.index("Liste d'attente") < page.index("Chloe")


# --- writing to participants ---------------------------------------------------------------------------


def _messages(subject: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.subject == subject)))


def test_writing_to_a_workshop_queues_one_mail_per_seat_holder(orga_client, reg, people):
    data = {"audience": f"session-{reg.a.id}", "subject": "Salle", "body": "L'atelier a lieu salle 2."}
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/message", data=data)
    assert response.status_code == 302
    assert sorted(m.to_address for m in _messages("Salle")) == ["anne@example.org", "bruno@example.org"]
    assert "salle 2" in _messages("Salle")[0].body_text


def test_writing_to_a_workshop_may_include_its_waiting_list(orga_client, reg, people):
    data = {"audience": f"session-{reg.a.id}", "include_waiting": "y", "subject": "Salle", "body": "Salle 2."}
    orga_client.post(f"/{reg.event.slug}/manage/registrations/message", data=data)
    assert len(_messages("Salle")) == 3


def test_writing_to_those_online_reaches_only_them(orga_client, reg, people):
    data = {"audience": "online", "subject": "Salle", "body": "Le lien arrive."}
    orga_client.post(f"/{reg.event.slug}/manage/registrations/message", data=data)
    assert [m.to_address for m in _messages("Salle")] == ["bruno@example.org"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"audience": "all", "subject": "", "body": "x"}, "Écrivez l'objet du message."),
        ({"audience": "session-999", "subject": "Salle", "body": "x"}, "Choisissez des destinataires"),
        ({"audience": "everybody-on-earth", "subject": "Salle", "body": "x"}, "Choisissez des destinataires"),
    ],
)
def test_a_message_with_a_mistake_is_not_sent(orga_client, reg, people, data, message):
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/message", data=data)
    assert response.status_code == 422 and message in page_text(response)
    assert _messages("Salle") == []


def test_a_message_to_nobody_says_so(orga_client, reg, people):
    data = {"audience": f"session-{reg.c.id}", "subject": "Salle", "body": "x"}
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/message", data=data)
    assert response.status_code == 422 and "Personne ne recevrait ce message" in page_text(response)


def test_a_new_personal_link_revokes_the_old_ones_and_is_mailed(orga_client, reg, people):
    from nec.core.tokens import InvalidLink
    from nec.registrations import services

    anne = people["anne"]
    old = services.personal_token(anne)
    response = orga_client.post(f"/{reg.event.slug}/manage/registrations/{anne.id}/link")
    assert response.status_code == 302
    db.session.expire_all()
    with pytest.raises(InvalidLink):
        services.registration_from_token(reg.event, old)
    mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == "anne@example.org")).all()
    assert any(services.personal_token(db.session.get(Registration, anne.id)) in m.body_text for m in mails)
