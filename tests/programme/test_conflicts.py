"""The editor's warnings (programme/conflicts.py): one kind at a time, their French words, and what is not a problem."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from nec.events.models import FormatKind
from nec.extensions import db
from nec.programme import conflicts
from nec.programme.conflicts import Kind
from nec.programme.draft import get_draft
from nec.programme.editor import services as editor
from nec.programme.models import Slot
from nec.proposals.models import InvitationState, SessionState
from tests.programme.editor.helpers import put, put_break, warnings
from tests.programme.small_event import SUMMER, WINTER, add_session, add_speaker, small_event


@pytest.fixture
def small(app):
    return small_event()


def _kinds(found) -> list[Kind]:
    return [w.kind for w in found]


# --- a clean programme ----------------------------------------------------------------------------------


def test_clean_programme_has_no_warning(small):
    ana = add_speaker(small, "Ana Morel", [(SUMMER, time(9), time(17))])
    ben = add_speaker(small, "Ben Roux", [(WINTER, time(9), time(12)), (SUMMER, time(9), time(12))])
    chloe = add_speaker(small, "Chloé Petit")
    opening = add_session(small, "Ouverture", kind=FormatKind.plenary, speakers=[ana, ben])
    table = add_session(small, "Financer son EPN", kind=FormatKind.round_table, speakers=[ana, chloe], seats=80)
    workshop = add_session(small, "Atelier tiers-lieux", kind=FormatKind.workshop, speakers=[ben], seats=20)
    talk = add_session(small, "Le samedi matin", speakers=[ben])
    put(small, opening, "Grande salle", SUMMER, time(9), time(10))
    put(small, table, "Grande salle", SUMMER, time(10), time(11))  # starts when the plenary ends
    put(small, workshop, "Petite salle", SUMMER, time(10), time(12))  # ends when lunch starts
    put(small, talk, "Petite salle", WINTER, time(11), time(12))  # ends when the day closes
    put_break(small, "Pause café", SUMMER, time(15), time(15, 30))

    assert warnings(small) == []


# --- room overlap ----------------------------------------------------------------------------------------


def test_two_sessions_in_one_room_at_once_are_a_room_overlap(small):
    first = add_session(small, "Le métier de médiateur")
    second = add_session(small, "Financer l'inclusion")
    put(small, first, "Grande salle", SUMMER, time(10), time(11))
    put(small, second, "Grande salle", SUMMER, time(10, 30), time(11, 30))

    found = warnings(small)

    assert _kinds(found) == [Kind.room_overlap]
    assert found[0].message == (
        "« Grande salle » accueille en même temps « Le métier de médiateur » et « Financer l'inclusion » "
        "(dimanche 29 mars, 10h30–11h30)."
    )
    assert found[0].session_ids == (first.id, second.id)


def test_sessions_one_after_the_other_in_one_room_are_not_an_overlap(small):
    ana = add_speaker(small, "Ana Morel")
    first = add_session(small, "Avant", speakers=[ana])
    second = add_session(small, "Après", speakers=[ana])
    put(small, first, "Grande salle", SUMMER, time(10), time(11))
    put(small, second, "Grande salle", SUMMER, time(11), time(12))

    assert warnings(small) == []


def test_same_time_in_two_rooms_is_not_a_room_overlap(small):
    put(small, add_session(small, "A"), "Grande salle", SUMMER, time(10), time(11))
    put(small, add_session(small, "B"), "Petite salle", SUMMER, time(10), time(11))

    assert warnings(small) == []


def test_a_session_without_a_room_is_reported(small):
    session = add_session(small, "Sans salle")
    put(small, session, None, SUMMER, time(10), time(11))

    found = warnings(small)

    assert [(w.kind, w.message) for w in found] == [(Kind.room_overlap, "« Sans salle » n'a pas de salle.")]


# --- a person in two places --------------------------------------------------------------------------------


def test_a_speaker_in_two_rooms_at_once_is_a_person_overlap(small):
    ana = add_speaker(small, "Ana Morel")
    first = add_session(small, "Le métier de médiateur", speakers=[ana])
    second = add_session(small, "Financer l'inclusion", speakers=[ana, add_speaker(small, "Ben Roux")])
    put(small, first, "Grande salle", SUMMER, time(10), time(11))
    put(small, second, "Petite salle", SUMMER, time(10, 30), time(11, 30))

    found = warnings(small)

    assert _kinds(found) == [Kind.person_overlap]
    assert found[0].message == (
        "Ana Morel est prévu·e à deux endroits en même temps : « Le métier de médiateur » et "
        "« Financer l'inclusion » (dimanche 29 mars, 10h30–11h30)."
    )
    assert set(found[0].session_ids) == {first.id, second.id}


def test_a_declined_co_speaker_is_not_in_two_places(small):
    ana = add_speaker(small, "Ana Morel")
    first = add_session(small, "A", speakers=[ana])
    second = add_session(small, "B", speakers=[add_speaker(small, "Ben Roux"), ana])
    second.speakers[1].invitation_state = InvitationState.declined
    db.session.commit()
    put(small, first, "Grande salle", SUMMER, time(10), time(11))
    put(small, second, "Petite salle", SUMMER, time(10), time(11))

    assert warnings(small) == []


def test_an_invited_co_speaker_who_has_not_answered_yet_counts(small):
    ana = add_speaker(small, "Ana Morel")
    first = add_session(small, "A", speakers=[ana])
    second = add_session(small, "B", speakers=[add_speaker(small, "Ben Roux"), ana])
    second.speakers[1].invitation_state = InvitationState.invited
    db.session.commit()
    put(small, first, "Grande salle", SUMMER, time(10), time(11))
    put(small, second, "Petite salle", SUMMER, time(10), time(11))

    assert _kinds(warnings(small)) == [Kind.person_overlap]


# --- availability ------------------------------------------------------------------------------------------


def test_a_session_outside_a_speakers_availability_is_reported(small):
    ana = add_speaker(small, "Ana Morel", [(SUMMER, time(9), time(10))])
    session = add_session(small, "Financer l'inclusion", speakers=[ana])
    put(small, session, "Grande salle", SUMMER, time(9, 30), time(10, 30))

    found = warnings(small)

    assert [(w.kind, w.message, w.session_ids) for w in found] == [
        (
            Kind.availability,
            "Ana Morel n'est pas disponible pendant « Financer l'inclusion » (dimanche 29 mars, 09h30–10h30).",
            (session.id,),
        )
    ]


def test_a_speaker_who_gave_no_availability_is_not_reported(small):
    ana = add_speaker(small, "Ana Morel")
    put(small, add_session(small, "A", speakers=[ana]), "Grande salle", SUMMER, time(16), time(17))

    assert warnings(small) == []


def test_availability_windows_that_touch_are_merged(small):
    ana = add_speaker(small, "Ana Morel", [(SUMMER, time(13, 30), time(17)), (SUMMER, time(9), time(12))])
    ben = add_speaker(small, "Ben Roux", [(SUMMER, time(9), time(11)), (SUMMER, time(11), time(17))])
    put(small, add_session(small, "A cheval sur midi", speakers=[ana]), "Grande salle", SUMMER, time(9), time(12))
    # 10:30-11:30 spans the end of Ben's morning and the start of his afternoon: one window for him.
    put(small, add_session(small, "B", speakers=[ben]), "Petite salle", SUMMER, time(10, 30), time(11, 30))

    assert warnings(small) == []


def test_availability_windows_with_a_gap_between_them_are_not_merged(small):
    ben = add_speaker(small, "Ben Roux", [(SUMMER, time(9), time(11)), (SUMMER, time(11, 15), time(17))])
    put(small, add_session(small, "B", speakers=[ben]), "Petite salle", SUMMER, time(10, 30), time(11, 30))

    assert _kinds(warnings(small)) == [Kind.availability]


def test_a_declined_co_speakers_availability_does_not_count(small):
    ana = add_speaker(small, "Ana Morel", [(WINTER, time(9), time(10))])
    session = add_session(small, "B", speakers=[add_speaker(small, "Ben Roux"), ana])
    session.speakers[1].invitation_state = InvitationState.declined
    db.session.commit()
    put(small, session, "Petite salle", SUMMER, time(10), time(11))

    assert warnings(small) == []


# --- capacity ----------------------------------------------------------------------------------------------


def test_more_seats_than_the_room_has_is_reported(small):
    session = add_session(small, "Atelier tiers-lieux", kind=FormatKind.workshop, seats=30)
    put(small, session, "Petite salle", SUMMER, time(10), time(11))

    found = warnings(small)

    assert [(w.kind, w.message) for w in found] == [
        (Kind.capacity, "« Atelier tiers-lieux » prévoit 30 places, mais « Petite salle » n'en a que 20.")
    ]


@pytest.mark.parametrize(("seats", "room_capacity"), [(20, 20), (None, 20), (500, None)])
def test_seats_that_fit_or_are_unknown_are_not_reported(small, seats, room_capacity):
    small.rooms["Petite salle"].capacity = room_capacity
    session = add_session(small, "Atelier", kind=FormatKind.workshop, seats=seats)
    put(small, session, "Petite salle", SUMMER, time(10), time(11))

    assert warnings(small) == []


# --- the event's days and hours, breaks ---------------------------------------------------------------------


def test_a_session_before_the_day_opens_is_reported(small):
    session = add_session(small, "Très tôt")
    put(small, session, "Grande salle", SUMMER, time(8, 30), time(9, 30))

    found = warnings(small)

    assert [(w.kind, w.message) for w in found] == [
        (
            Kind.hours,
            "« Très tôt » déborde des horaires de la journée, de 09h00 à 17h00 (dimanche 29 mars, 08h30–09h30).",
        )
    ]


def test_a_session_after_the_day_closes_is_reported(small):
    put(small, add_session(small, "Tard"), "Grande salle", WINTER, time(11, 30), time(12, 30))

    found = warnings(small)

    assert _kinds(found) == [Kind.hours]
    assert "de 09h00 à 12h00 (samedi 28 mars, 11h30–12h30)" in found[0].message


def test_a_session_on_a_day_without_the_event_is_reported(small):
    put(small, add_session(small, "Le lundi"), "Grande salle", date(2026, 3, 30), time(10), time(11))

    found = warnings(small)

    assert [(w.kind, w.message) for w in found] == [
        (Kind.hours, "« Le lundi » a lieu un jour où l'événement n'a pas lieu (lundi 30 mars, 10h00–11h00).")
    ]


def test_a_session_running_past_midnight_overflows_its_day(small):
    """Saturday is a day of the event: the session does not take place on a day without it, it overflows."""
    session = add_session(small, "Veillée")
    start = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)  # 23:30 in Paris on Saturday
    db.session.add(
        Slot(
            version_id=get_draft(small.event).id,
            session_id=session.id,
            room_id=small.rooms["Grande salle"].id,
            starts_at=start,
            ends_at=datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # 0:30 on Sunday (still winter time then)
        )
    )
    db.session.commit()

    assert [(w.kind, w.message) for w in warnings(small)] == [
        (
            Kind.hours,
            "« Veillée » déborde des horaires de la journée, de 09h00 à 12h00 (samedi 28 mars, 23h30–00h30).",
        )
    ]


def test_a_session_over_lunch_is_reported(small):
    put(small, add_session(small, "Midi"), "Grande salle", SUMMER, time(11, 30), time(12, 30))

    found = warnings(small)

    assert [(w.kind, w.message) for w in found] == [
        (Kind.hours, "« Midi » empiète sur la pause « Déjeuner » (dimanche 29 mars, 11h30–12h30).")
    ]


def test_a_session_over_a_break_is_reported_and_one_touching_it_is_not(small):
    put_break(small, "Pause café", SUMMER, time(15), time(15, 30))
    put(small, add_session(small, "Avant la pause"), "Grande salle", SUMMER, time(14), time(15))
    put(small, add_session(small, "Après la pause"), "Grande salle", SUMMER, time(15, 30), time(16, 30))
    put(small, add_session(small, "Pendant"), "Petite salle", SUMMER, time(14, 45), time(15, 15))

    found = warnings(small)

    assert [(w.kind, w.message) for w in found] == [
        (Kind.hours, "« Pendant » empiète sur la pause « Pause café » (dimanche 29 mars, 14h45–15h15).")
    ]


# --- plenaries ---------------------------------------------------------------------------------------------


def test_a_session_during_a_plenary_is_reported(small):
    plenary = add_session(small, "Ouverture", kind=FormatKind.plenary)
    talk = add_session(small, "Financer l'inclusion")
    put(small, plenary, "Grande salle", SUMMER, time(9), time(10))
    put(small, talk, "Petite salle", SUMMER, time(9, 30), time(10, 30))

    found = warnings(small)

    assert [(w.kind, w.message) for w in found] == [
        (
            Kind.plenary,
            "« Financer l'inclusion » a lieu pendant la plénière « Ouverture » (dimanche 29 mars, 09h30–10h30).",
        )
    ]
    assert set(found[0].session_ids) == {plenary.id, talk.id}


def test_a_session_that_starts_before_a_plenary_and_runs_into_it_is_reported(small):
    talk = add_session(small, "Atelier matinal")
    plenary = add_session(small, "Ouverture", kind=FormatKind.plenary)
    put(small, talk, "Petite salle", SUMMER, time(9), time(10))
    put(small, plenary, "Grande salle", SUMMER, time(9, 30), time(10, 30))

    found = warnings(small)

    assert _kinds(found) == [Kind.plenary]
    assert found[0].message.startswith("« Atelier matinal » a lieu pendant la plénière « Ouverture »")


def test_a_session_after_a_plenary_is_not_reported(small):
    put(small, add_session(small, "Ouverture", kind=FormatKind.plenary), "Grande salle", SUMMER, time(9), time(10))
    put(small, add_session(small, "Ensuite"), "Petite salle", SUMMER, time(10), time(11))

    assert warnings(small) == []


# --- accessibility -----------------------------------------------------------------------------------------


def test_a_session_needing_a_step_free_room_in_a_room_without_one_is_reported(small):
    small.rooms["Petite salle"].is_accessible = False
    session = add_session(small, "Atelier en fauteuil")
    session.needs_accessible_room = True
    db.session.commit()
    put(small, session, "Petite salle", SUMMER, time(10), time(11))

    found = warnings(small)

    assert [(w.kind, w.message) for w in found] == [
        (
            Kind.accessibility,
            "« Atelier en fauteuil » demande une salle accessible (de plain-pied), et « Petite salle » ne l'est pas.",
        )
    ]


def test_a_session_needing_a_step_free_room_in_an_accessible_one_is_fine(small):
    small.rooms["Petite salle"].is_accessible = False
    session = add_session(small, "Atelier en fauteuil")
    session.needs_accessible_room = True
    db.session.commit()
    put(small, session, "Grande salle", SUMMER, time(10), time(11))
    # A session that does not need it may go to the room without step-free access.
    put(small, add_session(small, "Autre"), "Petite salle", SUMMER, time(10), time(11))

    assert warnings(small) == []


# --- unconfirmed sessions ----------------------------------------------------------------------------------


def test_an_accepted_session_not_yet_confirmed_is_reported(small):
    put(
        small,
        add_session(small, "Pas encore sûr", state=SessionState.accepted),
        "Grande salle",
        SUMMER,
        time(10),
        time(11),
    )

    found = warnings(small)

    assert [(w.kind, w.message) for w in found] == [
        (Kind.unconfirmed, "« Pas encore sûr » n'est pas encore confirmée par ses intervenant·es.")
    ]


@pytest.mark.parametrize(
    ("state", "title"),
    [(SessionState.cancelled, "Annulée"), (SessionState.withdrawn, "Retirée"), (SessionState.rejected, "Refusée")],
)
def test_a_session_that_no_longer_takes_place_is_reported(small, state, title):
    put(small, add_session(small, "Partie", state=state), "Grande salle", SUMMER, time(10), time(11))

    found = warnings(small)

    assert [(w.kind, w.message) for w in found] == [
        (Kind.unconfirmed, f"« Partie » est « {title} » : elle ne sera pas publiée, retirez-la du programme.")
    ]


# --- time zone ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "utc_start", "expected"),
    [
        # Winter (UTC+1): 7:30 UTC is 8:30 in Paris, before the doors open.
        (
            WINTER,
            time(7, 30),
            "« Matin » déborde des horaires de la journée, de 09h00 à 12h00 (samedi 28 mars, 08h30–09h30).",
        ),
        # Summer (UTC+2): the same 7:30 UTC is 9:30 in Paris, within the day.
        (SUMMER, time(7, 30), None),
        # Summer: 10:30 UTC is 12:30 in Paris, over lunch (which is written in local time).
        (SUMMER, time(10, 30), "« Matin » empiète sur la pause « Déjeuner » (dimanche 29 mars, 12h30–13h30)."),
        # Winter: 9:30 UTC is 10:30 in Paris, within the day (Saturday has no lunch).
        (WINTER, time(9, 30), None),
    ],
)
def test_hours_are_read_in_the_events_time_zone_in_winter_and_summer(small, day, utc_start, expected):
    session = add_session(small, "Matin")
    start = datetime.combine(day, utc_start, tzinfo=UTC)
    db.session.add(
        Slot(
            version_id=get_draft(small.event).id,
            session_id=session.id,
            room_id=small.rooms["Grande salle"].id,
            starts_at=start,
            ends_at=start.replace(hour=start.hour + 1),
        )
    )
    db.session.commit()

    assert [w.message for w in warnings(small)] == ([expected] if expected else [])


def test_availability_is_compared_as_instants_across_the_change_of_time(small):
    # Ana is free from 9:00 to 10:00 Paris time on each day: 8:00-9:00 UTC on Saturday, 7:00-8:00 UTC on Sunday.
    ana = add_speaker(small, "Ana Morel", [(WINTER, time(9), time(10)), (SUMMER, time(9), time(10))])
    saturday = add_session(small, "Samedi", speakers=[ana])
    sunday = add_session(small, "Dimanche", speakers=[ana])
    put(small, saturday, "Grande salle", WINTER, time(9), time(10))
    put(small, sunday, "Grande salle", SUMMER, time(9), time(10))

    assert warnings(small) == []


def test_an_event_in_another_time_zone_shows_its_own_hours(app):
    small = small_event(timezone="America/Martinique")  # UTC-4, no summer time
    session = add_session(small, "Aux Antilles")
    put(small, session, "Grande salle", SUMMER, time(8), time(9))

    found = warnings(small)

    assert [w.message for w in found] == [
        "« Aux Antilles » déborde des horaires de la journée, de 09h00 à 17h00 (dimanche 29 mars, 08h00–09h00)."
    ]
    assert found[0].kind == Kind.hours


# --- several at once, the order and by_session ------------------------------------------------------------


def test_warnings_are_listed_by_kind_and_grouped_by_session(small):
    ana = add_speaker(small, "Ana Morel", [(SUMMER, time(14), time(17))])
    first = add_session(small, "A", speakers=[ana], state=SessionState.accepted)
    second = add_session(small, "B", speakers=[ana])
    third = add_session(small, "C")
    put(small, first, "Grande salle", SUMMER, time(10), time(11))
    put(small, second, "Grande salle", SUMMER, time(10), time(11))
    put(small, third, "Petite salle", SUMMER, time(16, 30), time(17, 30))

    found = warnings(small)

    assert _kinds(found) == [
        Kind.room_overlap,
        Kind.person_overlap,
        Kind.availability,
        Kind.availability,
        Kind.hours,
        Kind.unconfirmed,
    ]
    grouped = conflicts.by_session(found)
    assert [w.kind for w in grouped[first.id]] == [
        Kind.room_overlap,
        Kind.person_overlap,
        Kind.availability,
        Kind.unconfirmed,
    ]
    assert [w.kind for w in grouped[second.id]] == [Kind.room_overlap, Kind.person_overlap, Kind.availability]
    assert [w.kind for w in grouped[third.id]] == [Kind.hours]


def test_day_breaks_are_the_break_slots_and_each_days_lunch(small):
    coffee = put_break(small, "Pause café", WINTER, time(10, 30), time(10, 45))
    put(small, add_session(small, "A"), "Grande salle", WINTER, time(9), time(10))
    db.session.expire_all()

    periods = conflicts.day_breaks(small.event, small.event.days, editor.board_slots(small.event))

    assert [(p.title, p.starts_at, p.ends_at) for p in periods] == [
        ("Pause café", coffee.starts_at, coffee.ends_at),
        ("Déjeuner", datetime(2026, 3, 29, 10, 0, tzinfo=UTC), datetime(2026, 3, 29, 11, 30, tzinfo=UTC)),
    ]


# --- the format's speaker count ------------------------------------------------------------------------


def test_round_table_left_with_one_panelist_after_a_decline_warns_with_the_formats_rule(small):
    ana = add_speaker(small, "Ana Morel")
    ben = add_speaker(small, "Ben Roux")
    table = add_session(small, "Financer son EPN", kind=FormatKind.round_table, speakers=[ana, ben])
    put(small, table, "Grande salle", SUMMER, time(10), time(11))
    assert warnings(small) == []

    table.speakers[1].invitation_state = InvitationState.declined
    db.session.commit()
    found = warnings(small)

    assert _kinds(found) == [Kind.lineup]
    assert found[0].message == (
        "« Financer son EPN » — Table ronde : 2 à 5 intervenant·es attendu·es, 1 seul·e prévu·e."
    )
    assert found[0].session_ids == (table.id,)


def test_talk_with_three_speakers_warns_and_a_session_without_people_does_not(small):
    people = [add_speaker(small, name) for name in ("Ana Morel", "Ben Roux", "Chloé Petit")]
    crowded = add_session(small, "Trois voix", speakers=people)
    empty = add_session(small, "Accueil")
    put(small, crowded, "Grande salle", SUMMER, time(10), time(11))
    put(small, empty, "Petite salle", SUMMER, time(10), time(11))

    found = warnings(small)

    assert _kinds(found) == [Kind.lineup]
    assert "1 à 2 intervenant·es attendu·es, 3 prévu·es" in found[0].message
