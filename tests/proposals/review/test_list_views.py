"""The lists of proposals as reviewers and organisers use them: the ones to do first, filters by GET
parameters (state, theme, format, "à faire" / "toutes", a search by title or speaker) with their
counts, kept in the links; nonsense in the query string is ignored, never a 500."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from nec.events import services as event_services
from nec.events.models import FormatKind
from nec.proposals.models import Call, Decision, SessionState
from tests.proposals.review.helpers import give_review
from tests.support.web import log_in, page_text

REVIEW = "/nec-sud-charente/review/"
TABLE = "/nec-sud-charente/manage/proposals"


def _rows(text: str) -> list[str]:
    """The titles of the table's rows, in order (each row starts with the title in a <th scope="row">)."""
    titles = []
    for chunk in text.split('<th scope="row">')[1:]:
        cell = chunk.split("</th>")[0]
        titles.append(cell.split(">")[-2].split("<")[0] if "<a " in cell else cell.strip())
    return titles


@pytest.fixture
def theme(db, event, organiser):
    theme = event_services.add_theme(event, organiser, name="Financements")
    db.session.commit()
    return theme


@pytest.fixture
def proposals(db, event, reviewer, criteria, theme, make_session):
    """Eight proposals in arrival order; the reviewer reviewed three, speaks in one; one is accepted."""
    usefulness, clarity = criteria
    made = {
        "Évaluée 1": make_session("Évaluée 1"),
        "Évaluée 2": make_session("Évaluée 2", theme=theme),
        "Sienne": make_session("Sienne", submitted_by=reviewer),
        "Déjà acceptée": make_session("Déjà acceptée", state=SessionState.accepted),
        "À faire atelier": make_session(
            "À faire atelier",
            kind=FormatKind.workshop,
            speakers=(("Hélène Animatrice", "helene@example.org", "Tiers-lieu de Cognac"),),
        ),
        "Évaluée 3": make_session("Évaluée 3"),
        "À faire financement": make_session("À faire financement", theme=theme),
        "À faire table ronde": make_session("À faire table ronde"),
    }
    for title in ("Évaluée 1", "Évaluée 2", "Évaluée 3"):
        give_review(db, made[title], reviewer, {usefulness: 3, clarity: 1})
    return made


# --- the reviewers' list -------------------------------------------------------------------------------


def test_reviewer_list_shows_the_ones_left_to_review_first(client, reviewer, proposals):
    log_in(client, reviewer)
    text = page_text(client.get(REVIEW))
    assert _rows(text) == [
        "À faire atelier",
        "À faire financement",
        "À faire table ronde",
        "Évaluée 1",
        "Évaluée 2",
        "Sienne",
        "Déjà acceptée",
        "Évaluée 3",
    ]
    assert "Il vous reste 3 propositions à évaluer." in text
    assert "À évaluer (3)" in text and "Toutes (8)" in text


def test_reviewer_list_filters_the_ones_to_do_with_counts(client, reviewer, proposals, theme):
    log_in(client, reviewer)
    text = page_text(client.get(f"{REVIEW}?show=todo"))
    assert _rows(text) == ["À faire atelier", "À faire financement", "À faire table ronde"]
    assert "3 propositions sur 8" in text
    assert 'id="filter-show-todo" name="show" value="todo" checked' in text
    # Each choice says how many it would show with the other filters kept (here: only the ones to do).
    assert "Financements (1)" in text
    assert "Atelier (1)" in text

    text = page_text(client.get(f"{REVIEW}?show=todo&theme={theme.id}"))
    assert _rows(text) == ["À faire financement"]
    assert "1 proposition sur 8" in text


def test_reviewer_list_filters_by_state_format_and_theme(client, event, reviewer, proposals, theme):
    log_in(client, reviewer)
    assert _rows(page_text(client.get(f"{REVIEW}?state=accepted"))) == ["Déjà acceptée"]
    workshop = next(f for f in event.formats if f.kind == FormatKind.workshop)
    assert _rows(page_text(client.get(f"{REVIEW}?format={workshop.id}"))) == ["À faire atelier"]
    assert _rows(page_text(client.get(f"{REVIEW}?theme={theme.id}"))) == ["À faire financement", "Évaluée 2"]
    text = page_text(client.get(f"{REVIEW}?state=rejected"))
    assert "Aucune proposition ne correspond à ces filtres." in text
    assert 'href="/nec-sud-charente/review/">Effacer les filtres</a>' in text


def test_reviewer_list_searches_titles_and_speakers_whatever_the_accents(client, reviewer, proposals):
    log_in(client, reviewer)
    assert _rows(page_text(client.get(f"{REVIEW}?q=FINANCEMENT"))) == ["À faire financement"]
    assert _rows(page_text(client.get(f"{REVIEW}?q=helene"))) == ["À faire atelier"]
    assert _rows(page_text(client.get(f"{REVIEW}?q=cognac+helene"))) == []  # the structure is not searched
    assert _rows(page_text(client.get(f"{REVIEW}?q=a+faire+table"))) == ["À faire table ronde"]


def test_blind_review_search_finds_no_speaker_for_reviewers_but_does_for_organisers(
    db, client, event, reviewer, organiser, proposals
):
    db.session.add(Call(event_id=event.id, blind_review=True))
    db.session.commit()
    log_in(client, reviewer)
    text = page_text(client.get(f"{REVIEW}?q=helene"))
    assert _rows(text) == []
    assert "la relecture est anonyme : pas de recherche par nom" in text
    log_in(client, organiser)
    assert _rows(page_text(client.get(f"{REVIEW}?q=helene"))) == ["À faire atelier"]
    assert _rows(page_text(client.get(f"{TABLE}?q=helene"))) == ["À faire atelier"]


@pytest.mark.parametrize(
    "query",
    [
        "state=zz&format=abc&theme=-1&show=maybe",
        "format=99999999999999999999999&theme=0",
        "q=" + "x" * 5000,
        "q=%00%3Cscript%3E",
        "state=draft",  # not a state reviewers see: no filter
    ],
)
def test_reviewer_list_ignores_nonsense_in_the_query_string(client, reviewer, proposals, query):
    log_in(client, reviewer)
    response = client.get(f"{REVIEW}?{query}")
    assert response.status_code == 200
    rows = _rows(page_text(response))
    assert rows == [] if query.startswith("q=") else len(rows) == 8


def test_reviewer_list_keeps_its_filters_in_the_review_links_and_back(client, reviewer, criteria, proposals):
    log_in(client, reviewer)
    text = page_text(client.get(f"{REVIEW}?show=todo&q=faire"))
    session = proposals["À faire table ronde"]
    link = f"/nec-sud-charente/review/{session.id}?show=todo&q=faire"
    assert f'href="{link}"' in text
    page = page_text(client.get(link))
    assert 'href="/nec-sud-charente/review/?show=todo&q=faire">← Retour à la liste des propositions' in page
    usefulness, clarity = criteria
    response = client.post(link, data={f"c_{usefulness.id}": "4", f"c_{clarity.id}": "2", "comment": ""})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.headers["Location"]).query) == {"show": ["todo"], "q": ["faire"]}


# --- the organisers' table -----------------------------------------------------------------------------


def test_proposals_table_puts_the_ones_awaiting_a_decision_first(client, organiser, proposals):
    log_in(client, organiser)
    text = page_text(client.get(TABLE))
    rows = _rows(text)
    assert rows[-1] == "Déjà acceptée"  # arrived fourth, but decided already
    assert rows[:7] == [
        "Évaluée 1",
        "Évaluée 2",
        "Sienne",
        "À faire atelier",
        "Évaluée 3",
        "À faire financement",
        "À faire table ronde",
    ]
    assert "En attente de décision (7)" in text and "Toutes (8)" in text


def test_proposals_table_filters_the_ones_awaiting_a_decision_and_searches(client, organiser, proposals):
    log_in(client, organiser)
    text = page_text(client.get(f"{TABLE}?show=todo"))
    assert "Déjà acceptée" not in _rows(text)
    assert "7 propositions sur 8" in text
    text = page_text(client.get(f"{TABLE}?q=helene"))
    assert _rows(text) == ["À faire atelier"]
    assert page_text(client.get(f"{TABLE}?q=Sam+Speaker")).count('<th scope="row">') == 7  # the factory's speaker


def test_proposals_table_keeps_its_filters_in_sort_links_detail_page_and_staging(
    db, client, event, organiser, proposals
):
    log_in(client, organiser)
    text = page_text(client.get(f"{TABLE}?show=todo&q=faire"))
    assert 'href="/nec-sud-charente/manage/proposals?sort=title&order=asc&show=todo&q=faire"' in text
    session = proposals["À faire atelier"]
    detail = f"/nec-sud-charente/manage/proposals/{session.id}?show=todo&q=faire"
    assert f'href="{detail}"' in text
    page = page_text(client.get(detail))
    assert 'href="/nec-sud-charente/manage/proposals?show=todo&q=faire">← Retour à la liste des propositions' in page

    response = client.post(
        f"/nec-sud-charente/manage/proposals/{session.id}/decision?show=todo&q=faire", data={"action": "accept"}
    )
    assert parse_qs(urlsplit(response.headers["Location"]).query) == {"show": ["todo"], "q": ["faire"]}
    db.session.refresh(session)
    assert session.staged_decision == Decision.accept

    response = client.post(
        "/nec-sud-charente/manage/proposals/stage",
        data={"session": [str(session.id)], "action": "clear", "show": "todo", "q": "faire", "sort": "title"},
    )
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query == {"show": ["todo"], "q": ["faire"], "sort": ["title"]}


def test_proposals_table_offers_the_usual_order_back_after_a_sort(client, organiser, proposals):
    log_in(client, organiser)
    text = page_text(client.get(f"{TABLE}?sort=title&show=todo"))
    assert 'href="/nec-sud-charente/manage/proposals?show=todo">Revenir à l\'ordre habituel' in text
    assert "Revenir à l'ordre habituel" not in page_text(client.get(TABLE))


@pytest.mark.parametrize("query", ["show=todo&q=faire", "show=nonsense&state=%FF&q=", "theme=1e9&format=-0"])
def test_proposals_table_survives_any_filter_value(client, organiser, proposals, query):
    log_in(client, organiser)
    assert client.get(f"{TABLE}?{query}").status_code == 200


def test_filtered_lists_run_a_constant_number_of_queries(
    db, client, event, organiser, reviewer, criteria, make_session, count_queries
):
    log_in(client, organiser)
    urls = [f"{TABLE}?show=todo&q=proposition", f"{REVIEW}?show=todo&q=proposition"]

    def measure() -> list[int]:
        counts = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts.append(counter.count)
        return counts

    for i in range(3):
        make_session(f"Proposition {i}")
    few = measure()
    for i in range(3, 40):
        make_session(f"Proposition {i}", speakers=((f"P{i}", f"p{i}@example.org", "EPN"),), commit=False)
    db.session.commit()
    assert measure() == few
