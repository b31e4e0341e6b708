"""Every public page passes axe-core (no serious or critical violation) and the keyboard basics."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from nec.demo import REVIEWER_EMAIL
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

# Every public page, in one place: a new public page adds its path here (and its expected status).
PUBLIC_PAGES = {
    "/": 200,
    "/nec-sud-charente/": 200,
    "/legal/mentions-legales": 200,
    "/legal/donnees-personnelles": 200,
    "/legal/accessibilite": 200,
    "/login": 200,
    "/signup": 200,
    "/account/password-reset": 200,
    "/nec-sud-charente/call/": 200,
    "/nec-sud-charente/programme/": 200,
    "/nec-sud-charente/programme/?q=numerique": 200,
    "/nec-sud-charente/programme/mine": 200,
    "/nec-sud-charente/speakers/": 200,
    "/nec-charente/": 200,
    "/nec-charente/programme/": 200,
    "/nec-charente/register/": 200,  # open: the upcoming demo event takes registrations
    "/nec-sud-charente/register/": 200,  # closed (the demo event is over); open, in test_registration_flow
    "/nec-sud-charente/me/registration/": 200,  # nobody's: how to register or open one's link
    "/cette-page-n-existe-pas/": 404,
}

# The pages of the demo organiser (signed in through the login form): same rule.
ORGANISER_PAGES = [
    "/account",
    "/account/delete",
    "/nec-sud-charente/manage/",
    "/nec-sud-charente/manage/event",
    "/nec-sud-charente/manage/days",
    "/nec-sud-charente/manage/rooms",
    "/nec-sud-charente/manage/themes",
    "/nec-sud-charente/manage/formats",
    "/nec-sud-charente/manage/team",
    "/nec-sud-charente/manage/call",
    "/nec-sud-charente/manage/questions",
    "/nec-sud-charente/manage/mail-templates",
    "/nec-sud-charente/manage/criteria",
    "/nec-sud-charente/manage/proposals",
    "/nec-sud-charente/manage/decisions",
    "/nec-sud-charente/manage/sessions",
    "/nec-sud-charente/manage/speakers",
    "/nec-sud-charente/manage/import",
    "/nec-sud-charente/manage/programme/",
    "/nec-sud-charente/manage/programme/?day=2021-01-29",
    "/nec-sud-charente/manage/programme/breaks/new",
    "/nec-sud-charente/manage/generator",
    "/nec-sud-charente/manage/generator/draft",
    "/nec-sud-charente/manage/releases",
    "/nec-sud-charente/manage/checkin/",
    "/nec-sud-charente/manage/checkin/?q=centre",
    "/nec-sud-charente/manage/registrations",
    "/nec-sud-charente/manage/registrations?state=confirmed&q=a",
    "/nec-sud-charente/manage/registrations/settings",
    "/nec-sud-charente/manage/registrations/new",
    "/nec-sud-charente/manage/registrations/workshops",
    "/nec-sud-charente/manage/registrations/message",
    "/nec-sud-charente/manage/registrations/figures",
]

# The demo reviewer's pages (same password as the organiser).
REVIEWER_PAGES = [
    "/nec-sud-charente/review/",
]

# A speaker's pages, for a new account made through the sign-up form. The demo event's call closed in
# 2020, so the proposal form is scanned on an event whose call is open (`open_call_event`, made below);
# {round_table} and {workshop} stand for the ids of its formats.
OPEN_CALL_SLUG = "nec-e2e-appel-ouvert"
SPEAKER_PAGES = [
    "/nec-sud-charente/me/",
    f"/{OPEN_CALL_SLUG}/call/",
    f"/{OPEN_CALL_SLUG}/me/",
    f"/{OPEN_CALL_SLUG}/me/proposals/new",
    f"/{OPEN_CALL_SLUG}/me/proposals/new?format={{round_table}}",
    f"/{OPEN_CALL_SLUG}/me/proposals/new?format={{workshop}}",
    f"/{OPEN_CALL_SLUG}/me/profile",
    f"/{OPEN_CALL_SLUG}/me/availability",
]

BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def scan(page) -> list[dict]:
    """The serious and critical axe-core violations of the page as it is now."""
    results = _axe.run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    {target}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violation(page, path):
    response = page.goto(path)
    assert response is not None and response.status == PUBLIC_PAGES[path], f"{path}: HTTP {response.status}"
    violations = scan(page)
    assert not violations, f"{path}: {len(violations)} serious/critical axe violations\n{describe(violations)}"


@pytest.mark.parametrize("path", ORGANISER_PAGES)
def test_organiser_page_has_no_serious_accessibility_violation(organiser_page, path):
    response = organiser_page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
    violations = scan(organiser_page)
    assert not violations, f"{path}: {len(violations)} serious/critical axe violations\n{describe(violations)}"


def test_editor_place_page_has_no_serious_accessibility_violation(organiser_page):
    """The page that places a session from lists (its address names a session of the demo's draft)."""
    organiser_page.goto("/nec-sud-charente/manage/programme/")
    organiser_page.locator(".ed-grid .ed-session .ed-title a").first.click()
    organiser_page.wait_for_url(re.compile(r"/sessions/\d+/place$"))
    violations = scan(organiser_page)
    assert not violations, (
        f"{organiser_page.url}: {len(violations)} serious/critical axe violations\n{describe(violations)}"
    )


@pytest.fixture
def reviewer_page(page, demo_organiser):
    page.goto("/login")
    log_in(page, REVIEWER_EMAIL, demo_organiser[1])
    page.wait_for_url(re.compile(r"/nec-sud-charente/$"))  # a reviewer lands on their event's home
    return page


@pytest.mark.parametrize("path", REVIEWER_PAGES)
def test_reviewer_page_has_no_serious_accessibility_violation(reviewer_page, path):
    response = reviewer_page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
    violations = scan(reviewer_page)
    assert not violations, f"{path}: {len(violations)} serious/critical axe violations\n{describe(violations)}"


def test_reviewer_scoring_page_has_no_serious_accessibility_violation(reviewer_page):
    reviewer_page.goto("/nec-sud-charente/review/")
    first = reviewer_page.locator("table tbody th a").first
    with reviewer_page.expect_navigation():
        first.click()
    assert re.search(r"/nec-sud-charente/review/\d+$", reviewer_page.url), reviewer_page.url
    violations = scan(reviewer_page)
    assert not violations, f"{reviewer_page.url}: serious/critical axe violations\n{describe(violations)}"


@pytest.fixture(scope="module")
def open_call_event(live_server) -> dict[str, int]:
    """An event whose call is open for every format, with a question of each kind (made once, through the
    services: the pages that make it are the organiser's, tested elsewhere). Returns the format ids by kind."""
    from nec.accounts.services import get_user_by_email
    from nec.events import services as events
    from nec.events.models import Event
    from nec.extensions import db
    from nec.proposals.call import services as call
    from nec.proposals.models import QuestionKind, QuestionTarget

    with live_server.app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.slug == OPEN_CALL_SLUG))
        if event is None:
            organiser = get_user_by_email(live_server.organiser[0])
            start = date.today() + timedelta(days=90)
            event = events.create_event(
                organiser,
                slug=OPEN_CALL_SLUG,
                title="NEC d'essai, appel ouvert",
                start_date=start,
                end_date=start + timedelta(days=1),
                is_published=True,
            )
            now = datetime.now(UTC)
            call.update_call(
                event,
                organiser,
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=60),
                introduction="Proposez une table ronde, un atelier ou une intervention.",
                formats={fmt.id: None for fmt in event.formats},
            )
            for target in QuestionTarget:
                for kind in QuestionKind:
                    call.add_question(
                        event,
                        organiser,
                        target=target,
                        kind=kind,
                        label=f"Question « {kind.value} » pour {target.value}",
                        help_text="Une aide pour répondre.",
                        choices=["Première réponse", "Deuxième réponse"],
                        required=kind is QuestionKind.short_text,
                    )
            db.session.commit()
        formats = {fmt.kind.value: fmt.id for fmt in event.formats}
        db.session.remove()
    return formats


SIGNUP_PASSWORD = "un-mot-de-passe-assez-long-2025"


def _sign_up(page, live_server) -> str:
    """Sign up through the real form, as a new person; returns the confirmation link it mailed."""
    email = f"intervenante.{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/signup")
    page.get_by_label("Prénom et nom").fill("Intervenante d'essai")
    page.get_by_label("Adresse e-mail").fill(email)
    page.locator("#password").fill(SIGNUP_PASSWORD)
    page.locator("#password_confirm").fill(SIGNUP_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Créer mon compte").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Consultez votre messagerie", "sign-up refused"
    from nec.core.models import OutboxMessage
    from nec.extensions import db

    with live_server.app.app_context():
        body = db.session.scalar(
            db.select(OutboxMessage.body_text).where(
                OutboxMessage.to_address == email, OutboxMessage.template == "signup_confirmation"
            )
        )
        db.session.remove()
    return re.search(r"/signup/confirm/\S+", body).group(0)


def _no_horizontal_scroll(page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{page.url}: {widths['scroll']}px wide in a narrower window"


def test_sign_up_confirmation_by_keyboard_at_375px_has_no_serious_accessibility_violation(page, live_server):
    """The pages the sign-up added (check your mail, the confirmation with and without an error), on a
    phone-sized window, used from the keyboard alone."""
    page.set_viewport_size({"width": 375, "height": 740})
    link = _sign_up(page, live_server)
    for state in ("check your mail", "confirmation", "wrong password"):
        if state == "confirmation":
            page.goto(link)
        elif state == "wrong password":
            page.get_by_label("Le mot de passe choisi à la création du compte").focus()
            page.keyboard.type("pas le bon mot de passe")
            with page.expect_navigation() as navigation:
                page.keyboard.press("Enter")
            assert navigation.value.status == 400
            assert "Ce n'est pas le mot de passe choisi" in page.locator("main").inner_text()
        violations = scan(page)
        assert not violations, f"{state}: serious/critical axe violations\n{describe(violations)}"
        _no_horizontal_scroll(page)
    # The right password, typed and sent from the keyboard, confirms and signs in.
    field = page.get_by_label("Le mot de passe choisi à la création du compte")
    field.fill("")
    field.focus()
    page.keyboard.type(SIGNUP_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/signup" not in page.url and page.get_by_role("button", name="Se déconnecter").count() >= 1


@pytest.fixture
def speaker_page(page, live_server):
    """A new account, made through the real sign-up form and confirmed by the link it mails."""
    page.goto(_sign_up(page, live_server))
    page.get_by_label("Le mot de passe choisi à la création du compte").fill(SIGNUP_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer et me connecter").click()
    assert "/signup" not in page.url, "the confirmation was refused"
    return page


@pytest.mark.parametrize("path", SPEAKER_PAGES)
def test_speaker_page_has_no_serious_accessibility_violation(speaker_page, open_call_event, path):
    url = path.format(**open_call_event)
    response = speaker_page.goto(url)
    assert response is not None and response.status == 200, f"{url}: HTTP {response.status}"
    violations = scan(speaker_page)
    assert not violations, f"{url}: {len(violations)} serious/critical axe violations\n{describe(violations)}"


def test_proposal_form_with_errors_has_no_serious_accessibility_violation(speaker_page, open_call_event):
    speaker_page.goto(f"/{OPEN_CALL_SLUG}/me/proposals/new?format={open_call_event['round_table']}")
    with speaker_page.expect_navigation() as navigation:
        speaker_page.get_by_role("button", name="Envoyer la proposition").click()
    assert navigation.value.status == 400, "an empty proposal must be refused"
    assert speaker_page.locator(".form-errors").is_visible()
    violations = scan(speaker_page)
    assert not violations, f"{len(violations)} serious/critical axe violations\n{describe(violations)}"


@pytest.mark.parametrize(
    ("listing", "link"),
    [
        ("/nec-sud-charente/programme/", "article h4 a"),  # a session page of the released programme
        ("/nec-sud-charente/speakers/", ".speaker-list h2 a"),  # a speaker page
    ],
)
def test_programme_detail_page_has_no_serious_accessibility_violation(page, listing, link):
    page.goto(listing)
    first = page.locator(link).first
    with page.expect_navigation():
        first.click()
    assert re.search(r"/nec-sud-charente/(sessions|speakers)/\d+/$", page.url), page.url
    violations = scan(page)
    assert not violations, f"{page.url}: serious/critical axe violations\n{describe(violations)}"


def test_my_programme_with_clashing_favourites_has_no_serious_accessibility_violation(page):
    """An anonymous visitor's agenda (the ids their device keeps), with two sessions at the same time."""
    page.goto("/nec-sud-charente/programme/")
    ids = page.locator("section.programme-time").evaluate_all(
        """sections => sections
            .map(s => Array.from(s.querySelectorAll("form.favourite-form"), f => f.dataset.sessionId))
            .find(ids => ids.length >= 2) || []"""
    )
    assert len(ids) >= 2, "the demo programme should have two sessions starting at the same time"
    page.goto(f"/nec-sud-charente/programme/mine?ids={ids[0]},{ids[1]}")
    assert page.locator(".clash-warning").count() >= 2
    violations = scan(page)
    assert not violations, f"{page.url}: serious/critical axe violations\n{describe(violations)}"


def test_scan_detects_a_violation(page):
    """The scan itself works: an image without alternative text is reported (critical)."""
    page.goto("/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/none.png\">')")
    assert "image-alt" in {v["id"] for v in scan(page)}


@pytest.mark.parametrize("path", ["/", "/nec-sud-charente/", "/login"])
def test_first_tab_focuses_visible_skip_link_that_moves_focus_to_main(page, path):
    page.goto(path)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const el = document.activeElement;"
        " return {cls: el.className, href: el.getAttribute('href'), text: el.textContent.trim()}; }"
    )
    assert "skip-link" in focused["cls"], f"first Tab focused {focused}"
    assert focused["href"] == "#contenu"

    skip = page.locator("a.skip-link")
    box = skip.bounding_box()
    assert skip.is_visible() and box is not None
    assert box["width"] >= 1 and box["height"] >= 1 and box["x"] >= 0 and box["y"] >= 0, f"not on screen: {box}"
    # Visible means inside the viewport, not clipped down to one pixel.
    assert box["width"] > 20 and box["height"] > 10, f"the focused skip link is clipped: {box}"

    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'contenu'")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


def test_skip_link_is_hidden_until_focused(page):
    page.goto("/")
    box = page.locator("a.skip-link").bounding_box()
    viewport = page.viewport_size
    hidden = box is None or box["width"] <= 1 or box["height"] <= 1 or box["y"] + box["height"] <= 0
    hidden = hidden or box["x"] + box["width"] <= 0 or box["x"] >= viewport["width"]
    assert hidden, f"the skip link shows before it is focused: {box}"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_page_has_no_horizontal_scroll_at_320px(page, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    _no_horizontal_scroll(page)


# --- Reflow: a phone, and 200 % zoom ------------------------------------------------------------------
# WCAG 1.4.10: at 375 CSS px (a phone) and at 200 % zoom nothing makes the page scroll sideways (a wide
# table or the editor's grid scrolls inside its own labelled region), and axe still passes. 200 % zoom of
# a 1280×800 window is emulated as the browser does it: a 640×400 CSS px viewport drawn at device scale
# factor 2 (zooming halves the CSS width the page is laid out in, and doubles each CSS pixel).
NARROW_WINDOWS = {
    "phone-375px": {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 1},
    "zoom-200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}

# The organiser's core pages: the dashboard, proposals and their review, sessions, the editor, the
# generator (its page, a run's report, the draft) and the releases. "{run}" is the demo's finished run.
ORGANISER_CORE_PAGES = [
    "/nec-sud-charente/manage/",
    "/nec-sud-charente/manage/proposals",
    "/nec-sud-charente/manage/decisions",
    "/nec-sud-charente/manage/sessions",
    "/nec-sud-charente/manage/programme/",
    "/nec-sud-charente/manage/programme/?day=2021-01-29",
    "/nec-sud-charente/manage/generator",
    "/nec-sud-charente/manage/generator/runs/{run}",
    "/nec-sud-charente/manage/generator/draft",
    "/nec-sud-charente/manage/releases",
]
# ... and the organiser's other pages, at the same sizes.
ORGANISER_NARROW_PAGES = ORGANISER_CORE_PAGES + [p for p in ORGANISER_PAGES if p not in ORGANISER_CORE_PAGES]


def assert_no_sideways_scroll(page) -> None:
    """The page is no wider than the window (document.documentElement.scrollWidth <= window.innerWidth)."""
    widths = page.evaluate(
        """() => {
            const scrolls = el => getComputedStyle(el).overflowX !== "visible";
            const inScroller = el => { for (let p = el.parentElement; p; p = p.parentElement) {
                if (p !== document.body && p !== document.documentElement && scrolls(p)) return true; } return false; };
            const wide = [...document.querySelectorAll("body *")]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !inScroller(el))
                .filter(el => !el.parentElement
                    || el.parentElement.getBoundingClientRect().right <= window.innerWidth + 0.5);
            return {
                scroll: document.documentElement.scrollWidth,
                window: window.innerWidth,
                culprits: wide.slice(0, 5).map(el => el.tagName.toLowerCase()
                    + (el.id ? "#" + el.id : "") + (el.className ? "." + String(el.className).split(" ").join(".") : "")
                    + " (" + Math.round(el.getBoundingClientRect().right) + "px)"),
            };
        }"""
    )
    assert widths["scroll"] <= widths["window"], (
        f"{page.url}: the page is {widths['scroll']}px wide in a {widths['window']}px window; "
        f"too wide: {', '.join(widths['culprits'])}"
    )


@pytest.fixture(params=list(NARROW_WINDOWS))
def narrow_page(request, browser, live_server):
    """A French browser context of the window size named by the parameter."""
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", **NARROW_WINDOWS[request.param]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    live_server.take_errors()
    yield page
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        from tests.e2e.conftest import _save_artifacts

        _save_artifacts(page, request.node.nodeid)
    context.close()
    errors = live_server.take_errors()
    if errors:
        pytest.fail("Le serveur a levé une exception pendant le test :\n\n" + "\n".join(errors), pytrace=False)


@pytest.fixture(scope="module")
def organiser_state(browser, live_server, tmp_path_factory) -> str:
    """The demo organiser's signed-in cookies (signed in once through the real login form)."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.goto("/login")
    log_in(page, *live_server.organiser)
    page.wait_for_load_state()
    page.goto("/nec-sud-charente/manage/")
    assert "/login" not in page.url, "the demo organiser could not sign in"
    path = tmp_path_factory.mktemp("organiser-state") / "state.json"
    context.storage_state(path=str(path))
    context.close()
    return str(path)


@pytest.fixture(scope="module")
def demo_run_id(live_server) -> int:
    from nec.extensions import db
    from nec.programme.models import GeneratorRun

    with live_server.app.app_context():
        run_id = db.session.scalar(db.select(GeneratorRun.id).order_by(GeneratorRun.id))
        db.session.remove()
    assert run_id is not None, "the demo records a finished generator run"
    return run_id


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_fits_a_narrow_window_and_passes_axe(narrow_page, path):
    response = narrow_page.goto(path)
    assert response is not None and response.status == PUBLIC_PAGES[path]
    assert_no_sideways_scroll(narrow_page)
    violations = scan(narrow_page)
    assert not violations, f"{path}: serious/critical axe violations\n{describe(violations)}"


@pytest.mark.parametrize("path", ORGANISER_NARROW_PAGES)
def test_organiser_page_fits_a_narrow_window_and_passes_axe(
    request, browser, live_server, organiser_state, demo_run_id, path
):
    for name, window in NARROW_WINDOWS.items():
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            storage_state=organiser_state,
            **window,
        )
        try:
            page = context.new_page()
            response = page.goto(path.format(run=demo_run_id))
            assert response is not None and response.status == 200, f"{name} {path}: HTTP {response.status}"
            assert "/login" not in page.url
            assert_no_sideways_scroll(page)
            violations = scan(page)
            assert not violations, f"{name} {path}: serious/critical axe violations\n{describe(violations)}"
        except AssertionError:
            from tests.e2e.conftest import _save_artifacts

            _save_artifacts(page, f"{request.node.nodeid}-{name}")
            raise
        finally:
            context.close()


# --- Error summaries and the speaker's next steps -------------------------------------------------------


def test_error_summary_links_move_the_focus_into_their_field_or_group(speaker_page, open_call_event):
    """Each link of an error summary, fieldsets included (co-speakers, a question's choices), puts the focus
    on the first field of its target, by mouse as by keyboard; the group's legend stays in view."""
    page = speaker_page
    page.goto(f"/{OPEN_CALL_SLUG}/me/proposals/new?format={open_call_event['round_table']}")
    page.locator("#co_speakers-0-name").fill("Paul Panéliste")  # a co-speaker without an address
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer la proposition").click()
    links = page.locator(".form-errors a[href^='#']")
    targets = [href[1:] for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")]
    kinds = page.evaluate("ids => ids.map(id => document.getElementById(id)?.tagName)", targets)
    assert "FIELDSET" in kinds, f"the summary should name a group of fields: {list(zip(targets, kinds))}"
    for index, target in enumerate(targets):
        link = links.nth(index)
        if index % 2:
            link.focus()
            page.keyboard.press("Enter")
        else:
            link.click()
        where = page.evaluate(
            """id => { const el = document.activeElement, target = document.getElementById(id);
                const legend = target.tagName === "FIELDSET" ? target.querySelector("legend") : null;
                const box = legend ? legend.getBoundingClientRect() : null;
                return {inside: target === el || target.contains(el), tag: el.tagName, legendTop: box && box.top,
                        legendShown: !box || (box.top >= -1 && box.bottom <= window.innerHeight)}; }""",
            target,
        )
        assert where["inside"] and where["tag"] in ("INPUT", "SELECT", "TEXTAREA"), f"#{target}: {where}"
        assert where["legendShown"], f"#{target}: the legend of the group is out of view: {where}"


def test_next_steps_on_the_speaker_area_do_not_overlap(page, live_server):
    """An accepted session asks several things of its speaker: the buttons stand apart, on a phone too."""
    from nec.accounts.models import User
    from nec.accounts.services import hash_password
    from nec.core.db import utcnow
    from nec.events.models import Event, FormatKind
    from nec.extensions import db
    from nec.proposals.models import Session, SessionSpeaker, SessionState, SpeakerProfile, SpeakerRole

    email = f"acceptee.{uuid.uuid4().hex[:8]}@example.org"
    with live_server.app.app_context():
        event = db.session.scalar(db.select(Event).where(Event.slug == "nec-sud-charente"))
        user = User(email=email, full_name="Aline Acceptée", email_confirmed_at=utcnow())
        user.password_hash = hash_password(SIGNUP_PASSWORD)
        profile = SpeakerProfile(event_id=event.id, full_name=user.full_name, email=email, user=user)
        fmt = next(f for f in event.formats if f.kind is FormatKind.workshop)
        session = Session(
            event_id=event.id,
            format_id=fmt.id,
            title="Un atelier accepté",
            duration=fmt.default_duration,
            state=SessionState.accepted,
            submitted_by=user,
            summary="Un résumé",
            description="Une description.",
        )
        session.speakers.append(SessionSpeaker(speaker=profile, role=SpeakerRole.facilitator, position=0))
        db.session.add_all([user, profile, session])
        db.session.commit()
        db.session.remove()
    page.goto("/login")
    log_in(page, email, SIGNUP_PASSWORD)
    page.wait_for_load_state()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/nec-sud-charente/me/")
        steps = page.locator("ul.steps a.button")
        assert steps.count() >= 2, "an accepted session asks at least to confirm and to complete the profile"
        boxes = [steps.nth(i).bounding_box() for i in range(steps.count())]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = (
                    a["x"] + a["width"] <= b["x"]
                    or b["x"] + b["width"] <= a["x"]
                    or a["y"] + a["height"] <= b["y"]
                    or b["y"] + b["height"] <= a["y"]
                )
                assert apart, f"at {width}px two next-step buttons overlap: {a} {b}"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
