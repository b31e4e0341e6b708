"""Creating an event and editing it: who may, what gets created, and every refusal changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from nec.accounts.models import EventRole, EventRoleKind
from nec.core.models import AuditLogEntry
from nec.core.time import localize
from nec.events import services
from nec.events.models import Event, EventDay, FormatKind, SessionFormat
from nec.programme.models import ScheduleVersion, Slot
from tests.support.web import log_in, page_text

START = date.today() + timedelta(days=60)


def form_data(**overrides) -> dict:
    data = {
        "title": "NEC des Deux-Sèvres",
        "slug": "nec-deux-sevres",
        "tagline": "Le rendez-vous de la médiation numérique",
        "description": "Deux jours d'échanges.",
        "start_date": START.isoformat(),
        "end_date": (START + timedelta(days=1)).isoformat(),
        "timezone": "Europe/Paris",
        "format": "hybrid",
        "venue_name": "Centre social",
        "venue_address": "1 rue de la Gare, 79000 Niort",
        "organiser_name": "Hub du Poitou",
        "contact_email": "Contact@Hub.example.org",
        "website": "https://hub.example.org",
        "is_published": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- creation ---------------------------------------------------------------------------------


def test_create_event_by_admin_creates_days_formats_and_role(db, client, make_user):
    admin = make_user("admin@example.org", is_admin=True)
    log_in(client, admin)
    assert client.get("/manage/events/new").status_code == 200

    response = client.post("/manage/events/new", data=form_data())

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/nec-deux-sevres/manage/")
    event = services.get_event_by_slug("nec-deux-sevres")
    assert event.title == "NEC des Deux-Sèvres"
    assert event.format.value == "hybrid"
    assert event.contact_email == "contact@hub.example.org"
    assert event.is_published is True
    days = services.list_days(event)
    assert [d.date for d in days] == [START, START + timedelta(days=1)]
    assert all((d.opens_at, d.closes_at) == (time(9, 0), time(17, 30)) for d in days)
    assert all((d.lunch_start, d.lunch_end) == (time(12, 30), time(14, 0)) for d in days)
    formats = {(f.kind, f.name, f.default_duration) for f in services.list_formats(event)}
    assert formats == {
        (FormatKind.round_table, "Table ronde", 75),
        (FormatKind.workshop, "Atelier", 120),
        (FormatKind.talk, "Intervention", 30),
        (FormatKind.plenary, "Plénière", 60),
    }
    role = db.session.scalar(sa.select(EventRole).where(EventRole.event_id == event.id))
    assert (role.user_id, role.role) == (admin.id, EventRoleKind.organiser)
    assert db.session.scalar(sa.select(AuditLogEntry.action).where(AuditLogEntry.event_id == event.id)) == (
        "event.created"
    )
    follow = client.get(response.headers["Location"])
    assert "L'événement est créé" in page_text(follow)


def test_create_event_by_an_existing_organiser_is_allowed(db, client, organiser, event):
    log_in(client, organiser)
    response = client.post("/manage/events/new", data=form_data())
    assert response.status_code == 302
    assert services.get_event_by_slug("nec-deux-sevres") is not None


@pytest.mark.parametrize("who", ["stranger", "reviewer"])
def test_create_event_is_forbidden_to_others(db, client, who, request):
    log_in(client, request.getfixturevalue(who))
    before = count(db, Event)
    assert client.get("/manage/events/new").status_code == 403
    assert client.post("/manage/events/new", data=form_data()).status_code == 403
    assert count(db, Event) == before


def test_create_event_sends_anonymous_to_login(db, client):
    response = client.post("/manage/events/new", data=form_data())
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert count(db, Event) == 0


def test_create_event_without_slug_proposes_one_from_the_title(db, client, organiser, event):
    log_in(client, organiser)
    response = client.post("/manage/events/new", data=form_data(title="NEC Sud Charente", slug=""))
    assert response.status_code == 302
    # "nec-sud-charente" is taken by the fixture: the next free one is proposed.
    assert services.get_event_by_slug("nec-sud-charente-2") is not None


def test_propose_slug_strips_accents_and_avoids_reserved_names(app, event):
    assert services.propose_slug("Numérique en Communs : Été 2025 !") == "numerique-en-communs-ete-2025"
    assert services.propose_slug("Manage") == "manage-nec"
    assert services.propose_slug("NEC Sud Charente") == "nec-sud-charente-2"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "manage"}, "est réservée par le site"),
        ({"slug": "library"}, "est réservée par le site"),
        ({"slug": "nec-sud-charente"}, "déjà utilisée par un autre événement"),
        ({"slug": "été-2025"}, "lettres minuscules sans accent"),
        ({"slug": "Avec Espaces"}, "lettres minuscules sans accent"),
        ({"title": ""}, "Indiquez le titre de l'événement."),
        ({"end_date": (START - timedelta(days=1)).isoformat()}, "La date de fin doit être"),
        ({"end_date": (START + timedelta(days=400)).isoformat()}, "Un événement dure au plus 31 jours"),
        ({"start_date": "31/02/2025"}, "Indiquez une date valide"),
        ({"timezone": "Europe/Niort"}, "Ce fuseau horaire n'est pas reconnu"),
        ({"contact_email": "pas-une-adresse"}, "Indiquez une adresse e-mail valide"),
        ({"website": "hub"}, "Indiquez une adresse web complète"),
    ],
)
def test_create_event_invalid_changes_nothing_and_says_why(db, client, organiser, event, overrides, message):
    log_in(client, organiser)
    before = {model: count(db, model) for model in (Event, EventDay, SessionFormat, EventRole, AuditLogEntry)}
    response = client.post("/manage/events/new", data=form_data(**overrides))
    assert response.status_code == 200
    html = page_text(response)
    assert message in html
    assert "Rien n'a été enregistré" in html
    assert {model: count(db, model) for model in before} == before


# --- edition ------------------------------------------------------------------------------------


def edit_data(event, **overrides) -> dict:
    base = form_data(
        title=event.title,
        slug=event.slug,
        start_date=event.start_date.isoformat(),
        end_date=event.end_date.isoformat(),
    )
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def test_edit_event_saves_and_logs(db, as_organiser, event):
    response = as_organiser.post(f"/{event.slug}/manage/event", data=edit_data(event, title="NEC Sud Charente 2025"))
    assert response.status_code == 302
    db.session.expire_all()
    assert event.title == "NEC Sud Charente 2025"
    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "event.updated"))
    assert "title" in entry.data["fields"]


def test_edit_event_form_is_filled_with_the_event(as_organiser, event):
    html = page_text(as_organiser.get(f"/{event.slug}/manage/event"))
    assert 'value="nec-sud-charente"' in html
    assert 'value="NEC Sud Charente"' in html
    assert 'type="date"' in html


def test_edit_event_later_end_date_adds_days_with_default_hours(db, as_organiser, event):
    new_end = event.end_date + timedelta(days=2)
    response = as_organiser.post(f"/{event.slug}/manage/event", data=edit_data(event, end_date=new_end.isoformat()))
    assert response.status_code == 302
    db.session.expire_all()
    days = services.list_days(event)
    assert [d.date for d in days] == [event.start_date + timedelta(days=i) for i in range(4)]
    assert (days[-1].opens_at, days[-1].lunch_start) == (time(9, 0), time(12, 30))


def test_edit_event_shorter_dates_remove_empty_days(db, as_organiser, event):
    response = as_organiser.post(
        f"/{event.slug}/manage/event", data=edit_data(event, end_date=event.start_date.isoformat())
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [d.date for d in services.list_days(event)] == [event.start_date]


def test_edit_event_refuses_to_remove_a_day_with_slots(db, as_organiser, event):
    last_day = event.end_date
    version = ScheduleVersion(event=event)
    db.session.add(version)
    db.session.add(
        Slot(
            version=version,
            title="Pause café",
            starts_at=localize(last_day, time(10, 0), event.timezone),
            ends_at=localize(last_day, time(10, 30), event.timezone),
        )
    )
    db.session.commit()
    before = count(db, EventDay)

    response = as_organiser.post(
        f"/{event.slug}/manage/event", data=edit_data(event, end_date=event.start_date.isoformat())
    )

    assert response.status_code == 200
    assert "Des créneaux du programme sont placés le" in page_text(response)
    db.session.expire_all()
    assert count(db, EventDay) == before
    assert event.end_date == last_day


def test_edit_event_reads_slot_days_in_the_event_time_zone(db, as_organiser, event):
    # 23:30 UTC the day before the last day is already the last day in Paris: that day must stay.
    version = ScheduleVersion(event=event)
    db.session.add(version)
    starts = datetime.combine(event.end_date - timedelta(days=1), time(23, 30), tzinfo=UTC)
    db.session.add(Slot(version=version, title="Veillée", starts_at=starts, ends_at=starts + timedelta(hours=1)))
    db.session.commit()
    response = as_organiser.post(
        f"/{event.slug}/manage/event", data=edit_data(event, end_date=event.start_date.isoformat())
    )
    assert response.status_code == 200
    assert "Des créneaux du programme sont placés le" in page_text(response)


def test_edit_event_new_slug_moves_the_pages(db, as_organiser, event):
    response = as_organiser.post(f"/{event.slug}/manage/event", data=edit_data(event, slug="nec-charente-2025"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/nec-charente-2025/manage/event")
    assert as_organiser.get("/nec-charente-2025/manage/").status_code == 200
    assert as_organiser.get("/nec-sud-charente/").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "admin"}, "est réservée par le site"),
        ({"slug": "autre-nec"}, "déjà utilisée par un autre événement"),
        ({"slug": "événement"}, "lettres minuscules sans accent"),
        ({"title": "   "}, "Indiquez le titre"),
        ({"timezone": "Paris"}, "Ce fuseau horaire n'est pas reconnu"),
    ],
)
def test_edit_event_invalid_changes_nothing(db, as_organiser, event, make_event, overrides, message):
    make_event("autre-nec")
    response = as_organiser.post(f"/{event.slug}/manage/event", data=edit_data(event, **overrides))
    assert response.status_code == 200
    assert message in page_text(response)
    db.session.expire_all()
    assert (event.slug, event.title, event.timezone) == ("nec-sud-charente", "NEC Sud Charente", "Europe/Paris")
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditLogEntry.action == "event.updated")) == 0


def test_index_offers_creation_and_unpublished_events_to_their_organiser(db, client, organiser, event, stranger):
    event.is_published = False
    db.session.commit()
    log_in(client, stranger)
    html = page_text(client.get("/"))
    assert "/manage/events/new" not in html
    assert "NEC Sud Charente" not in html
    log_in(client, organiser)
    html = page_text(client.get("/"))
    assert "/manage/events/new" in html
    assert f"/{event.slug}/manage/" in html


@pytest.mark.parametrize("path", ["/nec%00charente/", "/nec%01charente/programme/", "/api/v1/events/nec%00charente"])
def test_an_event_address_with_a_control_character_is_not_found(client, event, path):
    """PostgreSQL refuses a NUL in a query: the address is simply unknown (it was a 500 on PostgreSQL)."""
    response = client.get(path)

    assert response.status_code == 404
