from nec.programme.solver.checker import check, check_output, count_by_kind
from nec.programme.solver.instance import Assignment
from tests.programme.solver.builders import THURSDAY, instance, minute, session


def kinds(violations):
    return {kind: n for kind, n in count_by_kind(violations).items() if n}


def base(**overrides):
    fields = {
        "days": [
            {
                "date": THURSDAY,
                "opens": "09:00",
                "closes": "13:00",
                "breaks": [{"start": "11:00", "end": "11:30"}],
            }
        ],
        "rooms": [
            {"id": "A", "capacity": 50},
            {"id": "B", "capacity": 20, "accessible": False},
            {"id": "V", "capacity": 300, "kind": "virtual"},
        ],
        "speakers": [
            {"id": "x", "name": "Mme X", "availability": [{"day": THURSDAY, "start": "09:00", "end": "11:00"}]},
            {"id": "y", "name": "M. Y"},
        ],
        "sessions": [session("a", speakers=["x"]), session("b", speakers=["y"]), session("c", speakers=["y"])],
    }
    fields.update(overrides)
    return instance(**fields)


def test_check_accepts_a_valid_programme():
    inst = base()
    assignments = {
        "a": Assignment("A", minute("09:00")),
        "b": Assignment("A", minute("10:00")),
        "c": Assignment("B", minute("11:30")),
    }
    assert check(inst, assignments) == []


def test_check_catches_two_sessions_in_one_room():
    inst = base()
    assignments = {
        "a": Assignment("A", minute("09:00")),
        "b": Assignment("A", minute("09:30")),
        "c": Assignment("B", minute("11:30")),
    }
    assert kinds(check(inst, assignments)) == {"room_overlap": 1}


def test_check_catches_a_person_in_two_sessions():
    inst = base()
    assignments = {
        "a": Assignment("A", minute("09:00")),
        "b": Assignment("A", minute("11:30")),
        "c": Assignment("B", minute("12:00")),
    }
    assert kinds(check(inst, assignments)) == {"person_overlap": 1}


def test_check_catches_unavailability():
    inst = base()
    assignments = {
        "a": Assignment("A", minute("11:30")),
        "b": Assignment("A", minute("09:00")),
        "c": Assignment("A", minute("10:00")),
    }
    assert kinds(check(inst, assignments)) == {"availability": 1}


def test_check_catches_a_session_across_a_break_or_outside_hours():
    inst = base()
    assignments = {
        "a": Assignment("A", minute("10:30")),  # runs into the 11:00 break (and past Mme X's 11:00)
        "b": Assignment("A", minute("12:30")),  # ends after 13:00
        "c": Assignment("B", minute("08:00")),  # before opening
    }
    assert kinds(check(inst, assignments)) == {"period": 3, "availability": 1}


def test_check_catches_wrong_rooms():
    inst = base(
        sessions=[
            session("big", seats=40),
            session("online", room_kind="virtual"),
            session("wheel", needs_accessible=True),
        ]
    )
    assignments = {
        "big": Assignment("B", minute("09:00")),
        "online": Assignment("A", minute("09:00")),
        "wheel": Assignment("B", minute("10:00")),
    }
    assert kinds(check(inst, assignments)) == {"room": 3}


def test_check_catches_a_moved_pinned_session():
    inst = base(sessions=[session("p", pinned={"day": THURSDAY, "start": "09:00", "room": "A"})])
    assert kinds(check(inst, {"p": Assignment("B", minute("09:00"))})) == {"pinned": 1}
    assert kinds(check(inst, {"p": Assignment("A", minute("09:15"))})) == {"pinned": 1}
    assert check(inst, {"p": Assignment("A", minute("09:00"))}) == []


def test_check_catches_a_session_during_a_plenary():
    inst = base(sessions=[session("plen", format="plenary"), session("side")])
    assignments = {"plen": Assignment("A", minute("09:00")), "side": Assignment("V", minute("09:45"))}
    assert kinds(check(inst, assignments)) == {"plenary": 1}


def test_check_catches_missing_sessions_and_empty_reasons():
    inst = base()
    assignments = {"a": Assignment("A", minute("09:00"))}
    assert kinds(check(inst, assignments, {"b": ["trop longue"], "c": []})) == {"missing": 1}


def test_check_output_catches_duplicates_and_unknown_rooms():
    inst = base()
    output = {
        "slots": [
            {"session": "a", "room": "A", "day": THURSDAY, "start": "09:00"},
            {"session": "a", "room": "A", "day": THURSDAY, "start": "10:00"},
            {"session": "b", "room": "Z", "day": THURSDAY, "start": "10:00"},
            {"session": "c", "room": "A", "day": "2021-02-02", "start": "10:00"},
        ],
        "unplaced": [],
    }
    found = kinds(check_output(inst, output))
    assert found["duplicate"] == 1
    assert found["unknown"] == 2
    assert found["missing"] == 2  # b and c are neither validly placed nor explained
