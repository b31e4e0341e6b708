"""Days, rooms, themes and session formats: edits, refusals with a French message, order, audit log."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from nec.accounts.models import User
from nec.core.models import AuditLogEntry
from nec.events import services
from nec.events.models import Event, EventDay, Room, RoomKind, SessionFormat, Theme
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import Session
from tests.support.web import page_text


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def actions(db) -> list[str]:
    return list(db.session.scalars(sa.select(AuditLogEntry.action).order_by(AuditLogEntry.id)))


# --- days ---------------------------------------------------------------------------------------------


def test_days_list_shows_each_day_with_its_hours(as_organiser, event):
    html = page_text(as_organiser.get(f"/{event.slug}/manage/days"))
    assert html.count("09h00") == 2
    assert "de 12h30 à 14h00" in html


def test_edit_day_saves_hours_and_lunch(db, as_organiser, event):
    day = services.list_days(event)[0]
    response = as_organiser.post(
        f"/{event.slug}/manage/days/{day.id}",
        data={"opens_at": "08:30", "closes_at": "18:00", "lunch_start": "", "lunch_end": ""},
    )
    assert response.status_code == 302
    assert "Les horaires du jour sont enregistrés" in as_organiser.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.expire_all()
    assert (day.opens_at, day.closes_at, day.lunch_start, day.lunch_end) == (time(8, 30), time(18, 0), None, None)
    assert actions(db)[-1] == "event_day.updated"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"opens_at": "18:00", "closes_at": "09:00"}, "L'heure de fermeture doit être après"),
        ({"opens_at": "09:00", "closes_at": "09:00"}, "L'heure de fermeture doit être après"),
        ({"lunch_start": "08:00", "lunch_end": "09:30"}, "La pause déjeuner doit se tenir entre"),
        ({"lunch_start": "17:00", "lunch_end": "18:00"}, "La pause déjeuner doit se tenir entre"),
        ({"lunch_start": "13:00", "lunch_end": "12:00"}, "La fin de la pause déjeuner doit être après"),
        ({"lunch_start": "12:00", "lunch_end": ""}, "Indiquez le début et la fin de la pause"),
        ({"opens_at": "9h"}, "Indiquez une heure valide"),
        ({"closes_at": ""}, "Indiquez l'heure de fermeture"),
    ],
)
def test_edit_day_invalid_changes_nothing(db, as_organiser, event, data, message):
    day = services.list_days(event)[0]
    full = {"opens_at": "09:00", "closes_at": "17:30", "lunch_start": "12:30", "lunch_end": "14:00", **data}
    response = as_organiser.post(f"/{event.slug}/manage/days/{day.id}", data=full)
    assert response.status_code == 200
    assert message in page_text(response)
    db.session.expire_all()
    assert (day.opens_at, day.closes_at, day.lunch_start, day.lunch_end) == (
        time(9, 0),
        time(17, 30),
        time(12, 30),
        time(14, 0),
    )
    assert "event_day.updated" not in actions(db)


def test_update_day_service_refuses_what_the_database_would_refuse(db, event, organiser):
    day = services.list_days(event)[0]
    with pytest.raises(services.SetupError) as refused:
        services.update_day(day, organiser, opens_at=time(9), closes_at=time(8), lunch_start=None, lunch_end=None)
    assert refused.value.field == "closes_at"
    assert day.closes_at == time(17, 30)


# --- rooms ------------------------------------------------------------------------------------------


def test_add_room_creates_it_at_the_end_and_logs(db, as_organiser, event, organiser):
    services.add_room(event, organiser, name="Grande salle")
    db.session.commit()
    response = as_organiser.post(
        f"/{event.slug}/manage/rooms",
        data={"name": " Salle Jitsi 1 ", "kind": "virtual", "capacity": "", "accessibility_notes": "Sous-titrage"},
    )
    assert response.status_code == 302
    html = page_text(as_organiser.get(response.headers["Location"]))
    assert "La salle « Salle Jitsi 1 » est ajoutée." in html
    rooms = services.list_rooms(event)
    assert [r.name for r in rooms] == ["Grande salle", "Salle Jitsi 1"]
    assert (rooms[1].kind, rooms[1].capacity, rooms[1].accessibility_notes) == (RoomKind.virtual, None, "Sous-titrage")
    assert actions(db)[-1] == "room.created"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "grande salle"}, "Une salle s'appelle déjà « grande salle »"),
        ({"name": ""}, "Indiquez un nom."),
        ({"name": "x" * 121}, "Le nom ne doit pas dépasser 120 caractères."),
        ({"capacity": "0"}, "Indiquez un nombre de places supérieur à zéro."),
        ({"capacity": "trente"}, "Indiquez un nombre entier"),
        ({"kind": "cave"}, "Salle A"),
    ],
)
def test_add_room_invalid_changes_nothing(db, as_organiser, event, organiser, data, message):
    services.add_room(event, organiser, name="Grande salle")
    db.session.commit()
    before = (count(db, Room), count(db, AuditLogEntry))
    response = as_organiser.post(
        f"/{event.slug}/manage/rooms", data={"name": "Salle A", "kind": "physical", "capacity": "30", **data}
    )
    assert response.status_code == 200
    html = page_text(response)
    assert message in html
    assert "Rien n'a été enregistré" in html
    assert (count(db, Room), count(db, AuditLogEntry)) == before


def test_edit_room_saves_and_keeps_its_own_name_allowed(db, as_organiser, event, organiser):
    room = services.add_room(event, organiser, name="Salle A", capacity=20)
    db.session.commit()
    response = as_organiser.post(
        f"/{event.slug}/manage/rooms/{room.id}",
        data={"name": "Salle A", "kind": "physical", "capacity": "45", "accessibility_notes": "Rampe d'accès"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (room.capacity, room.accessibility_notes) == (45, "Rampe d'accès")


def test_edit_room_to_a_taken_name_changes_nothing(db, as_organiser, event, organiser):
    services.add_room(event, organiser, name="Salle A")
    room = services.add_room(event, organiser, name="Salle B")
    db.session.commit()
    response = as_organiser.post(f"/{event.slug}/manage/rooms/{room.id}", data={"name": "Salle A", "kind": "physical"})
    assert response.status_code == 200
    assert "Une salle s'appelle déjà « Salle A »" in page_text(response)
    db.session.expire_all()
    assert room.name == "Salle B"


def test_delete_room_asks_then_deletes(db, as_organiser, event, organiser):
    room = services.add_room(event, organiser, name="Salle A")
    db.session.commit()
    page = page_text(as_organiser.get(f"/{event.slug}/manage/rooms/{room.id}/delete"))
    assert "Supprimer la salle « Salle A » ?" in page
    assert count(db, Room) == 1
    response = as_organiser.post(f"/{event.slug}/manage/rooms/{room.id}/delete")
    assert response.status_code == 302
    assert "La salle « Salle A » est supprimée." in as_organiser.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert count(db, Room) == 0
    assert actions(db)[-1] == "room.deleted"


def test_delete_room_used_by_a_slot_is_refused(db, as_organiser, event, organiser):
    room = services.add_room(event, organiser, name="Salle A")
    version = ScheduleVersion(event=event)
    day = services.list_days(event)[0]
    from nec.core.time import localize

    db.session.add(
        Slot(
            version=version,
            room=room,
            title="Accueil",
            starts_at=localize(day.date, time(9), event.timezone),
            ends_at=localize(day.date, time(9, 30), event.timezone),
        )
    )
    db.session.commit()
    response = as_organiser.post(f"/{event.slug}/manage/rooms/{room.id}/delete")
    assert response.status_code == 302
    html = page_text(as_organiser.get(response.headers["Location"]))
    assert "La salle « Salle A » est utilisée par 1 créneau(x) du programme" in html
    assert count(db, Room) == 1
    assert "room.deleted" not in actions(db)


def test_move_room_up_and_down_reorders(db, as_organiser, event, organiser):
    for name in ("A", "B", "C"):
        services.add_room(event, organiser, name=name)
    db.session.commit()
    b = services.list_rooms(event)[1]
    assert as_organiser.post(f"/{event.slug}/manage/rooms/{b.id}/move", data={"direction": "up"}).status_code == 302
    db.session.expire_all()
    assert [r.name for r in services.list_rooms(event)] == ["B", "A", "C"]
    as_organiser.post(f"/{event.slug}/manage/rooms/{b.id}/move", data={"direction": "down"})
    as_organiser.post(f"/{event.slug}/manage/rooms/{b.id}/move", data={"direction": "down"})
    db.session.expire_all()
    assert [r.name for r in services.list_rooms(event)] == ["A", "C", "B"]
    # At the end, or with a strange direction: nothing moves.
    as_organiser.post(f"/{event.slug}/manage/rooms/{b.id}/move", data={"direction": "down"})
    as_organiser.post(f"/{event.slug}/manage/rooms/{b.id}/move", data={"direction": "sideways"})
    db.session.expire_all()
    assert [r.name for r in services.list_rooms(event)] == ["A", "C", "B"]
    assert actions(db).count("room.moved") == 3


def test_rooms_list_has_move_buttons_only_where_they_can_move(db, as_organiser, event, organiser):
    for name in ("A", "B"):
        services.add_room(event, organiser, name=name)
    db.session.commit()
    html = page_text(as_organiser.get(f"/{event.slug}/manage/rooms"))
    assert html.count('name="direction" value="up"') == 1
    assert html.count('name="direction" value="down"') == 1


def test_move_room_only_accepts_post(db, as_organiser, event, organiser):
    room = services.add_room(event, organiser, name="A")
    db.session.commit()
    assert as_organiser.get(f"/{event.slug}/manage/rooms/{room.id}/move").status_code == 405


# --- themes ---------------------------------------------------------------------------------------


def test_add_theme_with_a_colour(db, as_organiser, event):
    response = as_organiser.post(
        f"/{event.slug}/manage/themes",
        data={"name": "Financements", "description": "Trouver des fonds", "colour": "#AA3300"},
    )
    assert response.status_code == 302
    theme = services.list_themes(event)[0]
    assert (theme.name, theme.colour) == ("Financements", "#aa3300")
    assert actions(db)[-1] == "theme.created"
    assert 'type="color"' in page_text(as_organiser.get(f"/{event.slug}/manage/themes"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"colour": "rouge"}, "Choisissez une couleur (au format #1f5f8b)."),
        ({"colour": "#12345"}, "Choisissez une couleur (au format #1f5f8b)."),
        ({"name": "FINANCEMENTS"}, "Un thème s'appelle déjà « FINANCEMENTS »"),
        ({"name": ""}, "Indiquez un nom."),
    ],
)
def test_add_theme_invalid_changes_nothing(db, as_organiser, event, organiser, data, message):
    services.add_theme(event, organiser, name="Financements")
    db.session.commit()
    before = count(db, Theme)
    response = as_organiser.post(
        f"/{event.slug}/manage/themes", data={"name": "Inclusion", "colour": "#123456", **data}
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert count(db, Theme) == before


def test_edit_theme_saves(db, as_organiser, event, organiser):
    theme = services.add_theme(event, organiser, name="Financements")
    db.session.commit()
    response = as_organiser.post(
        f"/{event.slug}/manage/themes/{theme.id}", data={"name": "Financer son projet", "colour": "#00ff00"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (theme.name, theme.colour) == ("Financer son projet", "#00ff00")


def test_delete_theme_keeps_its_sessions_without_theme(db, as_organiser, event, organiser):
    theme = services.add_theme(event, organiser, name="Financements")
    session = Session(
        event=event, format=services.list_formats(event)[0], theme=theme, title="Trouver des fonds", duration=75
    )
    db.session.add(session)
    db.session.commit()
    response = as_organiser.post(f"/{event.slug}/manage/themes/{theme.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert count(db, Theme) == 0
    assert session.theme_id is None
    assert count(db, Session) == 1


def test_move_theme_reorders(db, as_organiser, event, organiser):
    for name in ("A", "B"):
        services.add_theme(event, organiser, name=name)
    db.session.commit()
    b = services.list_themes(event)[1]
    as_organiser.post(f"/{event.slug}/manage/themes/{b.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [t.name for t in services.list_themes(event)] == ["B", "A"]


# --- formats --------------------------------------------------------------------------------------


def test_add_format(db, as_organiser, event):
    response = as_organiser.post(
        f"/{event.slug}/manage/formats",
        data={"kind": "workshop", "name": "Atelier court", "description": "Une heure", "default_duration": "60"},
    )
    assert response.status_code == 302
    fmt = db.session.scalar(sa.select(SessionFormat).where(SessionFormat.name == "Atelier court"))
    assert (fmt.kind.value, fmt.default_duration, fmt.event_id) == ("workshop", 60, event.id)
    assert actions(db)[-1] == "session_format.created"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"default_duration": "0"}, "La durée doit être un nombre de minutes entre 1 et 600."),
        ({"default_duration": "601"}, "La durée doit être un nombre de minutes entre 1 et 600."),
        ({"default_duration": ""}, "Indiquez la durée en minutes."),
        ({"default_duration": "1h30"}, "Indiquez un nombre entier"),
        ({"name": "atelier"}, "Un format s'appelle déjà « atelier »"),
    ],
)
def test_add_format_invalid_changes_nothing(db, as_organiser, event, data, message):
    before = count(db, SessionFormat)
    response = as_organiser.post(
        f"/{event.slug}/manage/formats",
        data={"kind": "workshop", "name": "Atelier court", "default_duration": "60", **data},
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert count(db, SessionFormat) == before


def test_edit_format_saves(db, as_organiser, event):
    fmt = services.list_formats(event)[0]
    response = as_organiser.post(
        f"/{event.slug}/manage/formats/{fmt.id}",
        data={"kind": fmt.kind.value, "name": fmt.name, "default_duration": "90"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert fmt.default_duration == 90


def test_delete_format_unused_works(db, as_organiser, event):
    fmt = services.list_formats(event)[0]
    response = as_organiser.post(f"/{event.slug}/manage/formats/{fmt.id}/delete")
    assert response.status_code == 302
    assert count(db, SessionFormat) == 3
    assert actions(db)[-1] == "session_format.deleted"


def test_delete_format_used_by_a_session_is_refused(db, as_organiser, event):
    fmt = services.list_formats(event)[0]
    db.session.add(Session(event=event, format=fmt, title="La médiation demain", duration=75))
    db.session.commit()
    response = as_organiser.post(f"/{event.slug}/manage/formats/{fmt.id}/delete")
    assert response.status_code == 302
    html = page_text(as_organiser.get(response.headers["Location"]))
    assert f"Le format « {fmt.name} » est utilisé par 1 session(s)" in html
    assert count(db, SessionFormat) == 4


# --- queries --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["/{ev}/manage/", "/{ev}/manage/rooms", "/{ev}/manage/themes", "/{ev}/manage/formats", "/{ev}/manage/days"]
)
def test_manage_pages_run_a_bounded_number_of_queries(db, as_organiser, event, organiser, count_queries, page):
    url = page.format(ev=event.slug)

    def measure() -> int:
        db.session.expunge_all()
        with count_queries() as counter:
            assert as_organiser.get(url).status_code == 200
        return counter.count

    few = measure()
    event, organiser = db.session.get(Event, event.id), db.session.get(User, organiser.id)
    for i in range(12):
        services.add_room(event, organiser, name=f"Salle {i}")
        services.add_theme(event, organiser, name=f"Thème {i}")
        services.add_format(event, organiser, kind="talk", name=f"Format {i}", default_duration=20)
    services.update_event(event, organiser, end_date=event.start_date + timedelta(days=10))
    db.session.commit()
    many = measure()
    assert many == few
    # The dashboard also reads what each module says needs doing (tests/events/test_dashboard_views.py).
    assert many <= (30 if page == "/{ev}/manage/" else 8)


def test_event_day_check_constraint_is_real(db, event):
    """The database refuses what the services refuse, whatever the code path."""
    day = services.list_days(event)[0]
    day.closes_at = time(8, 0)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert count(db, EventDay) == 2


def test_add_room_racing_another_save_is_refused_not_a_500(db, as_organiser, event):
    """Another person adds the same room between our check and our insert: a French message, no 500."""
    raced = []

    def other_person_saves_first(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO ROOMS") and not raced:
            raced.append(True)
            with db.engine.begin() as other:
                other.execute(Room.__table__.insert().values(event_id=event.id, name="Salle A", kind="physical"))

    sa.event.listen(db.engine, "before_cursor_execute", other_person_saves_first)
    try:
        response = as_organiser.post(f"/{event.slug}/manage/rooms", data={"name": "Salle A", "kind": "physical"})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", other_person_saves_first)

    assert raced
    assert response.status_code == 200
    assert "entre en conflit avec une autre faite au même moment" in page_text(response)
    db.session.expire_all()
    assert count(db, Room) == 1
    assert "room.created" not in actions(db)


def test_room_step_free_access_is_recorded(db, as_organiser, event):
    client = as_organiser
    response = client.post(
        f"/{event.slug}/manage/rooms",
        data={"name": "Salle à l'étage", "kind": "physical", "capacity": "30", "accessibility_notes": "Sans ascenseur"},
    )
    assert response.status_code == 302
    room = db.session.scalar(sa.select(Room).where(Room.name == "Salle à l'étage"))
    assert room.is_accessible is False  # the box was left unticked
    page = client.get(f"/{event.slug}/manage/rooms").get_data(as_text=True)
    assert "Non accessible en fauteuil" in page
