"""Review pages: who may open them, what reviewers see (blind or not), scoring, the table, decisions."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from nec.accounts.models import EventRole, EventRoleKind
from nec.core.models import OutboxMessage
from nec.events import services as event_services
from nec.proposals.models import (
    Call,
    Decision,
    InvitationState,
    Question,
    QuestionKind,
    QuestionTarget,
    Review,
    ReviewCriterion,
    ReviewScore,
    SessionState,
)
from nec.proposals.review import services as review
from tests.proposals.review.helpers import give_review, outbox
from tests.support.web import log_in, page_text


@pytest.fixture
def proposal(make_session):
    return make_session(
        "Le métier de médiateur numérique",
        speakers=[
            ("Ana Modératrice", "ana.moderatrice@example.org", "Cyberbase de Barbezieux"),
            ("Bruno Panéliste", "bruno.paneliste@example.org", "Centre social de Chalais"),
        ],
    )


@pytest.fixture
def speaker_user(db, make_user, make_session):
    """A person with an account who proposed a session (and has no role on the event)."""
    user = make_user("sam.speaker@example.org", full_name="Sam Speaker")
    make_session("Ma proposition", submitted_by=user, speakers=[("Sam Speaker", "sam.speaker@example.org", "EPN")])
    return user


@pytest.fixture
def other_event(db, make_user):
    owner = make_user("autre-orga@example.org", full_name="Autre Organisatrice")
    ev = event_services.create_event(
        owner,
        title="NEC Ailleurs",
        slug="nec-ailleurs",
        start_date=date(2030, 1, 1),
        end_date=date(2030, 1, 1),
        is_published=True,
    )
    db.session.commit()
    return ev


@pytest.fixture
def other_reviewer(db, make_user, other_event):
    """A reviewer of another event."""
    user = make_user("relecteur.ailleurs@example.org", full_name="Rita Ailleurs")
    db.session.add(EventRole(event_id=other_event.id, user_id=user.id, role=EventRoleKind.reviewer))
    db.session.commit()
    return user


def score_form(criteria, usefulness, clarity, comment=""):
    first, second = criteria
    return {f"c_{first.id}": str(usefulness), f"c_{second.id}": str(clarity), "comment": comment}


# --- who may open what ----------------------------------------------------------------------------

ORGANISER_PAGES = [
    "/{ev}/manage/criteria",
    "/{ev}/manage/criteria/{criterion}",
    "/{ev}/manage/criteria/{criterion}/delete",
    "/{ev}/manage/proposals",
    "/{ev}/manage/proposals/{session}",
    "/{ev}/manage/decisions",
]
ORGANISER_ACTIONS = [
    ("/{ev}/manage/criteria", {"name": "Piratage", "max_score": "5", "weight": "1"}),
    ("/{ev}/manage/criteria/{criterion}", {"name": "Piratage", "max_score": "5", "weight": "1"}),
    ("/{ev}/manage/criteria/{criterion}/delete", {}),
    ("/{ev}/manage/criteria/{criterion}/move", {"direction": "down"}),
    ("/{ev}/manage/proposals/stage", {"action": "accept", "session": "{session}"}),
    ("/{ev}/manage/proposals/{session}/decision", {"action": "accept"}),
    ("/{ev}/manage/decisions/apply", {}),
    ("/{ev}/manage/decisions/remind", {"kind": "confirmation"}),
]
REVIEWER_PAGES = ["/{ev}/review/", "/{ev}/review/{session}"]


@pytest.fixture
def urls(event, criteria, proposal):
    ids = {"ev": event.slug, "criterion": criteria[0].id, "session": proposal.id}
    return lambda page: page.format(**ids)


def state_of(db, proposal):
    db.session.expire_all()
    return (
        proposal.state,
        proposal.staged_decision,
        db.session.scalar(sa.select(sa.func.count(ReviewCriterion.id))),
        [c.name for c in db.session.scalars(sa.select(ReviewCriterion).order_by(ReviewCriterion.position))],
        db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))),
    )


@pytest.mark.parametrize("page", ORGANISER_PAGES + REVIEWER_PAGES)
def test_review_page_works_for_the_organiser(client, organiser, urls, page):
    log_in(client, organiser)
    assert client.get(urls(page)).status_code == 200


@pytest.mark.parametrize("page", ORGANISER_PAGES + REVIEWER_PAGES)
def test_review_page_sends_anonymous_to_login(client, urls, page):
    response = client.get(urls(page))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["stranger", "speaker_user", "other_reviewer"])
@pytest.mark.parametrize("page", ORGANISER_PAGES + REVIEWER_PAGES)
def test_review_page_is_forbidden_to_people_without_a_role(client, urls, page, who, request):
    log_in(client, request.getfixturevalue(who))
    assert client.get(urls(page)).status_code == 403


@pytest.mark.parametrize("page", ORGANISER_PAGES)
def test_organiser_page_is_forbidden_to_a_reviewer(client, reviewer, urls, page):
    log_in(client, reviewer)
    assert client.get(urls(page)).status_code == 403


@pytest.mark.parametrize("who", ["anonymous", "stranger", "reviewer", "other_reviewer"])
@pytest.mark.parametrize(("page", "data"), ORGANISER_ACTIONS)
def test_organiser_actions_change_nothing_for_the_wrong_user(db, client, urls, proposal, page, data, who, request):
    if who != "anonymous":
        log_in(client, request.getfixturevalue(who))
    before = state_of(db, proposal)
    response = client.post(urls(page), data={k: urls(v) for k, v in data.items()})
    assert response.status_code in (302, 403)
    if who == "anonymous":
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
    assert state_of(db, proposal) == before


@pytest.mark.parametrize("who", ["anonymous", "stranger", "speaker_user", "other_reviewer"])
def test_scoring_is_refused_to_the_wrong_user(db, client, urls, criteria, proposal, who, request):
    if who != "anonymous":
        log_in(client, request.getfixturevalue(who))
    response = client.post(urls("/{ev}/review/{session}"), data=score_form(criteria, 3, 1))
    assert response.status_code in (302, 403)
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_a_reviewer_of_another_event_cannot_reach_this_events_proposal_through_theirs(
    db, client, other_event, other_reviewer, proposal, criteria
):
    log_in(client, other_reviewer)
    response = client.get(f"/{other_event.slug}/review/{proposal.id}")
    assert response.status_code == 404
    response = client.post(f"/{other_event.slug}/review/{proposal.id}", data=score_form(criteria, 3, 1))
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_organiser_cannot_open_another_events_proposal(client, organiser, event, other_event, make_session):
    elsewhere = make_session("Ailleurs", ev=other_event)
    log_in(client, organiser)
    assert client.get(f"/{event.slug}/manage/proposals/{elsewhere.id}").status_code == 404
    assert client.get(f"/{event.slug}/review/{elsewhere.id}").status_code == 404


def test_drafts_are_not_reviewable(client, reviewer, event, make_session):
    draft = make_session("Brouillon", state=SessionState.draft)
    log_in(client, reviewer)
    assert client.get(f"/{event.slug}/review/{draft.id}").status_code == 404


def test_a_reviewer_cannot_review_their_own_proposal(db, client, event, reviewer, criteria, make_session):
    own = make_session("La mienne", submitted_by=reviewer)
    log_in(client, reviewer)
    listing = page_text(client.get(f"/{event.slug}/review/"))
    assert "vous ne l'évaluez pas" in listing
    assert f"/review/{own.id}" not in listing
    response = client.get(f"/{event.slug}/review/{own.id}")
    assert response.status_code == 403
    assert "dont vous êtes intervenant·e" in page_text(response)
    assert client.post(f"/{event.slug}/review/{own.id}", data=score_form(criteria, 5, 2)).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_a_reviewer_invited_as_co_speaker_by_address_neither_reviews_nor_reads_the_reviews(
    db, client, event, reviewer, second_reviewer, criteria, make_session
):
    """Named by e-mail, invitation not answered, profile not tied to the account: still their proposal."""
    invited = make_session(
        "Avec le relecteur en co-intervenant",
        speakers=[("Ana Modératrice", "ana@example.org", "EPN"), ("Rémi Relecteur", "relecteur@example.org", "")],
    )
    session_speaker = invited.speakers[1]
    session_speaker.invitation_state = InvitationState.invited
    db.session.commit()
    assert session_speaker.speaker.user_id is None
    give_review(db, invited, second_reviewer, {criteria[0]: 5, criteria[1]: 2}, "Avis confidentiel")
    log_in(client, reviewer)

    listing = page_text(client.get(f"/{event.slug}/review/"))
    assert "vous ne l'évaluez pas" in listing
    assert f"/review/{invited.id}" not in listing
    response = client.get(f"/{event.slug}/review/{invited.id}")
    assert response.status_code == 403
    assert "Avis confidentiel" not in page_text(response)
    response = client.post(f"/{event.slug}/review/{invited.id}", data=score_form(criteria, 5, 2))
    assert response.status_code == 403
    assert "Avis confidentiel" not in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(Review.id)).where(Review.reviewer_id == reviewer.id)) == 0
    with pytest.raises(review.ReviewError):
        review.save_review(invited, reviewer, {criteria[0].id: 5, criteria[1].id: 2})


# --- reviewers see and score -----------------------------------------------------------------------


def test_reviewer_sees_the_proposals_and_scores_one(db, client, event, reviewer, criteria, proposal, make_session):
    question = Question(
        event_id=event.id,
        target=QuestionTarget.proposal,
        kind=QuestionKind.yes_no,
        label="Besoin d'un vidéoprojecteur ?",
    )
    db.session.add(question)
    db.session.flush()
    from nec.proposals.models import Answer

    db.session.add(Answer(question_id=question.id, session_id=proposal.id, value=True))
    db.session.commit()
    make_session("Brouillon caché", state=SessionState.draft)
    log_in(client, reviewer)

    listing = page_text(client.get(f"/{event.slug}/review/"))
    assert "Le métier de médiateur numérique" in listing
    assert "Brouillon caché" not in listing
    assert "Il vous reste 1 proposition à évaluer." in listing
    assert "À faire" in listing

    page = page_text(client.get(f"/{event.slug}/review/{proposal.id}"))
    assert "Un résumé" in page and "Médiateurs numériques" in page and "75 minutes" in page
    assert "Besoin d'un vidéoprojecteur ?" in page and "Oui" in page
    assert "Ana Modératrice" in page and "Cyberbase de Barbezieux" in page  # not blind: names shown
    assert "ana.moderatrice@example.org" not in page  # e-mails are for organisers

    response = client.post(f"/{event.slug}/review/{proposal.id}", data=score_form(criteria, 4, 1, "Très concret."))
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(Review))
    assert (saved.reviewer_id, saved.comment) == (reviewer.id, "Très concret.")
    assert sorted(s.value for s in saved.scores) == [1, 4]

    page = page_text(client.get(f"/{event.slug}/review/{proposal.id}"))
    assert "Votre évaluation est enregistrée" in page
    assert "Mettre à jour mon évaluation" in page
    assert 'value="4"' in page

    client.post(f"/{event.slug}/review/{proposal.id}", data=score_form(criteria, 2, 2, "Revu."))
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 1
    assert db.session.scalar(sa.select(Review.comment)) == "Revu."
    assert "Faite" in page_text(client.get(f"/{event.slug}/review/"))


@pytest.mark.parametrize(
    ("usefulness", "clarity", "message"),
    [
        ("6", "1", "Donnez une note entière de 0 à 5 pour « Utilité »."),
        ("-1", "1", "Donnez une note entière de 0 à 5 pour « Utilité »."),
        ("3", "3", "Donnez une note entière de 0 à 2 pour « Clarté »."),
        ("3", "", "Donnez une note entière de 0 à 2 pour « Clarté »."),
        ("trois", "1", "Indiquez un nombre entier, en chiffres, sans virgule ni lettre."),
        ("2.5", "1", "Indiquez un nombre entier, en chiffres, sans virgule ni lettre."),
    ],
)
def test_scores_out_of_range_are_refused_in_french_and_nothing_is_saved(
    db, client, event, reviewer, criteria, proposal, usefulness, clarity, message
):
    log_in(client, reviewer)
    response = client.post(
        f"/{event.slug}/review/{proposal.id}", data=score_form(criteria, usefulness, clarity, "Mon avis")
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Rien n'a été enregistré" in text
    assert message in text
    assert 'aria-invalid="true"' in text
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_scoring_a_decided_proposal_is_refused(db, client, event, reviewer, criteria, make_session):
    decided = make_session("Déjà acceptée", state=SessionState.accepted)
    log_in(client, reviewer)
    page = page_text(client.get(f"/{event.slug}/review/{decided.id}"))
    assert "Enregistrer mon évaluation" not in page
    response = client.post(f"/{event.slug}/review/{decided.id}", data=score_form(criteria, 3, 1))
    assert response.status_code == 200
    assert "la décision sur cette proposition est prise" in page_text(response).lower()
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_without_criteria_the_reviewer_is_told_to_come_back(client, event, reviewer, proposal):
    log_in(client, reviewer)
    assert "pas encore défini de critères" in page_text(client.get(f"/{event.slug}/review/"))
    page = page_text(client.get(f"/{event.slug}/review/{proposal.id}"))
    assert "pas encore défini de critères" in page
    assert "Enregistrer mon évaluation" not in page


# --- blind review ---------------------------------------------------------------------------------


def test_blind_review_hides_the_speakers_everywhere(db, client, event, reviewer, second_reviewer, criteria, proposal):
    db.session.add(Call(event_id=event.id, blind_review=True, reviews_visible_after_own=True))
    db.session.commit()
    give_review(db, proposal, second_reviewer, {criteria[0]: 5, criteria[1]: 2}, "Très bon")
    log_in(client, reviewer)
    client.post(f"/{event.slug}/review/{proposal.id}", data=score_form(criteria, 3, 1))
    pages = [
        page_text(client.get(f"/{event.slug}/review/")),
        page_text(client.get(f"/{event.slug}/review/{proposal.id}")),
    ]
    assert "Très bon" in pages[1]  # the other review is shown...
    assert "Rachida Relectrice" not in pages[1]  # ...without its author
    assert "Relecture anonyme" in pages[1]
    for page in pages:
        for secret in (
            "Ana Modératrice",
            "Bruno Panéliste",
            "Cyberbase de Barbezieux",
            "Centre social de Chalais",
            "ana.moderatrice@example.org",
            "bruno.paneliste@example.org",
        ):
            assert secret not in page


def test_blind_review_still_shows_speakers_to_organisers_on_their_pages(db, client, event, organiser, proposal):
    db.session.add(Call(event_id=event.id, blind_review=True))
    db.session.commit()
    log_in(client, organiser)
    page = page_text(client.get(f"/{event.slug}/manage/proposals/{proposal.id}"))
    assert "Ana Modératrice" in page and "ana.moderatrice@example.org" in page


# --- the others' reviews --------------------------------------------------------------------------


def test_others_reviews_appear_only_after_ones_own(db, client, event, reviewer, second_reviewer, criteria, proposal):
    give_review(db, proposal, second_reviewer, {criteria[0]: 5, criteria[1]: 2}, "Excellent retour de terrain")
    log_in(client, reviewer)
    before = page_text(client.get(f"/{event.slug}/review/{proposal.id}"))
    assert "Excellent retour de terrain" not in before
    assert "1 autre évaluation existe" in before
    client.post(f"/{event.slug}/review/{proposal.id}", data=score_form(criteria, 1, 0))
    after = page_text(client.get(f"/{event.slug}/review/{proposal.id}"))
    assert "Excellent retour de terrain" in after
    assert "Évaluation de Rachida Relectrice" in after
    assert "100,0 / 100" in after


def test_others_reviews_are_visible_at_once_when_the_call_says_so(
    db, client, event, reviewer, second_reviewer, criteria, proposal
):
    db.session.add(Call(event_id=event.id, reviews_visible_after_own=False))
    db.session.commit()
    give_review(db, proposal, second_reviewer, {criteria[0]: 5, criteria[1]: 2}, "Excellent retour de terrain")
    log_in(client, reviewer)
    assert "Excellent retour de terrain" in page_text(client.get(f"/{event.slug}/review/{proposal.id}"))


def test_organisers_always_see_the_reviews(db, client, event, organiser, second_reviewer, criteria, proposal):
    give_review(db, proposal, second_reviewer, {criteria[0]: 5, criteria[1]: 2}, "Excellent retour de terrain")
    log_in(client, organiser)
    assert "Excellent retour de terrain" in page_text(client.get(f"/{event.slug}/review/{proposal.id}"))
    detail = page_text(client.get(f"/{event.slug}/manage/proposals/{proposal.id}"))
    assert "Excellent retour de terrain" in detail
    assert "Évaluation de Rachida Relectrice" in detail
    assert "5 / 5" in detail and "2 / 2" in detail


# --- criteria pages -------------------------------------------------------------------------------


def test_organiser_adds_edits_moves_and_deletes_a_criterion(db, client, event, organiser):
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/criteria",
        data={"name": "Ancrage territorial", "description": "Lien avec le territoire", "max_score": "4", "weight": "3"},
    )
    assert response.status_code == 302
    client.post(f"/{event.slug}/manage/criteria", data={"name": "Clarté", "max_score": "5", "weight": "1"})
    first, second = db.session.scalars(sa.select(ReviewCriterion).order_by(ReviewCriterion.position)).all()
    assert (first.name, first.max_score, first.weight, first.description) == (
        "Ancrage territorial",
        4,
        3,
        "Lien avec le territoire",
    )
    page = page_text(client.get(f"/{event.slug}/manage/criteria"))
    assert "Le critère « Clarté » est ajouté." in page
    assert page.index("Ancrage territorial") < page.index("Clarté")

    client.post(f"/{event.slug}/manage/criteria/{second.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [c.name for c in db.session.scalars(sa.select(ReviewCriterion).order_by(ReviewCriterion.position))] == [
        "Clarté",
        "Ancrage territorial",
    ]

    client.post(
        f"/{event.slug}/manage/criteria/{first.id}", data={"name": "Ancrage local", "max_score": "10", "weight": "1"}
    )
    db.session.expire_all()
    assert (first.name, first.max_score, first.weight) == ("Ancrage local", 10, 1)

    assert "Supprimer le critère « Ancrage local » ?" in page_text(
        client.get(f"/{event.slug}/manage/criteria/{first.id}/delete")
    )
    client.post(f"/{event.slug}/manage/criteria/{first.id}/delete")
    assert [c.name for c in db.session.scalars(sa.select(ReviewCriterion))] == ["Clarté"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "max_score": "5", "weight": "1"}, "Indiquez le nom du critère."),
        ({"name": "Utilité", "max_score": "5", "weight": "1"}, "Un critère s'appelle déjà « Utilité »"),
        ({"name": "X", "max_score": "11", "weight": "1"}, "La note maximale doit être un nombre entre 1 et 10."),
        ({"name": "X", "max_score": "5", "weight": "0"}, "Le poids doit être un nombre entre 1 et 10."),
        ({"name": "X", "max_score": "cinq", "weight": "1"}, "Indiquez un nombre entier"),
    ],
)
def test_bad_criterion_is_refused_in_french(db, client, event, organiser, criteria, data, message):
    log_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/criteria", data=data)
    assert response.status_code == 200
    assert message in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(ReviewCriterion.id))) == 2


def test_deleting_a_scored_criterion_warns_first(db, client, event, organiser, reviewer, criteria, proposal):
    give_review(db, proposal, reviewer, {criteria[0]: 3, criteria[1]: 1})
    log_in(client, organiser)
    page = page_text(client.get(f"/{event.slug}/manage/criteria/{criteria[0].id}/delete"))
    assert "1 note déjà donnée à ce critère sera effacée" in page


def test_unknown_criterion_is_a_404(client, event, organiser, other_event):
    elsewhere = ReviewCriterion(event_id=other_event.id, name="Ailleurs")
    from nec.extensions import db

    db.session.add(elsewhere)
    db.session.commit()
    log_in(client, organiser)
    assert client.get(f"/{event.slug}/manage/criteria/{elsewhere.id}").status_code == 404
    assert client.post(f"/{event.slug}/manage/criteria/{elsewhere.id}/delete").status_code == 404
    assert db.session.get(ReviewCriterion, elsewhere.id) is not None


# --- the proposals table --------------------------------------------------------------------------


def test_proposals_table_shows_aggregates_and_sorts_by_query_string(
    db, client, event, organiser, reviewer, second_reviewer, criteria, make_session
):
    good = make_session("Bonne proposition")
    weak = make_session("Proposition fragile")
    give_review(db, good, reviewer, {criteria[0]: 4, criteria[1]: 1})
    give_review(db, good, second_reviewer, {criteria[0]: 5, criteria[1]: 2})
    give_review(db, weak, reviewer, {criteria[0]: 0, criteria[1]: 1})
    log_in(client, organiser)
    page = page_text(client.get(f"/{event.slug}/manage/proposals"))
    assert "85,0 / 100" in page  # mean and median of 70 and 100
    assert "16,7 / 100" in page  # (0 + 1/2) / 3
    assert "Comment les notes sont calculées" in page
    best_first = page_text(client.get(f"/{event.slug}/manage/proposals?sort=mean&order=desc"))
    assert best_first.index("Bonne proposition") < best_first.index("Proposition fragile")
    assert 'aria-sort="descending"' in best_first
    worst_first = page_text(client.get(f"/{event.slug}/manage/proposals?sort=mean&order=asc"))
    assert worst_first.index("Proposition fragile") < worst_first.index("Bonne proposition")


def test_proposals_table_filters_and_survives_nonsense(db, client, event, organiser, make_session):
    make_session("Encore proposée")
    make_session("Déjà refusée", state=SessionState.rejected)
    log_in(client, organiser)
    page = page_text(client.get(f"/{event.slug}/manage/proposals?state=rejected"))
    assert "Déjà refusée" in page and "Encore proposée" not in page
    response = client.get(f"/{event.slug}/manage/proposals?state=zz&format=abc&theme=-1&sort=%3Cscript%3E&order=up")
    assert response.status_code == 200
    assert "Déjà refusée" in page_text(response) and "Encore proposée" in page_text(response)


def _seed(db, make_session, criteria, reviewers, n):
    """n more proposals, each reviewed by every reviewer (scores 3 and 1)."""
    for i in range(n):
        session = make_session(f"Proposition {i}", commit=False)
        db.session.flush()
        for who in reviewers:
            entry = Review(session_id=session.id, reviewer_id=who.id)
            entry.scores = [
                ReviewScore(criterion_id=criteria[0].id, value=3),
                ReviewScore(criterion_id=criteria[1].id, value=1),
            ]
            db.session.add(entry)
    db.session.commit()


@pytest.mark.parametrize(
    "page", ["/{ev}/manage/proposals", "/{ev}/manage/proposals?sort=median&order=desc", "/{ev}/review/"]
)
def test_proposals_pages_run_a_constant_number_of_queries(
    db, client, event, organiser, reviewer, second_reviewer, criteria, make_session, count_queries, page
):
    log_in(client, organiser)
    url = page.format(ev=event.slug)
    _seed(db, make_session, criteria, [reviewer, second_reviewer], 3)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    _seed(db, make_session, criteria, [reviewer, second_reviewer], 27)
    with count_queries() as large:
        response = client.get(url)
    assert response.status_code == 200
    assert "Proposition 26" in page_text(response)
    assert large.count == small.count, large.statements


# --- staging decisions ----------------------------------------------------------------------------


def test_bulk_staging_from_the_table(db, client, event, organiser, make_session):
    first, second, third = make_session("Un"), make_session("Deux"), make_session("Trois")
    decided = make_session("Décidée", state=SessionState.accepted)
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/proposals/stage",
        data={"action": "accept", "session": [first.id, second.id, decided.id], "sort": "title", "state": "submitted"},
    )
    assert response.status_code == 302
    assert "sort=title" in response.headers["Location"] and "state=submitted" in response.headers["Location"]
    db.session.expire_all()
    assert [s.staged_decision for s in (first, second, third, decided)] == [
        Decision.accept,
        Decision.accept,
        None,
        None,
    ]
    page = page_text(client.get(response.headers["Location"]))
    assert "2 propositions seront acceptées." in page
    assert "1 proposition ignorée" in page

    client.post(f"/{event.slug}/manage/proposals/stage", data={"action": "reject", "session": [second.id, third.id]})
    client.post(f"/{event.slug}/manage/proposals/stage", data={"action": "clear", "session": [first.id]})
    db.session.expire_all()
    assert [s.staged_decision for s in (first, second, third)] == [None, Decision.reject, Decision.reject]
    assert outbox(db) == []  # nothing is sent while decisions are only staged


def test_bulk_staging_without_a_selection_or_action_is_explained(db, client, event, organiser, make_session):
    session = make_session()
    log_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/proposals/stage", data={"action": "accept"}, follow_redirects=True)
    assert "Cochez au moins une proposition" in page_text(response)
    response = client.post(
        f"/{event.slug}/manage/proposals/stage", data={"action": "burn", "session": session.id}, follow_redirects=True
    )
    assert "Choisissez une action" in page_text(response)
    db.session.expire_all()
    assert session.staged_decision is None


def test_staging_one_by_one_on_the_detail_page(db, client, event, organiser, make_session):
    session = make_session()
    decided = make_session("Refusée", state=SessionState.rejected)
    log_in(client, organiser)
    client.post(f"/{event.slug}/manage/proposals/{session.id}/decision", data={"action": "reject"})
    db.session.expire_all()
    assert session.staged_decision == Decision.reject
    page = page_text(client.get(f"/{event.slug}/manage/proposals/{session.id}"))
    assert "Décision préparée : Refuser" in page
    response = client.post(
        f"/{event.slug}/manage/proposals/{decided.id}/decision", data={"action": "accept"}, follow_redirects=True
    )
    assert "Seule une proposition en attente" in page_text(response)
    db.session.expire_all()
    assert decided.staged_decision is None


# --- applying decisions and reminders -------------------------------------------------------------


def test_decisions_page_summarises_then_applies_once(db, client, event, organiser, make_session, proposal):
    refused = make_session("Refusée bientôt", speakers=[("Dan Refusé", "dan@example.org", "")])
    proposal.staged_decision = Decision.accept
    refused.staged_decision = Decision.reject
    db.session.commit()
    log_in(client, organiser)

    page = page_text(client.get(f"/{event.slug}/manage/decisions"))
    assert "1 proposition sera acceptée (2 e-mails)" in page
    assert "1 proposition sera refusée (1 e-mail)" in page
    assert "Ana Modératrice, Bruno Panéliste" in page
    assert "Votre proposition « {session_title} » est retenue" in page
    assert f"/{event.slug}/manage/mail-templates" in page
    assert "Appliquer les décisions" in page

    response = client.post(f"/{event.slug}/manage/decisions/apply", follow_redirects=True)
    assert "Décisions appliquées : 1 acceptée(s), 1 refusée(s). 3 e-mail(s)" in page_text(response)
    mails = sorted((m.to_address, m.subject) for m in outbox(db))
    assert mails == [
        ("ana.moderatrice@example.org", "Votre proposition « Le métier de médiateur numérique » est retenue"),
        ("bruno.paneliste@example.org", "Votre proposition « Le métier de médiateur numérique » est retenue"),
        ("dan@example.org", "Votre proposition « Refusée bientôt »"),
    ]
    db.session.expire_all()
    assert (proposal.state, refused.state) == (SessionState.accepted, SessionState.rejected)

    response = client.post(f"/{event.slug}/manage/decisions/apply", follow_redirects=True)
    assert "Aucune décision préparée : rien n'a été appliqué ni envoyé." in page_text(response)
    assert len(outbox(db)) == 3


def test_reminders_from_the_decisions_page(db, client, event, organiser, make_session):
    make_session("Acceptée", state=SessionState.accepted, speakers=[("Ana", "ana@example.org", "EPN")])
    log_in(client, organiser)
    page = page_text(client.get(f"/{event.slug}/manage/decisions"))
    assert "Relancer les intervenant·es" in page
    assert "Sessions acceptées pas encore confirmées : 1 e-mail" in page
    response = client.post(f"/{event.slug}/manage/decisions/remind", data={}, follow_redirects=True)
    assert "Cochez au moins une relance" in page_text(response)
    assert outbox(db) == []
    response = client.post(
        f"/{event.slug}/manage/decisions/remind", data={"kind": ["confirmation", "profile"]}, follow_redirects=True
    )
    assert "2 e-mails de relance partent" in page_text(response)
    assert sorted(m.subject for m in outbox(db)) == [
        "Rappel : complétez votre profil pour NEC Sud Charente",
        "Rappel : confirmez votre participation à NEC Sud Charente",
    ]


def test_event_home_links_reviewers_to_the_review_and_speakers_to_their_area(db, client, make_user, make_event):
    from nec.accounts.models import EventRole, EventRoleKind
    from nec.proposals.models import SpeakerProfile

    event = make_event()
    reviewer, speaker, visitor = make_user(), make_user(), make_user()
    db.session.add(EventRole(event_id=event.id, user_id=reviewer.id, role=EventRoleKind.reviewer))
    db.session.add(SpeakerProfile(event_id=event.id, user_id=speaker.id, full_name="Iris Bo", email=speaker.email))
    db.session.commit()

    def home_as(user) -> str:
        with client.session_transaction() as s:
            s["_user_id"] = user.get_id()
            s["_fresh"] = True
        return client.get(f"/{event.slug}/").get_data(as_text=True)

    assert f'href="/{event.slug}/review/"' in home_as(reviewer)
    page = home_as(speaker)
    assert f'href="/{event.slug}/me/"' in page and "/review/" not in page
    page = home_as(visitor)
    assert "/review/" not in page and f'href="/{event.slug}/me/"' not in page


HUGE = "9223372036854775808"  # beyond SQLite's 64 bits and PostgreSQL's integer


def test_proposals_table_with_ids_too_large_shows_the_table(db, client, event, organiser, proposal):
    log_in(client, organiser)
    for query in (f"format={HUGE}", f"theme={HUGE}", f"format=-{HUGE}&theme=0"):
        response = client.get(f"/{event.slug}/manage/proposals?{query}")
        assert response.status_code == 200, query
        assert "Le métier de médiateur numérique" in page_text(response)


def test_staging_ids_too_large_is_explained_and_changes_nothing(db, client, event, organiser, proposal):
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/proposals/stage", data={"session": HUGE, "action": "accept"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Cochez au moins une proposition" in page_text(response)
    db.session.expire_all()
    assert db.session.get(type(proposal), proposal.id).staged_decision is None


def test_score_out_of_range_for_a_criterion_named_with_percent_is_explained(db, client, event, reviewer, proposal):
    """The criterion's "%" was formatted again by the range check: a TypeError, a 500."""
    criterion = review.add_criterion(event, reviewer, name="Utile à 100% pour le terrain", max_score=5, weight=1)
    db.session.commit()
    log_in(client, reviewer)
    response = client.post(f"/{event.slug}/review/{proposal.id}", data={f"c_{criterion.id}": "9"})
    assert response.status_code == 200
    assert "Donnez une note entière de 0 à 5 pour « Utile à 100% pour le terrain »." in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0
