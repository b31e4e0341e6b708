"""The organiser's dashboard `/<ev>/manage/` as the place to start the day: what needs doing now first
(decisions, reviews, co-speakers, confirmations, availability, the programme), then the rest, then the
set-up links; only for the event's organisers, in a bounded number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from nec.core.db import utcnow
from nec.core.time import localize
from nec.events import services
from nec.events.models import Event, FormatKind, Room
from nec.programme.draft import draft_slots
from nec.programme.models import GeneratorRun, RunState
from nec.programme.releases import services as releases
from nec.proposals.models import (
    Availability,
    Call,
    CallFormat,
    Decision,
    InvitationState,
    Review,
    ReviewCriterion,
    SessionState,
)
from tests.support.web import log_in, page_text

URL = "/nec-sud-charente/manage/"


def _sections(text: str) -> tuple[str, str]:
    """(what needs doing now, the rest) of the dashboard's text."""
    urgent_start = text.index("À faire maintenant</h2>")
    setup_start = text.index("Mise en place</h2>")
    others_start = text.find("Où en sont les autres étapes</h2>")
    if others_start == -1:
        return text[urgent_start:setup_start], ""
    return text[urgent_start:others_start], text[others_start:setup_start]


def _criterion(db, event) -> ReviewCriterion:
    criterion = ReviewCriterion(event_id=event.id, name="Utilité", max_score=5, weight=1, position=0)
    db.session.add(criterion)
    db.session.commit()
    return criterion


def _at(event, hour: int, minute: int = 0) -> datetime:
    return localize(event.start_date, time(hour, minute), event.timezone)


# --- nothing to do ------------------------------------------------------------------------------------


def test_dashboard_of_a_new_event_says_nothing_waits_and_keeps_the_setup_links(as_organiser, event):
    text = page_text(as_organiser.get(URL))
    urgent, others = _sections(text)
    assert "Rien ne vous attend pour l'instant" in urgent
    assert "L'appel à participation n'est pas prêt" in others
    assert "Aucune proposition n'attend de décision." in others
    assert "Aucune session acceptée à placer pour l'instant." in others
    setup = text[text.index("Mise en place</h2>") :]
    for path in ("manage/event", "manage/days", "manage/rooms", "manage/themes", "manage/formats", "manage/team"):
        assert f'href="/nec-sud-charente/{path}"' in setup
    assert "2 jours." in setup and "4 formats." in setup


# --- proposals and reviews ----------------------------------------------------------------------------


def test_dashboard_puts_decisions_and_missing_reviews_first(db, as_organiser, event, reviewer, make_session):
    criterion = _criterion(db, event)
    first = make_session("Le métier de médiateur")
    make_session("Financer un tiers-lieu")
    make_session("Les conseillers numériques", staged_decision=Decision.accept)
    # The reviewer speaks in this one: they are not expected to review it.
    make_session("Ma proposition", speakers=(("Rémi Relecteur", "relecteur@example.org", "EPN"),))
    make_session("Déjà acceptée", state=SessionState.accepted)
    db.session.add(Review(session_id=first.id, reviewer_id=reviewer.id, comment=""))
    db.session.commit()
    assert criterion.id

    urgent, _others = _sections(page_text(as_organiser.get(URL)))
    assert "4 propositions attendent une décision" in urgent
    assert 'href="/nec-sud-charente/manage/proposals?show=todo">Les voir</a>' in urgent
    assert "1 décision préparée n'est pas encore appliquée" in urgent
    assert 'href="/nec-sud-charente/manage/decisions">Appliquer les décisions</a>' in urgent
    assert "3 propositions en attente n'ont encore aucune évaluation" in urgent
    assert "2 évaluations attendues des relecteur·rices" in urgent
    assert "Rémi Relecteur : 2 à évaluer" in urgent
    assert "Aucun critère d'évaluation" not in urgent


def test_dashboard_says_when_reviewers_cannot_score_yet(db, as_organiser, event, make_session):
    make_session("Le métier de médiateur")
    urgent, _others = _sections(page_text(as_organiser.get(URL)))
    assert "Aucun critère d'évaluation : les relecteur·rices ne peuvent pas encore noter." in urgent
    assert 'href="/nec-sud-charente/manage/criteria">Définir les critères</a>' in urgent
    assert "Personne ne relit les propositions" in urgent


# --- speakers -----------------------------------------------------------------------------------------


def test_dashboard_names_co_speakers_who_have_not_answered_or_declined(db, as_organiser, event, make_session):
    session = make_session(
        "Table ronde des tiers-lieux",
        speakers=(
            ("Sam Speaker", "sam@example.org", "Centre social"),
            ("Paul Panéliste", "paul@example.org", "EPN"),
            ("Nadia Intervenante", "nadia@example.org", "Cyberbase"),
        ),
    )
    session.speakers[1].invitation_state = InvitationState.invited
    session.speakers[2].invitation_state = InvitationState.declined
    withdrawn = make_session("Retirée", state=SessionState.withdrawn, speakers=(("Léa", "lea@example.org", "EPN"),))
    withdrawn.speakers[0].invitation_state = InvitationState.invited
    db.session.commit()

    urgent, _others = _sections(page_text(as_organiser.get(URL)))
    assert "1 co-intervenant·e n'a pas répondu à son invitation" in urgent
    assert "Paul Panéliste, « Table ronde des tiers-lieux »" in urgent
    assert "1 co-intervenant·e a décliné son invitation" in urgent
    assert "Nadia Intervenante, « Table ronde des tiers-lieux »" in urgent
    assert f'href="/nec-sud-charente/manage/proposals/{session.id}"' in urgent
    assert "Léa" not in urgent  # a withdrawn session's invitations no longer matter


def test_dashboard_lists_unconfirmed_sessions_and_speakers_without_availability(db, as_organiser, event, make_session):
    make_session("Acceptée", state=SessionState.accepted, speakers=(("Ana Accept", "ana@example.org", "EPN"),))
    confirmed = make_session(
        "Confirmée", state=SessionState.confirmed, speakers=(("Carl Confirmé", "carl@example.org", "EPN"),)
    )
    make_session("Refusée", state=SessionState.rejected, speakers=(("Rita Refus", "rita@example.org", "EPN"),))
    profile = confirmed.speakers[0].speaker
    db.session.add(
        Availability(
            speaker_id=profile.id,
            starts_at=_at(event, 9),
            ends_at=_at(event, 18),
        )
    )
    db.session.commit()

    urgent, _others = _sections(page_text(as_organiser.get(URL)))
    assert "1 session acceptée n'est pas encore confirmée par ses intervenant·es" in urgent
    assert 'href="/nec-sud-charente/manage/decisions#reminders">Relancer</a>' in urgent
    assert "1 intervenant·e du programme n'a pas donné ses disponibilités" in urgent
    assert "Ana Accept" in urgent
    assert "Carl Confirmé" not in urgent and "Rita Refus" not in urgent


# --- the call -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opens", "closes", "expected"),
    [
        (-10, 10, "L'appel à participation est ouvert jusqu'au"),
        (-20, -1, "L'appel à participation est clos depuis le"),
        (5, 20, "L'appel à participation ouvrira le"),
    ],
)
def test_dashboard_says_where_the_call_stands(db, as_organiser, event, opens, closes, expected):
    now = utcnow()
    call = Call(event_id=event.id, opens_at=now + timedelta(days=opens), closes_at=now + timedelta(days=closes))
    call.formats = [CallFormat(format_id=f.id) for f in event.formats]
    db.session.add(call)
    db.session.commit()
    text = page_text(as_organiser.get(URL))
    assert expected in text
    assert 'href="/nec-sud-charente/manage/call">Régler l\'appel</a>' in text


# --- the programme --------------------------------------------------------------------------------------


@pytest.fixture
def programme(db, event, organiser, make_session, make_slot):
    """Three accepted talks (one speaker each fits the format), two of them placed in the same room at the
    same time (a warning)."""
    room = services.add_room(event, organiser, name="Salle Jean Moulin")
    db.session.commit()
    sessions = [
        make_session(
            f"Session {n}",
            state=SessionState.confirmed,
            kind=FormatKind.talk,
            speakers=((f"P{n}", f"p{n}@example.org", "EPN"),),
        )
        for n in range(3)
    ]
    make_slot(sessions[0], _at(event, 10), room=room)
    make_slot(sessions[1], _at(event, 10), room=room)
    return sessions


def test_dashboard_shows_the_draft_its_unplaced_sessions_and_warnings(as_organiser, event, programme):
    urgent, _others = _sections(page_text(as_organiser.get(URL)))
    assert "Brouillon : 2 sessions placées sur 3 acceptées" in urgent
    assert "1 session acceptée n'est pas encore placée dans le programme" in urgent
    assert 'href="/nec-sud-charente/manage/programme/">Les placer</a>' in urgent
    assert "1 avertissement dans le brouillon" in urgent
    assert "Salle Jean Moulin" in urgent  # the warning itself, as the editor words it
    assert "Le programme n'est pas encore publié" in urgent
    assert 'href="/nec-sud-charente/manage/releases">Publier le programme</a>' in urgent


def test_dashboard_says_whether_the_draft_changed_since_the_last_release(db, as_organiser, event, organiser, programme):
    releases.release(event, "v1", "", organiser, notify=False)
    db.session.commit()
    text = page_text(as_organiser.get(URL))
    assert "Dernière version publiée : « v1 »" in text
    assert "Le brouillon ne contient aucun changement non publié." in text

    draft_slot = next(slot for slot in draft_slots(event) if slot.session_id == programme[1].id)
    draft_slot.starts_at += timedelta(hours=2)
    draft_slot.ends_at += timedelta(hours=2)
    db.session.commit()
    urgent, _others = _sections(page_text(as_organiser.get(URL)))
    assert "Le brouillon a des changements non publiés : 0 nouvelle(s), 1 déplacée(s), 0 retirée(s)." in urgent
    assert 'href="/nec-sud-charente/manage/releases">Publier une nouvelle version</a>' in urgent


def test_dashboard_shows_a_generator_run_in_progress(db, as_organiser, event, organiser):
    run = GeneratorRun(
        event_id=event.id,
        created_by_id=organiser.id,
        state=RunState.running,
        started_at=utcnow(),
        time_limit=60,
        weights={},
    )
    db.session.add(run)
    db.session.commit()
    text = page_text(as_organiser.get(URL))
    assert f"Une génération du programme est en cours (n° {run.id})." in text
    assert f'href="/nec-sud-charente/manage/generator/runs/{run.id}">La suivre</a>' in text

    run.started_at = datetime(2020, 1, 1, tzinfo=UTC)  # long gone: its process died
    db.session.commit()
    assert "génération du programme est en cours" not in page_text(as_organiser.get(URL))


# --- who may see it, and how much it costs ---------------------------------------------------------------


def test_dashboard_is_forbidden_to_a_reviewer(client, event, reviewer, make_session):
    make_session("Le métier de médiateur")
    log_in(client, reviewer)
    response = client.get(URL)
    assert response.status_code == 403
    assert "attendent une décision" not in page_text(response)


def test_dashboard_is_forbidden_to_a_stranger_and_sends_anonymous_to_login(client, event, stranger):
    assert client.get(URL).status_code == 302
    assert "/login" in client.get(URL).headers["Location"]
    log_in(client, stranger)
    assert client.get(URL).status_code == 403


def test_dashboard_is_forbidden_to_the_organiser_of_another_event(db, client, event, make_user, organiser):
    from tests.support.events import nec_event

    other = make_user("autre@example.org", full_name="Autre Orga")
    nec_event(other, title="NEC Gironde", slug="nec-gironde")
    log_in(client, other)
    assert client.get(URL).status_code == 403
    assert client.get("/nec-gironde/manage/").status_code == 200


def test_dashboard_runs_as_many_queries_for_300_sessions_as_for_a_few(
    db, as_organiser, event, organiser, reviewer, make_session, make_slot, count_queries
):
    _criterion(db, event)
    room = services.add_room(event, organiser, name="Salle A")
    db.session.commit()

    event_id, room_id = event.id, room.id

    def add(n: int, start: int) -> None:
        ev, hall = db.session.get(Event, event_id), db.session.get(Room, room_id)
        for i in range(start, start + n):
            state = (SessionState.submitted, SessionState.accepted, SessionState.confirmed)[i % 3]
            session = make_session(
                f"S{i}",
                ev=ev,
                state=state,
                kind=FormatKind.workshop,
                speakers=((f"A{i}", f"a{i}@example.org", "EPN"), (f"B{i}", f"b{i}@example.org", "EPN")),
                commit=False,
            )
            session.speakers[1].invitation_state = InvitationState.invited
            db.session.flush()
            if state != SessionState.submitted:
                make_slot(session, _at(ev, 9) + timedelta(minutes=5 * i), room=hall, commit=False)
        db.session.commit()

    def measure() -> int:
        db.session.expunge_all()
        with count_queries() as counter:
            assert as_organiser.get(URL).status_code == 200
        return counter.count

    add(6, 0)
    few = measure()
    add(294, 6)
    many = measure()
    assert many == few
