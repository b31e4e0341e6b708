"""Every public page passes axe-core (no serious or critical violation) and the keyboard basics."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

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
    "/cette-page-n-existe-pas/": 404,
}

# The pages of the demo organiser (signed in through the login form): same rule.
ORGANISER_PAGES = [
    "/account",
    "/nec-sud-charente/manage/",
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
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{path}: content {widths['scroll']}px wide in a 320px window"
