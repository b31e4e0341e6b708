"""A proposal whose speakers no longer fit its format (a co-speaker declined): the warning at review and decision."""

from __future__ import annotations

import pytest

from nec.extensions import db
from nec.proposals.models import InvitationState
from tests.support.web import log_in, page_text

RULE = "Table ronde : 2 à 5 intervenant·es attendu·es, 1 seul·e prévu·e."
BADGE = "Intervenant·es : hors format"


@pytest.fixture
def table(make_session):
    """A round table of two panelists, the second of whom declined."""
    session = make_session(
        "Financer son EPN",
        speakers=[
            ("Ana Panéliste", "ana.paneliste@example.org", "Cyberbase de Barbezieux"),
            ("Bruno Panéliste", "bruno.paneliste@example.org", "Centre social de Chalais"),
        ],
    )
    session.speakers[1].invitation_state = InvitationState.declined
    db.session.commit()
    return session


@pytest.fixture
def complete(make_session):
    return make_session(
        "Une table ronde au complet",
        speakers=[
            ("Chloé Panéliste", "chloe.paneliste@example.org", "EPN de Cognac"),
            ("Denis Panéliste", "denis.paneliste@example.org", "Tiers-lieu de Jarnac"),
        ],
    )


def test_reviewer_sees_the_formats_rule_on_the_review_page_and_a_badge_in_the_list(
    client, event, reviewer, criteria, table, complete
):
    log_in(client, reviewer)

    page = page_text(client.get(f"/{event.slug}/review/{table.id}"))
    assert "Le nombre d'intervenant·es ne respecte pas le format. " + RULE in page

    listing = page_text(client.get(f"/{event.slug}/review/"))
    assert listing.count(BADGE) == 1  # the complete round table has none
    assert RULE[:-1] in listing  # the badge's words for screen readers and on hover

    assert "ne respecte pas le format" not in page_text(client.get(f"/{event.slug}/review/{complete.id}"))


def test_organiser_sees_the_rule_next_to_the_decision_buttons_in_the_table_and_on_the_decisions_page(
    client, event, organiser, table, complete
):
    log_in(client, organiser)

    page = page_text(client.get(f"/{event.slug}/manage/proposals/{table.id}"))
    warning = page.index("Le nombre d'intervenant·es ne respecte pas le format. " + RULE)
    assert page.index('id="decision"') < warning < page.index("Préparer : accepter")
    assert 'aria-describedby="lineup-warning"' in page
    assert "ne respecte pas le format" not in page_text(client.get(f"/{event.slug}/manage/proposals/{complete.id}"))

    assert page_text(client.get(f"/{event.slug}/manage/proposals")).count(BADGE) == 1

    client.post(f"/{event.slug}/manage/proposals/{table.id}/decision", data={"action": "accept"})
    decisions = page_text(client.get(f"/{event.slug}/manage/decisions"))
    assert BADGE in decisions and RULE in decisions
