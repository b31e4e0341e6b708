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
    expect(page.locator("#place-preview")).to_contain_text("Aucun avertissement à cette place.")
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
    # The focus is on the placed card, not at the top of the page.
    assert page.url.endswith(f"#slot-session-{plan.session_id}"), page.url
    expect(page.locator(f"#slot-session-{plan.session_id}")).to_be_focused()
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
    page.wait_for_url(re.compile(r"/manage/$"))  # an organiser lands on their event's dashboard
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

    expect(page.locator(f"#slot-session-{session_id}")).to_be_focused()  # the dropped card

    undo.click()
    expect(page.locator("#editor-status")).to_contain_text("est placée")
    back = page.locator(f".ed-grid [data-session='{session_id}']")
    expect(back.locator(".ed-title a")).to_be_focused()  # not lost with the hidden undo button
    for name, value in before.items():
        expect(back).to_have_attribute(name, value)
    expect(undo).to_be_hidden()
    assert live_server.take_errors() == []


def _focused(page) -> dict:
    return page.evaluate(
        """() => { const el = document.activeElement;
            const card = el.closest(".ed-card, .ed-session");
            return {tag: el.tagName, text: el.textContent.trim().slice(0, 60), card: card ? card.className : null,
                    inMain: Boolean(el.closest("main")), inMenu: Boolean(el.closest(".manage-nav"))}; }"""
    )


def test_skip_link_lands_past_the_management_menu_near_the_first_card(organiser_page):
    """By keyboard: the skip link jumps over the 19-link management menu (outside <main>), and the first
    session card is a few Tab stops away."""
    page = organiser_page
    page.goto(EDITOR)
    assert page.locator("main .manage-nav, main nav[aria-label='Gestion de l’événement']").count() == 0
    menu_before_main = "document.querySelector('.manage-nav').compareDocumentPosition(document.querySelector('main'))"
    assert page.evaluate(menu_before_main) & 4  # DOCUMENT_POSITION_FOLLOWING: <main> comes after the menu
    page.keyboard.press("Tab")
    expect(page.locator("a.skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'contenu'")
    for stops in range(1, 16):
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused["inMain"] and not focused["inMenu"], focused
        if focused["card"]:
            break
    else:
        raise AssertionError("no session card within 15 Tab stops of the skip link's target")
    assert stops <= 10, f"the first card is {stops} Tab stops away: {focused}"


@pytest.mark.parametrize("width", [375, 1280])
def test_short_session_cards_show_their_title_and_speakers_whole(organiser_page, width):
    """A 30-minute session's card shows its whole title and its speakers (the grid's rows grow), on a
    phone as on a computer; the grid scrolls inside its labelled region, never the page."""
    page = organiser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(EDITOR)
    cards = page.locator(".ed-grid .ed-session")
    expect(cards.first).to_be_visible()
    report = cards.evaluate_all(
        """cards => cards.map(card => {
            const box = card.getBoundingClientRect();
            const cut = [...card.querySelectorAll("p")].filter(p => {
                const r = p.getBoundingClientRect();
                return r.bottom > box.bottom + 1 || r.right > box.right + 1;
            }).map(p => p.textContent.trim());
            const rows = Number((card.className.match(/ed-h-(\\d+)/) || [0, 0])[1]);
            return {title: card.querySelector(".ed-title").textContent.trim(), minutes: rows * 5, cut,
                    overflow: card.scrollHeight > card.clientHeight + 1};
        })"""
    )
    assert any(card["minutes"] <= 30 for card in report), "the demo's draft should hold a 30-minute session"
    clipped = [card for card in report if card["cut"] or card["overflow"]]
    assert not clipped, f"cards that cut their text: {clipped}"
    region = page.locator(".ed-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_management_menu_folds_on_a_phone_and_stays_open_on_a_computer(organiser_page):
    page = organiser_page
    page.goto(EDITOR)
    menu = page.locator("nav.manage-nav")
    expect(menu.get_by_role("link", name="Sessions", exact=True)).to_be_visible()  # no click needed
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(EDITOR)
    assert menu.bounding_box()["height"] < 120, menu.bounding_box()
    expect(menu.get_by_role("link", name="Sessions", exact=True)).to_be_hidden()
    summary = menu.locator("summary")
    expect(summary).to_contain_text("Éditer le programme")  # the section one is in
    summary.focus()
    page.keyboard.press("Enter")
    expect(menu.get_by_role("link", name="Sessions", exact=True)).to_be_visible()
    assert menu.bounding_box()["height"] < 740, "the open menu fits in one screen"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_place_check_and_live_message_always_agree(organiser_page, live_server):
    """After "Vérifier" found a clash, choosing another room empties the old result at once and the one
    live region says what the new place raises: never "Aucun avertissement" next to an older warning."""
    page = organiser_page
    plan = _plan(live_server.app)
    page.goto(f"/{EVENT}/manage/programme/sessions/{plan.session_id}/place")
    day, at = plan.clash_at.split("T")
    page.get_by_label("Jour").select_option(day)
    page.get_by_label("Salle").select_option(str(plan.clash_room_id))
    page.get_by_label("Heure de début").select_option(at)
    with page.expect_navigation():
        page.get_by_role("button", name="Vérifier sans enregistrer").click()
    region = page.locator("#place-preview")
    clash = f"{plan.person} est prévu·e à deux endroits en même temps"
    expect(region).to_contain_text(clash)
    expect(page.locator("#preview-title")).to_be_focused()  # the result of the check, not the top

    page.get_by_label("Jour").select_option(plan.free_at.date().isoformat())
    page.get_by_label("Heure de début").select_option(plan.free_at.strftime("%H:%M"))
    page.get_by_label("Salle").select_option(str(plan.free_room_id))
    expect(region).to_contain_text("Aucun avertissement à cette place.")
    expect(page.locator("main")).not_to_contain_text(clash)
    assert page.locator("main [role=status], main [aria-live]").count() == 1, "one live region on the page"
    expect(region).to_have_class(re.compile("flash-success"))

    page.get_by_label("Salle").select_option(str(plan.clash_room_id))
    page.get_by_label("Jour").select_option(day)
    page.get_by_label("Heure de début").select_option(at)
    expect(region).to_contain_text(clash)
    expect(page.locator("main")).not_to_contain_text("Aucun avertissement à cette place.")
    expect(region).to_have_class(re.compile("flash-warning"))
