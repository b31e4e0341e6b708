"""The organiser's generator pages: settings, a real run through the view, progress, report, draft."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from nec.accounts.models import EventRole, EventRoleKind
from nec.events.models import FormatKind
from nec.extensions import db
from nec.programme import draft as services
from nec.programme.models import GeneratorRun, RunState, ScheduleVersion, Slot
from nec.programme.releases import services as publishing
from nec.programme.solver.solve import Weights
from nec.proposals.models import AttendanceMode, InvitationState, SessionState
from tests.programme.generator.support import GENERATOR_FORM, runs_of
from tests.programme.small_event import (
    add_session,
    add_speaker,
    draft_slots,
    small_event,
)
from tests.support.web import log_in, page_text

VALID = GENERATOR_FORM


@pytest.fixture
def reviewer(make_user, small):
    user = make_user("relecteur@example.org", full_name="Rémi Relecteur")
    db.session.add(EventRole(event=small.event, user=user, role=EventRoleKind.reviewer))
    db.session.commit()
    return user


def _run(small, *, state=RunState.finished, progress=None, report=None, started_ago=1.0, time_limit=30, error=""):
    now = datetime.now(UTC)
    run = GeneratorRun(
        event_id=small.event.id,
        weights=Weights().to_dict(),
        time_limit=time_limit,
        state=state,
        progress=progress or {},
        report=report,
        error=error,
        created_at=now - timedelta(seconds=started_ago),
        started_at=now - timedelta(seconds=started_ago),
    )
    db.session.add(run)
    db.session.commit()
    return run


def _pages(small):
    run = _run(small)
    return [
        f"/{small.event.slug}/manage/generator",
        f"/{small.event.slug}/manage/generator/runs/{run.id}",
        f"/{small.event.slug}/manage/generator/draft",
    ]


# --- who may see the pages --------------------------------------------------------------------------------


def test_generator_pages_send_anonymous_people_to_the_login(client, small):
    for url in _pages(small):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    response = client.post(f"/{small.event.slug}/manage/generator", data=VALID)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert len(runs_of(small.event)) == 1  # the one _pages made


@pytest.mark.parametrize("who", ["stranger", "reviewer"])
def test_generator_pages_are_forbidden_to_others_than_organisers(client, small, request, who):
    log_in(client, request.getfixturevalue(who))
    for url in _pages(small):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/{small.event.slug}/manage/generator", data=VALID).status_code == 403
    assert len(runs_of(small.event)) == 1


def test_run_of_another_event_is_not_found(client, organiser, small):
    other = small_event(organiser, slug="nec-autre")
    run = _run(other)
    log_in(client, organiser)
    assert client.get(f"/{small.event.slug}/manage/generator/runs/{run.id}").status_code == 404
    assert client.get(f"/{small.event.slug}/manage/generator/runs/999999").status_code == 404


# --- the settings page ----------------------------------------------------------------------------------


def test_generator_page_summarises_what_will_be_scheduled(client, organiser, small):
    ana = add_speaker(small, "Ana Morel")
    add_session(small, "Confirmée 1", speakers=[ana])
    add_session(small, "Confirmée 2")
    add_session(small, "Acceptée", state=SessionState.accepted)
    add_session(small, "Proposée", state=SessionState.submitted)
    log_in(client, organiser)

    response = client.get(f"/{small.event.slug}/manage/generator")

    assert response.status_code == 200
    text = page_text(response)
    assert "2 sessions confirmées" in text and "1 session acceptée (pas encore confirmée)" in text
    assert "2 salles, 2 jours" in text
    assert "Aucun programme publié pour le moment." in text
    for explanation in (
        "Éviter que les mêmes personnes veuillent assister à deux sessions en même temps",
        "Éviter que deux sessions d'un même thème aient lieu en même temps",
        "Limiter le nombre de sessions en parallèle",
        "Laisser une pause aux intervenant·es entre deux sessions",
        "Garder les sessions d'un même thème dans la même salle",
        "Changer le moins possible le programme déjà publié",
    ):
        assert explanation in text
    assert "Lancer la génération" in text and 'method="post"' in text
    assert 'aria-current="page">Générer le programme</a>' in text  # in the manage sub-navigation
    assert 'name="time_limit"' in text and 'value="30"' in text


def test_generator_page_says_why_it_cannot_work_yet(client, organiser, small):
    log_in(client, organiser)
    text = page_text(client.get(f"/{small.event.slug}/manage/generator"))
    assert "Le générateur ne peut pas encore travailler" in text
    assert "Aucune session n'est acceptée ou confirmée" in text

    response = client.post(f"/{small.event.slug}/manage/generator", data=VALID)
    assert response.status_code == 422
    assert "Aucune session n'est acceptée ou confirmée" in page_text(response)
    assert runs_of(small.event) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("wishes", "-1", "Indiquez un poids entre 0 et 1000."),
        ("themes", "beaucoup", "Indiquez un nombre entier, en chiffres, sans virgule ni lettre"),
        ("changes", "", "Indiquez un poids (0 pour ne pas en tenir compte)."),
        ("max_parallel", "0", "Indiquez un nombre entre 1 et 50, ou laissez vide."),
        ("min_break", "500", "Indiquez une pause entre 0 et 120 minutes."),
        ("time_limit", "4", "Indiquez une durée entre 5 et 300 secondes."),
        ("time_limit", "301", "Indiquez une durée entre 5 et 300 secondes."),
    ],
)
def test_invalid_settings_are_refused_in_french_and_nothing_is_created(client, organiser, small, field, value, message):
    add_session(small, "A")
    log_in(client, organiser)

    response = client.post(f"/{small.event.slug}/manage/generator", data={**VALID, field: value})

    assert response.status_code == 422
    text = page_text(response)
    assert message in text and "Rien n'a été enregistré" in text
    assert runs_of(small.event) == [] and draft_slots(small.event) == []


def test_a_second_run_is_refused_while_one_is_running(client, organiser, small):
    add_session(small, "A")
    running = _run(small, state=RunState.running, progress={}, started_ago=2)
    log_in(client, organiser)

    page = page_text(client.get(f"/{small.event.slug}/manage/generator"))
    assert "Une génération est en cours." in page and f"/manage/generator/runs/{running.id}" in page
    response = client.post(f"/{small.event.slug}/manage/generator", data=VALID)

    assert response.status_code == 422
    assert f"Une génération est déjà en cours pour cet événement (n° {running.id})" in page_text(response)
    assert [r.id for r in runs_of(small.event)] == [running.id]


# --- a real run, end to end ----------------------------------------------------------------------------------


def test_a_run_through_the_view_replaces_the_draft_and_reports(client, organiser, small, wait_for_runs):
    ana = add_speaker(small, "Ana Morel")
    sessions = [add_session(small, f"Table ronde {n}", speakers=[ana]) for n in range(3)]
    online = add_session(small, "Seulement en ligne", mode=AttendanceMode.online)
    # A released programme (one session at 9:00 on the first day) that the run must leave as it is.
    draft = services.get_draft(small.event)
    nine = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    db.session.add(Slot(version=draft, session=sessions[0], starts_at=nine, ends_at=nine + timedelta(hours=1)))
    db.session.flush()
    release = publishing.release(small.event, "v1", "", None, False).version
    db.session.commit()
    release_id = release.id
    log_in(client, organiser)

    response = client.post(f"/{small.event.slug}/manage/generator", data={**VALID, "themes": "4"})

    assert response.status_code == 302
    [run] = runs_of(small.event)
    assert response.headers["Location"].endswith(f"/{small.event.slug}/manage/generator/runs/{run.id}")
    assert run.created_by_id == organiser.id and run.time_limit == 5 and run.weights["themes"] == 4
    assert wait_for_runs(run.id, timeout=60)
    db.session.rollback()

    page = client.get(response.headers["Location"])
    text = page_text(page)
    assert page.status_code == 200
    assert 'http-equiv="refresh"' not in text  # finished: the page stops refreshing
    assert "Terminée" in text and "3 sessions placées sur 4." in text
    assert "Seulement en ligne" in text and "aucune salle en ligne" in text  # why it was not placed
    assert "Premier programme complet trouvé en" in text and "Meilleur programme trouvé en" in text
    assert "Répartir les thèmes" in text and "Changer le moins possible le programme publié" in text
    slots = draft_slots(small.event)
    assert {s.session_id for s in slots} == {s.id for s in sessions}
    assert all(s.room.name in text for s in slots) and "Table ronde 1" in text  # the timetable by day and room
    assert online.id not in {s.session_id for s in draft_slots(small.event)}
    released = db.session.get(ScheduleVersion, release_id)
    # The release still holds exactly what was published before the run.
    assert released.name == "v1"
    assert [(s.session_id, s.starts_at) for s in released.slots] == [(sessions[0].id, nine)]

    draft_page = page_text(client.get(f"/{small.event.slug}/manage/generator/draft"))
    assert "3 sessions placées." in draft_page and "Table ronde 2" in draft_page
    assert "Le programme publié est la version « v1 »" in draft_page


def test_run_page_refreshes_itself_and_shows_progress_while_running(client, organiser, small):
    progress = {"objective": 1234.0, "elapsed": 3.25, "solutions": 7, "placed": 12, "unplaced": 2}
    run = _run(small, state=RunState.running, progress=progress, started_ago=3)
    log_in(client, organiser)

    text = page_text(client.get(f"/{small.event.slug}/manage/generator/runs/{run.id}"))

    assert '<meta http-equiv="refresh" content="2">' in text
    assert "En cours" in text
    assert "Meilleur score trouvé" in text and "1234" in text
    assert "Temps écoulé" in text and "3,2 s" in text
    assert "Programmes trouvés" in text and "<dd>7</dd>" in text
    assert "2 pas encore placées" in text


def test_run_left_running_by_a_dead_process_shows_as_failed(client, organiser, small):
    run = _run(small, state=RunState.running, progress={}, started_ago=30 + 61, time_limit=30)
    log_in(client, organiser)

    text = page_text(client.get(f"/{small.event.slug}/manage/generator/runs/{run.id}"))

    assert 'http-equiv="refresh"' not in text
    assert "Échouée" in text and "La génération s'est interrompue sans terminer" in text
    index = page_text(client.get(f"/{small.event.slug}/manage/generator"))
    assert "Une génération est en cours." not in index


def test_failed_run_shows_its_error(client, organiser, small):
    run = _run(small, state=RunState.failed, error="L'événement n'a aucune salle : ajoutez-en dans « Salles ».")
    log_in(client, organiser)
    text = page_text(client.get(f"/{small.event.slug}/manage/generator/runs/{run.id}"))
    assert "Échouée" in text and "L'événement n'a aucune salle" in text


def test_draft_page_shows_the_draft_by_day_and_room(client, organiser, small):
    session = add_session(small, "Au brouillon")
    draft = services.get_draft(small.event)
    room_id = small.rooms["Petite salle"].id
    db.session.add(
        Slot(
            version_id=draft.id,
            session_id=session.id,
            room_id=room_id,
            is_pinned=True,
            starts_at=datetime(2026, 3, 29, 8, 0, tzinfo=UTC),  # 10:00 in Paris, summer time
            ends_at=datetime(2026, 3, 29, 9, 0, tzinfo=UTC),
        )
    )
    db.session.commit()
    log_in(client, organiser)

    text = page_text(client.get(f"/{small.event.slug}/manage/generator/draft"))

    assert "dimanche 29 mars 2026" in text and "Petite salle" in text
    assert "Au brouillon" in text and "de 10h00 à 11h00" in text and "épinglée" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduleVersion)) == 1


def test_draft_page_offers_the_programme_table_downloads(client, db, make_user):
    from tests.programme.small_event import small_event

    organiser = make_user()
    small = small_event(organiser)
    log_in(client, organiser)
    page = client.get(f"/{small.event.slug}/manage/generator/draft").get_data(as_text=True)
    assert f"/{small.event.slug}/manage/programme.csv?version=draft" in page
    assert f"/{small.event.slug}/manage/programme.xlsx?version=draft" in page


def test_generator_timetable_writes_times_the_one_french_way(client, organiser, small):
    """The generator's timetable (the draft page and a run's report share it) writes 09h30, as the editor
    does: never "09 h 30" nor "09:30"."""
    from datetime import time

    from tests.programme.editor.helpers import put
    from tests.programme.small_event import SUMMER

    put(small, add_session(small, "Le métier de médiateur"), "Grande salle", SUMMER, time(9, 30), time(10, 45))
    log_in(client, organiser)

    text = page_text(client.get(f"/{small.event.slug}/manage/generator/draft"))

    assert "09h30" in text and "de 09h30 à 10h45" in text
    assert "09 h 30" not in text and "09:30" not in text


def test_run_report_and_draft_list_a_round_table_left_with_one_panelist(client, organiser, small, wait_for_runs):
    ana, ben = add_speaker(small, "Ana Morel"), add_speaker(small, "Ben Roux")
    table = add_session(small, "Financer son EPN", kind=FormatKind.round_table, speakers=[ana, ben])
    add_session(small, "Une intervention", speakers=[ana])
    table.speakers[1].invitation_state = InvitationState.declined
    db.session.commit()
    log_in(client, organiser)

    response = client.post(f"/{small.event.slug}/manage/generator", data=VALID)
    [run] = runs_of(small.event)
    assert wait_for_runs(run.id, timeout=60)
    db.session.rollback()

    rule = "« Financer son EPN » — Table ronde : 2 à 5 intervenant·es attendu·es, 1 seul·e prévu·e."
    report = page_text(client.get(response.headers["Location"]))
    assert "2 sessions placées sur 2." in report
    assert "Sessions hors des règles de leur format" in report and rule in report
    assert "Une intervention »" not in report  # the talk of one speaker is fine
    draft_page = page_text(client.get(f"/{small.event.slug}/manage/generator/draft"))
    assert "Sessions hors des règles de leur format" in draft_page and rule in draft_page
