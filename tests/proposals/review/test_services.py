"""Review services: criteria, reviews, aggregates, staged decisions, their mails and the reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from nec.core.mail_templates import save_wording
from nec.core.models import AuditLogEntry
from nec.events import services as event_services
from nec.events.models import FormatKind
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import (
    Availability,
    Call,
    Decision,
    InvitationState,
    Review,
    ReviewScore,
    SessionState,
)
from nec.proposals.review import services as review
from nec.proposals.review.services import ReviewError, TableQuery
from tests.proposals.review.helpers import format_of, give_review, outbox

# --- criteria -------------------------------------------------------------------------------------


def test_add_criterion_numbers_positions_in_order(db, event, criteria):
    assert [(c.name, c.position) for c in review.list_criteria(event)] == [("Utilité", 0), ("Clarté", 1)]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", "Indiquez le nom du critère."),
        ({"name": "utilité"}, "name", "Un critère s'appelle déjà « utilité »"),
        ({"max_score": 11}, "max_score", "La note maximale doit être un nombre entre 1 et 10."),
        ({"max_score": 0}, "max_score", "La note maximale doit être un nombre entre 1 et 10."),
        ({"weight": 0}, "weight", "Le poids doit être un nombre entre 1 et 10."),
        ({"weight": None}, "weight", "Le poids doit être un nombre entre 1 et 10."),
    ],
)
def test_add_criterion_refuses_bad_values_in_french(db, event, organiser, criteria, fields, field, message):
    values = {"name": "Originalité", "max_score": 5, "weight": 1, **fields}
    with pytest.raises(ReviewError) as refused:
        review.add_criterion(event, organiser, **values)
    assert refused.value.field == field
    assert message in refused.value.message
    db.session.rollback()
    assert len(review.list_criteria(event)) == 2


def test_update_criterion_refuses_a_maximum_below_given_scores(db, event, organiser, criteria, reviewer, make_session):
    usefulness, clarity = criteria
    give_review(db, make_session(), reviewer, {usefulness: 4, clarity: 1})
    with pytest.raises(ReviewError) as refused:
        review.update_criterion(usefulness, organiser, name="Utilité", max_score=3, weight=2)
    assert "au moins 4" in refused.value.message
    db.session.rollback()
    review.update_criterion(usefulness, organiser, name="Utilité sociale", max_score=4, weight=3)
    db.session.commit()
    assert (usefulness.name, usefulness.max_score, usefulness.weight) == ("Utilité sociale", 4, 3)


def test_move_criterion_swaps_with_its_neighbour(db, event, organiser, criteria):
    _usefulness, clarity = criteria
    assert review.move_criterion(clarity, organiser, "up") is True
    db.session.commit()
    assert [c.name for c in review.list_criteria(event)] == ["Clarté", "Utilité"]
    assert review.move_criterion(clarity, organiser, "up") is False
    assert review.move_criterion(clarity, organiser, "sideways") is False


def test_delete_criterion_removes_its_scores_but_keeps_the_reviews(
    db, event, organiser, criteria, reviewer, make_session
):
    usefulness, clarity = criteria
    entry = give_review(db, make_session(), reviewer, {usefulness: 4, clarity: 1})
    review.delete_criterion(clarity, organiser)
    db.session.commit()
    db.session.expire_all()
    assert [s.criterion_id for s in db.session.get(Review, entry.id).scores] == [usefulness.id]
    assert db.session.scalar(sa.select(sa.func.count(ReviewScore.id))) == 1


# --- reviews --------------------------------------------------------------------------------------


def test_save_review_creates_then_updates_one_review_per_reviewer(db, event, criteria, reviewer, make_session):
    usefulness, clarity = criteria
    session = make_session()
    review.save_review(session, reviewer, {usefulness.id: 3, clarity.id: 2}, "  Très utile.  ")
    db.session.commit()
    review.save_review(session, reviewer, {usefulness.id: 5, clarity.id: 0}, "Finalement excellent.")
    db.session.commit()
    reviews = db.session.scalars(sa.select(Review)).all()
    assert len(reviews) == 1
    assert reviews[0].comment == "Finalement excellent."
    assert {s.criterion_id: s.value for s in reviews[0].scores} == {usefulness.id: 5, clarity.id: 0}
    actions = db.session.scalars(sa.select(AuditLogEntry.action).where(AuditLogEntry.action.like("review.%"))).all()
    assert actions == ["review.created", "review.updated"]


@pytest.mark.parametrize("values", [{"u": 6, "c": 1}, {"u": -1, "c": 1}, {"u": 3, "c": None}, {"u": 3}])
def test_save_review_refuses_scores_out_of_range(db, event, criteria, reviewer, make_session, values):
    usefulness, clarity = criteria
    session = make_session()
    scores = {usefulness.id: values.get("u")}
    if "c" in values:
        scores[clarity.id] = values["c"]
    with pytest.raises(ReviewError) as refused:
        review.save_review(session, reviewer, scores)
    assert "note entière de 0 à" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_save_review_refuses_a_speaker_of_the_proposal(db, event, criteria, reviewer, make_session):
    usefulness, clarity = criteria
    own = make_session(user_of=reviewer, speakers=[("Rémi Relecteur", "relecteur@example.org", "EPN")])
    submitted = make_session(submitted_by=reviewer)
    for session in (own, submitted):
        with pytest.raises(ReviewError, match="dont vous êtes intervenant"):
            review.save_review(session, reviewer, {usefulness.id: 1, clarity.id: 1})
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_save_review_refuses_a_decided_proposal(db, event, criteria, reviewer, make_session):
    usefulness, clarity = criteria
    session = make_session(state=SessionState.accepted)
    with pytest.raises(ReviewError, match="décision sur cette proposition est prise"):
        review.save_review(session, reviewer, {usefulness.id: 1, clarity.id: 1})


def test_review_settings_default_without_a_call(db, event):
    assert review.review_settings(event) == review.ReviewSettings(blind_review=False, reviews_visible_after_own=True)
    db.session.add(Call(event_id=event.id, blind_review=True, reviews_visible_after_own=False))
    db.session.commit()
    assert review.review_settings(event) == review.ReviewSettings(blind_review=True, reviews_visible_after_own=False)


def test_others_visible_follows_the_setting_and_the_role():
    after_own = review.ReviewSettings(reviews_visible_after_own=True)
    always = review.ReviewSettings(reviews_visible_after_own=False)
    assert not review.others_visible(after_own, has_own_review=False, is_organiser=False)
    assert review.others_visible(after_own, has_own_review=True, is_organiser=False)
    assert review.others_visible(after_own, has_own_review=False, is_organiser=True)
    assert review.others_visible(always, has_own_review=False, is_organiser=False)


def test_reviewer_list_marks_reviewed_and_own_proposals(db, event, criteria, reviewer, make_session):
    usefulness, clarity = criteria
    done = make_session("Évaluée")
    make_session("À évaluer")
    make_session("Sienne", submitted_by=reviewer)
    make_session("Brouillon", state=SessionState.draft)
    make_session("Retirée", state=SessionState.withdrawn)
    make_session("Acceptée", state=SessionState.accepted)
    give_review(db, done, reviewer, {usefulness: 1, clarity: 1})
    rows = {r.session.title: (r.reviewed, r.own_proposal, r.open) for r in review.reviewer_list(event, reviewer)}
    assert rows == {
        "Évaluée": (True, False, True),
        "À évaluer": (False, False, True),
        "Sienne": (False, True, True),
        "Acceptée": (False, False, False),
    }


# --- aggregates -------------------------------------------------------------------------------------


def test_proposal_table_computes_weighted_mean_and_median_exactly(
    db, event, criteria, reviewer, second_reviewer, organiser, make_session
):
    usefulness, clarity = criteria
    session = make_session()
    # (4/5 × 2 + 1/2 × 1) / 3 = 70 ; (5/5 × 2 + 2/2 × 1) / 3 = 100 ; 0 — unweighted, the first would be 65.
    give_review(db, session, reviewer, {usefulness: 4, clarity: 1})
    give_review(db, session, second_reviewer, {usefulness: 5, clarity: 2})
    give_review(db, session, organiser, {usefulness: 0, clarity: 0})
    unreviewed = make_session()
    rows = {r.session.id: r for r in review.proposal_table(event)}
    row = rows[session.id]
    assert row.review_count == 3
    assert sorted(row.totals) == pytest.approx([0, 70, 100])
    assert row.mean == pytest.approx(170 / 3)
    assert row.median == pytest.approx(70)
    assert (rows[unreviewed.id].review_count, rows[unreviewed.id].mean, rows[unreviewed.id].median) == (0, None, None)
    by_id = {c.id: c for c in criteria}
    assert review.review_total(review.reviews_of(session)[0], by_id) == pytest.approx(70)


def test_proposal_table_median_of_an_even_count_is_the_middle_of_two(
    db, event, criteria, reviewer, second_reviewer, make_session
):
    usefulness, clarity = criteria
    session = make_session()
    give_review(db, session, reviewer, {usefulness: 4, clarity: 1})
    give_review(db, session, second_reviewer, {usefulness: 5, clarity: 2})
    (row,) = review.proposal_table(event)
    assert (row.mean, row.median) == (pytest.approx(85), pytest.approx(85))


def test_proposal_table_counts_a_review_without_scores_but_no_total(db, event, reviewer, make_session):
    session = make_session()
    db.session.add(Review(session_id=session.id, reviewer_id=reviewer.id, comment="Pas de critère encore."))
    db.session.commit()
    (row,) = review.proposal_table(event)
    assert (row.review_count, row.mean) == (1, None)


def test_proposal_table_filters_and_sorts(db, event, organiser, criteria, reviewer, make_session):
    usefulness, clarity = criteria
    theme = event_services.add_theme(event, organiser, name="Financements")
    db.session.commit()
    low = make_session("B basse", theme=theme)
    high = make_session("A haute", kind=FormatKind.workshop)
    make_session("C sans note", state=SessionState.rejected)
    make_session("Brouillon", state=SessionState.draft)
    other_event = event_services.create_event(
        organiser, title="Autre NEC", slug="autre-nec", start_date=date(2030, 1, 1), end_date=date(2030, 1, 1)
    )
    db.session.commit()
    make_session("Ailleurs", ev=other_event)
    give_review(db, low, reviewer, {usefulness: 1, clarity: 0})
    give_review(db, high, reviewer, {usefulness: 5, clarity: 2})

    def titles(**args):
        return [r.session.title for r in review.proposal_table(event, TableQuery.parse(args))]

    assert titles() == ["B basse", "A haute", "C sans note"]
    assert titles(sort="title") == ["A haute", "B basse", "C sans note"]
    assert titles(sort="mean", order="desc") == ["A haute", "B basse", "C sans note"]
    assert titles(sort="mean") == ["B basse", "A haute", "C sans note"]  # no score: always last
    assert titles(sort="theme") == ["B basse", "A haute", "C sans note"]
    assert titles(state="rejected") == ["C sans note"]
    assert titles(format=str(format_of(event, FormatKind.workshop).id)) == ["A haute"]
    assert titles(theme=str(theme.id)) == ["B basse"]
    assert titles(sort="nonsense", state="nonsense", format="x", theme="-3") == ["B basse", "A haute", "C sans note"]


# --- staged decisions -----------------------------------------------------------------------------


def test_stage_decisions_only_touches_submitted_proposals_of_the_event(db, event, organiser, make_session):
    first, second = make_session(), make_session()
    accepted = make_session(state=SessionState.accepted)
    other_event = event_services.create_event(
        organiser, title="Autre NEC", slug="autre-nec", start_date=date(2030, 1, 1), end_date=date(2030, 1, 1)
    )
    db.session.commit()
    elsewhere = make_session(ev=other_event)
    ids = [str(first.id), str(second.id), str(accepted.id), str(elsewhere.id), "junk"]
    report = review.stage_decisions(event, organiser, ids, Decision.accept)
    db.session.commit()
    assert (report.changed, report.skipped) == (2, 2)
    assert (first.staged_decision, second.staged_decision) == (Decision.accept, Decision.accept)
    assert accepted.staged_decision is None and elsewhere.staged_decision is None
    review.stage_decisions(event, organiser, [second.id], None)
    db.session.commit()
    assert second.staged_decision is None
    with pytest.raises(ReviewError, match="Cochez au moins une proposition"):
        review.stage_decisions(event, organiser, [], Decision.reject)


def test_stage_decision_refuses_a_decided_proposal(db, event, organiser, make_session):
    with pytest.raises(ReviewError, match="Seule une proposition en attente"):
        review.stage_decision(make_session(state=SessionState.rejected), organiser, Decision.accept)


def test_apply_decisions_changes_states_and_queues_exactly_the_right_mails(
    app, db, event, organiser, make_user, make_session
):
    submitter = make_user("porteuse@example.org", full_name="Paula Porteuse")
    accepted = make_session(
        "Le métier de médiateur",
        speakers=[
            ("Ana Modératrice", "ana@example.org", "EPN"),
            ("Bruno Panéliste", "bruno@example.org", "Cyberbase"),
            ("Chloé Déclinante", "chloe@example.org", "Tiers-lieu"),
        ],
        submitted_by=submitter,
    )
    accepted.speakers[2].invitation_state = InvitationState.declined
    rejected = make_session("Financer son tiers-lieu", speakers=[("Dan Refusé", "dan@example.org", "")])
    untouched = make_session("Pas encore décidée", speakers=[("Eve Attente", "eve@example.org", "")])
    withdrawn = make_session("Retirée", state=SessionState.withdrawn, speakers=[("Fred", "fred@example.org", "")])
    withdrawn.staged_decision = Decision.accept
    save_wording(event, MailTemplateKind.rejected, "Réponse pour « {session_title} »", "Désolé {person_name}.")
    db.session.commit()
    review.stage_decisions(event, organiser, [accepted.id], Decision.accept)
    review.stage_decisions(event, organiser, [rejected.id], Decision.reject)
    db.session.commit()

    plan = review.decision_plan(event)
    assert ([s.title for s in plan.accept], [s.title for s in plan.reject], plan.stale) == (
        ["Le métier de médiateur"],
        ["Financer son tiers-lieu"],
        1,
    )
    assert (plan.accept_mails, plan.reject_mails) == (3, 1)

    report = review.apply_decisions(event, organiser)
    db.session.commit()
    assert (report.accepted, report.rejected, report.mails) == (1, 1, 4)
    db.session.expire_all()
    assert (accepted.state, rejected.state, untouched.state) == (
        SessionState.accepted,
        SessionState.rejected,
        SessionState.submitted,
    )
    assert accepted.decided_at is not None and rejected.decided_at is not None and untouched.decided_at is None
    assert all(s.staged_decision is None for s in (accepted, rejected, withdrawn))
    assert withdrawn.state == SessionState.withdrawn
    mails = {(m.to_address, m.subject) for m in outbox(db)}
    assert mails == {
        ("ana@example.org", "La proposition « Le métier de médiateur », à laquelle vous participez, est retenue"),
        ("bruno@example.org", "La proposition « Le métier de médiateur », à laquelle vous participez, est retenue"),
        ("porteuse@example.org", "Votre proposition « Le métier de médiateur » est retenue"),
        ("dan@example.org", "Réponse pour « Financer son tiers-lieu »"),
    }
    ana = next(m for m in outbox(db) if m.to_address == "ana@example.org")
    assert "Bonjour Ana Modératrice" in ana.body_text
    assert "soumise par Paula Porteuse, à laquelle vous participez" in ana.body_text
    assert f"/{event.slug}/confirm/" in ana.body_text
    actions = db.session.scalars(sa.select(AuditLogEntry.action).where(AuditLogEntry.event_id == event.id)).all()
    assert {"session.accepted", "session.rejected", "decisions.applied"} <= set(actions)


def test_apply_decisions_twice_sends_nothing_more(db, event, organiser, make_session):
    session = make_session()
    review.stage_decisions(event, organiser, [session.id], Decision.accept)
    db.session.commit()
    review.apply_decisions(event, organiser)
    db.session.commit()
    assert len(outbox(db)) == 1
    # Even staging again cannot re-decide an accepted proposal.
    assert review.stage_decisions(event, organiser, [session.id], Decision.reject).changed == 0
    report = review.apply_decisions(event, organiser)
    db.session.commit()
    assert (report.accepted, report.rejected, report.mails) == (0, 0, 0)
    assert len(outbox(db)) == 1
    assert session.state == SessionState.accepted


def test_apply_decisions_leaves_other_events_alone(db, event, organiser, make_session):
    other_event = event_services.create_event(
        organiser, title="Autre NEC", slug="autre-nec", start_date=date(2030, 1, 1), end_date=date(2030, 1, 1)
    )
    db.session.commit()
    elsewhere = make_session(ev=other_event)
    review.stage_decisions(other_event, organiser, [elsewhere.id], Decision.accept)
    db.session.commit()
    assert review.apply_decisions(event, organiser).accepted == 0
    db.session.commit()
    assert elsewhere.state == SessionState.submitted and outbox(db) == []


# --- reminders ------------------------------------------------------------------------------------


def test_reminders_reach_the_right_speakers(db, event, organiser, make_session):
    waiting = make_session(
        "Acceptée non confirmée",
        state=SessionState.accepted,
        speakers=[("Ana", "ana@example.org", "EPN"), ("Bruno", "bruno@example.org", "")],
    )
    confirmed = make_session("Confirmée", state=SessionState.confirmed, speakers=[("Chloé", "chloe@example.org", "X")])
    make_session("Refusée", state=SessionState.rejected, speakers=[("Dan", "dan@example.org", "")])
    ana = waiting.speakers[0].speaker
    ana.bio = "Médiatrice numérique depuis 2015."
    chloe = confirmed.speakers[0].speaker
    chloe.bio = "Animatrice."
    db.session.add(
        Availability(
            speaker=chloe,
            starts_at=datetime(2030, 1, 1, 8, tzinfo=UTC),
            ends_at=datetime(2030, 1, 1, 17, tzinfo=UTC),
        )
    )
    db.session.commit()

    plan = review.reminder_plan(event)
    assert [s.title for s in plan.unconfirmed] == ["Acceptée non confirmée"]
    assert [p.full_name for p in plan.incomplete_profiles] == ["Bruno"]
    assert [p.full_name for p in plan.no_availability] == ["Ana", "Bruno"]

    sent = review.send_reminders(event, organiser, ["confirmation", "profile", "availability", "bogus"])
    db.session.commit()
    assert sent == {"confirmation": 2, "profile": 1, "availability": 2}
    rows = sorted((m.to_address, m.subject) for m in outbox(db))
    assert rows == [
        ("ana@example.org", "Rappel : confirmez votre participation à NEC Sud Charente"),
        ("ana@example.org", "Rappel : indiquez vos disponibilités pour NEC Sud Charente"),
        ("bruno@example.org", "Rappel : complétez votre profil pour NEC Sud Charente"),
        ("bruno@example.org", "Rappel : confirmez votre participation à NEC Sud Charente"),
        ("bruno@example.org", "Rappel : indiquez vos disponibilités pour NEC Sud Charente"),
    ]
    profile_mail = next(m for m in outbox(db) if "profil" in m.subject)
    assert f"/{event.slug}/me/profile" in profile_mail.body_text
    with pytest.raises(ReviewError, match="Cochez au moins une relance"):
        review.send_reminders(event, organiser, [])
