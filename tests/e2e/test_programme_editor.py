"""Issue 5's "done when", in a real browser: the organiser moves a session by drag and drop, sees the
warning for a speaker booked twice, moves it again with the lists (no dragging, keyboard only),
publishes, and finds the change in the public changelog and in schedule.ics."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nec.core.time import localize, to_local
from nec.events.models import Event, FormatKind
from nec.extensions import db
from nec.programme.editor import services as editor
from nec.proposals.models import InvitationState, SessionState
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

EVENT = "nec-sud-charente"
EDITOR = f"/{EVENT}/manage/programme/"


@dataclass(frozen=True)
class Plan:
    """What the test does, chosen from the demo's draft as it is (the generator may place it differently)."""

    session_id: int
    title: str
    person: str  # a speaker of the session who also speaks in `other`
    other_title: str
    day: str  # ISO date shown in the editor
    clash_room_id: int  # dropping the session here at `clash_at` double-books `person`
    clash_at: str  # 2021-01-28T14:00 (local time, as the grid's cells say)
    free_room_id: int  # placing it here at `free_at` raises no warning at all
    free_room_name: str
    free_at: datetime  # local, aware


def _people(session) -> set[int]:
    return {part.speaker_id for part in session.speakers if part.invitation_state != InvitationState.declined}


def _plan(app) -> Plan:
    """Two sessions of one day that share a speaker, a free room at the second one's time, and a free place."""
    with app.test_request_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == EVENT))
        tz = event.timezone
        board = editor.load_board(event)
        placed = [s for s in board.slots if s.session is not None and s.session.format.kind != FormatKind.plenary]
        rooms = sorted(event.rooms, key=lambda room: room.position)
        for a in placed:
            if a.session.state != SessionState.confirmed or board.by_session.get(a.session.id):
                continue
            for b in placed:
                shared = _people(a.session) & _people(b.session)
                same_day = to_local(a.starts_at, tz).date() == to_local(b.starts_at, tz).date()
                if b is a or not shared or not same_day or b.starts_at == a.starts_at:
                    continue
                clash_end = b.starts_at + timedelta(minutes=a.session.duration)
                free_rooms = [
                    room
                    for room in rooms
                    if room.id not in (a.room_id, b.room_id)
                    and not any(
                        s.room_id == room.id and s.starts_at < clash_end and b.starts_at < s.ends_at
                        for s in board.slots
                    )
                ]
                if not free_rooms:
                    continue
                free = _free_place(event, a.session, rooms, a)
                if free is None:
                    continue
                person = next(p.speaker.full_name for p in a.session.speakers if p.speaker_id in shared)
                local_b = to_local(b.starts_at, tz)
                return Plan(
                    session_id=a.session.id,
                    title=a.session.title,
                    person=person,
                    other_title=b.session.title,
                    day=local_b.date().isoformat(),
                    clash_room_id=free_rooms[0].id,
                    clash_at=local_b.strftime("%Y-%m-%dT%H:%M"),
                    free_room_id=free[0].id,
                    free_room_name=free[0].name,
                    free_at=to_local(free[1], tz),
                )
        raise AssertionError("the demo's draft has no two sessions of one day sharing a speaker")


def _free_place(event, session, rooms, current):
    """A room and an instant, other than the session's current place, where it raises no warning."""
    tz = event.timezone
    day = next(d for d in event.days if d.date == to_local(current.starts_at, tz).date())
    for room in rooms:
        for at in editor.time_choices(event):
            if not day.opens_at <= at:
                continue
            starts_at = localize(day.date, at, tz)
            if starts_at == current.starts_at and room.id == current.room_id:
                continue
            if not editor.preview(event, session, room, starts_at):
                return room, starts_at
    return None


def test_organiser_moves_a_session_sees_the_clash_publishes_and_finds_the_change(organiser_page, live_server):
    page = organiser_page
    page.set_viewport_size({"width": 1600, "height": 2600})  # the whole day's grid without scrolling
    plan = _plan(live_server.app)

    # 1. Drag and drop: the session's card onto the other session's time, in a free room.
    page.goto(f"{EDITOR}?day={plan.day}")
    card = page.locator(f".ed-grid [data-session='{plan.session_id}']")
    target = page.locator(f".ed-cell[data-room='{plan.clash_room_id}'][data-starts-at='{plan.clash_at}']")
    # Dragged over the cell, before the drop, a banner already says what is wrong there.
    card.hover()
    page.mouse.down()
    target.hover()
    target.hover(position={"x": 5, "y": 5})  # a second move: the browser sends dragover again
    hint = page.locator("#editor-hint")
    expect(hint).to_contain_text(f"{plan.person} est prévu·e à deux endroits en même temps")
    page.mouse.up()
    expect(hint).to_be_hidden()
    # The page is not reloaded: the status region says where it went and what is wrong, and the
    # warnings are up to date.
    status = page.locator("#editor-status")
    expect(status).to_contain_text(f"« {plan.title} » est placée")
    expect(status).to_contain_text(f"{plan.person} est prévu·e à deux endroits en même temps")
    warnings = page.locator(".editor-warnings")
    clash = warnings.locator("li[data-kind='person_overlap']", has_text=plan.person)
    expect(clash).to_contain_text(f"« {plan.title} »")
    expect(clash).to_contain_text(f"« {plan.other_title} »")
    expect(page.locator(f".ed-grid [data-session='{plan.session_id}']")).to_have_class(re.compile("has-warning"))

    # 2. The way without dragging: from the session's link, with the keyboard only.
    page.locator(f".ed-grid [data-session='{plan.session_id}'] .ed-title a").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Placer « {plan.title} »")
    expect(page.locator("#current-title + ul")).to_contain_text(plan.person)
    page.get_by_label("Jour").select_option(plan.free_at.date().isoformat())
    page.get_by_label("Salle").select_option(str(plan.free_room_id))
    page.get_by_label("Heure de début").select_option(plan.free_at.strftime("%H:%M"))
    # Live: the new place is checked as soon as it is chosen, nothing saved yet.
    expect(page.locator("#place-preview")).to_have_text("Aucun avertissement à cette place.")
    page.get_by_role("button", name="Vérifier sans enregistrer").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#preview-title + p")).to_have_text("Aucun avertissement à cette place.")
    page.get_by_role("button", name="Placer la session ici").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text(
        f"« {plan.title} » est placée dans « {plan.free_room_name} »"
    )
    expect(page.locator(".editor-warnings li[data-kind='person_overlap']", has_text=plan.person)).to_have_count(0)

    # 3. Publish: a new named version.
    page.goto(f"/{EVENT}/manage/releases")
    page.get_by_label("Nom de la version").fill("v2 (éditeur)")
    with page.expect_navigation():
        page.get_by_role("button", name="Publier le programme").click()
    expect(page.locator(".flash-success")).to_contain_text("v2 (éditeur)")

    # 4. The public changelog lists the session as moved, to its new room.
    page.goto(f"/{EVENT}/programme/changes")
    moved = page.locator(".changes-moved li", has_text=plan.title)
    expect(moved).to_contain_text("Désormais :")
    expect(moved).to_contain_text(plan.free_room_name)
    expect(moved).to_contain_text(plan.free_at.strftime("%Hh%M"))

    # 5. schedule.ics has the session at its new time and place.
    response = page.request.get(f"/{EVENT}/schedule.ics")
    assert response.ok
    calendar = icalendar.Calendar.from_ical(response.body())
    events = [e for e in calendar.walk("VEVENT") if str(e.get("SUMMARY")) == plan.title]
    assert len(events) == 1
    assert events[0].decoded("DTSTART") == plan.free_at
    assert plan.free_room_name in str(events[0].get("LOCATION"))
    assert live_server.take_errors() == []


@pytest.fixture
def organiser_page_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    log_in(page, *live_server.organiser)
    page.wait_for_url(re.compile(r"/account$"))
    yield page
    context.close()


def test_editor_works_without_javascript(organiser_page_without_javascript, live_server):
    """Without JavaScript: the grid is drawn, a break is added from its form, a session placed from the lists."""
    page = organiser_page_without_javascript
    page.goto(EDITOR)
    expect(page.locator(".ed-grid .ed-session").first).to_be_visible()
    assert page.locator("[draggable='true']").count() == 0  # no false promise of dragging without the script

    page.get_by_role("link", name="Ajouter une pause").click()
    page.get_by_label("Nom de la pause").fill("Pause café de l'après-midi")
    page.get_by_label("Début").select_option("15:30")
    page.get_by_label("Fin").select_option("15:45")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flash-success")).to_have_text("La pause « Pause café de l'après-midi » est enregistrée.")
    expect(page.locator(".ed-grid .ed-break", has_text="Pause café de l'après-midi")).to_be_visible()

    title = page.locator(".ed-grid .ed-session .ed-title a").first
    name = title.inner_text().split("\n")[0].strip()  # the link text, without its hidden " — déplacer"
    title.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Placer « {name} »")
    with page.expect_navigation():
        page.get_by_role("button", name="Vérifier sans enregistrer").click()
    expect(page.locator("#preview-title")).to_be_visible()
    assert live_server.take_errors() == []


def test_a_drop_can_be_undone(organiser_page, live_server):
    """A card dropped in the wrong place goes back where it was, pinned as it was, with one button."""
    page = organiser_page
    page.set_viewport_size({"width": 1600, "height": 2600})
    page.goto(EDITOR)
    card = page.locator(".ed-grid .ed-session:not(.ed-plenary)").first
    session_id = card.get_attribute("data-session")
    before = {name: card.get_attribute(name) for name in ("data-room", "data-starts-at", "data-pinned")}
    free = page.locator(".ed-cell").last  # the last cell of the day: the end of the afternoon
    undo = page.get_by_role("button", name="Annuler ce déplacement")
    expect(undo).to_be_hidden()

    card.drag_to(free)
    moved = page.locator(f".ed-grid [data-session='{session_id}']")
    expect(moved).to_have_attribute("data-starts-at", free.get_attribute("data-starts-at"))
    expect(moved).to_have_attribute("data-pinned", "1")

    undo.click()
    expect(page.locator("#editor-status")).to_contain_text("est placée")
    back = page.locator(f".ed-grid [data-session='{session_id}']")
    for name, value in before.items():
        expect(back).to_have_attribute(name, value)
    expect(undo).to_be_hidden()
    assert live_server.take_errors() == []
