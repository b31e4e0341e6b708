import json

from click.testing import CliRunner

from nec.cli import programme_cli
from nec.programme.solver.checker import check, check_output
from nec.programme.solver.instance import Assignment, InstanceError, instance_from_dict
from nec.programme.solver.solve import Progress, Weights, main, score, solve
from tests.programme.solver.builders import FRIDAY, THURSDAY, data, instance, minute, session

LIMIT = 3.0


def run(inst, **kwargs):
    result = solve(inst, time_limit=kwargs.pop("time_limit", LIMIT), **kwargs)
    assert check(inst, result.assignments, result.unplaced) == []
    return result


def spans(inst, result):
    return {sid: (p.start, p.start + inst.session(sid).duration) for sid, p in result.assignments.items()}


# --- hard constraints ----------------------------------------------------------------------------


def test_solve_two_sessions_one_room_not_overlapping():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "11:00"}],
        sessions=[session("a"), session("b")],
    )
    result = run(inst)
    assert result.unplaced == {}
    assert sorted(p.start for p in result.assignments.values()) == [minute("09:00"), minute("10:00")]
    assert {p.room for p in result.assignments.values()} == {"A"}


def test_solve_person_in_two_sessions_not_at_once():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "11:00"}],
        rooms=[{"id": "A", "capacity": 50}, {"id": "B", "capacity": 50}],
        sessions=[session("a", speakers=["x"]), session("b", speakers=["y", "x"])],
    )
    result = run(inst)
    assert result.unplaced == {}
    assert {result.assignments["a"].start, result.assignments["b"].start} == {minute("09:00"), minute("10:00")}


def test_solve_person_in_three_sessions_of_two_hours_leaves_one_out():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "11:00"}],
        rooms=[{"id": "A", "capacity": 50}, {"id": "B", "capacity": 50}],
        sessions=[session("a", speakers=["x"]), session("b", speakers=["x"]), session("c", speakers=["x"])],
    )
    result = run(inst)
    assert len(result.assignments) == 2 and len(result.unplaced) == 1


def test_solve_respects_availability():
    inst = instance(
        speakers=[{"id": "x", "name": "Mme X", "availability": [{"day": THURSDAY, "start": "10:30", "end": "11:45"}]}],
        sessions=[session("a", speakers=["x"])],
    )
    result = run(inst)
    assert result.assignments["a"].start in (minute("10:30"), minute("10:45"))


def test_solve_fits_the_period_not_across_the_break():
    inst = instance(
        days=[
            {
                "date": THURSDAY,
                "opens": "09:00",
                "closes": "13:00",
                "breaks": [{"start": "10:30", "end": "11:00", "label": "Pause"}],
            }
        ],
        sessions=[session("a", 90), session("b", 90), session("c", 30)],
    )
    result = run(inst)
    assert result.unplaced == {}
    for start, end in spans(inst, result).values():
        assert end <= minute("10:30") or start >= minute("11:00")
        assert minute("09:00") <= start and end <= minute("13:00")


def test_solve_seats_fit_the_room():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "10:00"}],
        rooms=[{"id": "small", "capacity": 20}, {"id": "big", "capacity": 100}],
        sessions=[session("w", format="workshop", seats=50), session("t", seats=10)],
    )
    result = run(inst)
    assert result.assignments["w"].room == "big"
    assert result.assignments["t"].room == "small"


def test_solve_reports_room_shortage_when_seats_exceed_free_rooms():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "10:00"}],
        rooms=[{"id": "small", "capacity": 20}, {"id": "big", "capacity": 100}],
        sessions=[session("w1", seats=50), session("w2", seats=50)],
    )
    result = run(inst)
    assert len(result.assignments) == 1
    ((_, reasons),) = result.unplaced.items()
    assert "50 places ou plus" in reasons[0] and "occupées" in reasons[0]


def test_solve_keeps_pinned_sessions():
    inst = instance(
        rooms=[{"id": "A", "capacity": 50}, {"id": "B", "capacity": 50}],
        sessions=[
            session("p", pinned={"day": THURSDAY, "start": "10:00", "room": "B"}, speakers=["x"]),
            session("q", pinned={"day": THURSDAY, "start": "09:15"}),
            session("other", speakers=["x"]),
        ],
    )
    result = run(inst)
    assert result.assignments["p"] == Assignment("B", minute("10:00"))
    assert result.assignments["q"].start == minute("09:15")
    start = result.assignments["other"].start
    assert start + 60 <= minute("10:00") or start >= minute("11:00")


def test_solve_plenary_runs_alone():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "11:00"}],
        rooms=[{"id": "A", "capacity": 200}, {"id": "B", "capacity": 50}],
        sessions=[session("plen", format="plenary", seats=150), session("a"), session("b")],
    )
    result = run(inst)
    assert result.unplaced == {}
    s = spans(inst, result)
    assert s["a"] == s["b"]  # both in the other hour, in parallel
    assert s["plen"][1] <= s["a"][0] or s["a"][1] <= s["plen"][0]
    assert result.assignments["plen"].room == "A"


def test_solve_room_kind_and_accessibility():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "10:00"}],
        rooms=[
            {"id": "stairs", "capacity": 80, "accessible": False},
            {"id": "ground", "capacity": 40},
            {"id": "visio", "capacity": 300, "kind": "virtual"},
        ],
        sessions=[
            session("online", room_kind="virtual"),
            session("wheel", needs_accessible=True, room_kind="physical"),
            session("any", room_kind="physical"),
        ],
    )
    result = run(inst)
    assert result.assignments["online"].room == "visio"
    assert result.assignments["wheel"].room == "ground"
    assert result.assignments["any"].room == "stairs"


def test_solve_staircase_of_pinned_times_stays_valid():
    # Every instant passes Hall's condition, yet no room choice seats all four for their whole length.
    inst = instance(
        rooms=[{"id": "big", "capacity": 100}, {"id": "small", "capacity": 50}],
        sessions=[
            session("s1", 60, seats=50, pinned={"day": THURSDAY, "start": "09:00"}),
            session("s2", 60, seats=50, pinned={"day": THURSDAY, "start": "09:30"}),
            session("s3", 15, seats=100, pinned={"day": THURSDAY, "start": "09:00"}),
            session("s4", 15, seats=100, pinned={"day": THURSDAY, "start": "10:15"}),
        ],
    )
    result = run(inst)
    assert len(result.assignments) == 3
    assert all(reasons for reasons in result.unplaced.values())


# --- reasons for what cannot be placed -----------------------------------------------------------


def test_solve_explains_seats_above_the_largest_room():
    inst = instance(rooms=[{"id": "A", "capacity": 80}], sessions=[session("big", seats=120)])
    result = run(inst)
    assert result.unplaced["big"] == ["la capacité demandée (120 places) dépasse la plus grande salle (80 places)"]


def test_solve_explains_availability_too_short():
    inst = instance(
        days=[
            {"date": THURSDAY, "opens": "09:00", "closes": "18:00"},
            {"date": FRIDAY, "opens": "09:00", "closes": "18:00"},
        ],
        speakers=[{"id": "x", "name": "Mme X", "availability": [{"day": THURSDAY, "start": "09:00", "end": "12:00"}]}],
        sessions=[session("long", 240, speakers=["x"])],
    )
    result = run(inst)
    assert result.unplaced["long"] == [
        "Aucun créneau ne convient : Mme X n'est disponible que le jeudi 28 janvier de 9 h à 12 h "
        "et la session dure 4 h"
    ]


def test_solve_explains_speakers_without_common_time():
    inst = instance(
        days=[
            {"date": THURSDAY, "opens": "09:00", "closes": "12:00"},
            {"date": FRIDAY, "opens": "09:00", "closes": "12:00"},
        ],
        speakers=[
            {"id": "x", "name": "Mme X", "availability": [{"day": THURSDAY, "start": "09:00", "end": "12:00"}]},
            {"id": "y", "name": "M. Y", "availability": [{"day": FRIDAY, "start": "09:00", "end": "12:00"}]},
        ],
        sessions=[session("duo", speakers=["x", "y"])],
    )
    result = run(inst)
    assert result.unplaced["duo"][0].startswith("les intervenant·es Mme X et M. Y n'ont aucun créneau commun de 1 h")


def test_solve_explains_session_longer_than_any_period():
    inst = instance(sessions=[session("marathon", 240)])
    result = run(inst)
    assert "la plus longue plage horaire sans pause ne dure que 3 h" in result.unplaced["marathon"][0]


def test_solve_explains_missing_room_kind():
    inst = instance(sessions=[session("online", room_kind="virtual")])
    result = run(inst)
    assert result.unplaced["online"] == ["aucune salle en ligne n'est prévue pour l'événement"]


def test_solve_explains_conflicting_pins():
    inst = instance(
        sessions=[
            session("first", title="Ouverture", pinned={"day": THURSDAY, "start": "09:00", "room": "A"}),
            session("second", pinned={"day": THURSDAY, "start": "09:30", "room": "A"}),
        ]
    )
    result = run(inst)
    assert "first" in result.assignments
    assert "déjà prise au même moment par « Ouverture »" in result.unplaced["second"][0]


def test_solve_explains_person_busy_on_all_possible_starts():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "11:00"}],
        rooms=[{"id": "A", "capacity": 50}, {"id": "B", "capacity": 50}],
        speakers=[{"id": "x", "name": "Mme X"}],
        sessions=[session("a", 120, speakers=["x"], title="Grand atelier"), session("b", speakers=["x"])],
    )
    result = run(inst)
    assert set(result.assignments) == {"a"}
    assert "Mme X intervient déjà dans « Grand atelier »" in result.unplaced["b"][0]


# --- soft terms ----------------------------------------------------------------------------------


def test_solve_avoids_clashes_between_wished_sessions():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "11:00"}],
        rooms=[{"id": "A", "capacity": 50}, {"id": "B", "capacity": 50}],
        sessions=[session("a"), session("b"), session("c"), session("d")],
        wishes={f"u{i}": ["a", "b"] for i in range(5)} | {"v": ["c", "d"]},
    )
    result = run(inst)
    assert result.assignments["a"].start != result.assignments["b"].start
    assert result.assignments["c"].start != result.assignments["d"].start
    assert result.counts["wishes"] == 0


def test_solve_spreads_themes():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "11:00"}],
        rooms=[{"id": "A", "capacity": 50}, {"id": "B", "capacity": 50}],
        sessions=[
            session("e1", theme="emploi"),
            session("e2", theme="emploi"),
            session("f1", theme="financement"),
            session("f2", theme="financement"),
        ],
    )
    result = run(inst, weights=Weights(theme_rooms=0))
    assert result.counts["themes"] == 0
    assert result.assignments["e1"].start != result.assignments["e2"].start


def test_solve_keeps_previous_programme_when_possible():
    inst = instance(
        rooms=[{"id": "A", "capacity": 50}, {"id": "B", "capacity": 50}],
        sessions=[session("a"), session("b"), session("c")],
    )
    previous = {"a": Assignment("B", minute("11:00")), "b": Assignment("A", minute("09:00"))}
    result = run(inst, previous=previous)
    assert result.assignments["a"] == previous["a"]
    assert result.assignments["b"] == previous["b"]
    assert result.counts["changes"] == 0


def test_solve_reports_progress_and_times():
    seen: list[Progress] = []
    inst = instance(sessions=[session("a"), session("b")])
    result = run(inst, on_progress=seen.append)
    assert seen and seen[-1].placed == 2 and seen[-1].unplaced == 0
    assert result.status in ("optimal", "feasible")
    assert result.time_to_first is not None and result.time_to_first <= result.wall_time
    assert set(result.costs) == set(result.counts)
    assert result.objective == sum(result.costs.values())


def test_score_counts_each_term():
    inst = instance(
        days=[{"date": THURSDAY, "opens": "09:00", "closes": "12:00"}],
        rooms=[{"id": "A", "capacity": 50}, {"id": "B", "capacity": 50}],
        sessions=[
            session("a", theme="t", speakers=["x"]),
            session("b", theme="t", speakers=["x"]),
            session("c", theme="t"),
        ],
        wishes={"u": ["a", "c"], "v": ["a", "c"], "w": ["a", "b"]},
    )
    assignments = {
        "a": Assignment("A", minute("09:00")),
        "c": Assignment("B", minute("09:00")),
        "b": Assignment("B", minute("10:00")),  # right after a, for the same person x
    }
    counts, costs = score(inst, assignments, [], Weights(max_parallel=1), previous={"a": Assignment("A", 0)})
    assert counts == {
        "unplaced": 0,
        "wishes": 2,
        "themes": 4,  # a and c in parallel over four quarter-hours
        "density": 4,
        "back_to_back": 1,
        "theme_rooms": 1,
        "changes": 1,
    }
    assert costs["back_to_back"] == 5 * 1


def test_weights_from_dict_rejects_unknown_terms_in_french():
    try:
        Weights.from_dict({"wishes": -1, "colour": 2})
    except InstanceError as exc:
        assert any("critère inconnu « colour »" in m for m in exc.messages)
        assert any("« wishes » doit être un nombre entier positif" in m for m in exc.messages)
    else:
        raise AssertionError("invalid weights accepted")


# --- command line --------------------------------------------------------------------------------


def _write_instance(tmp_path, payload=None):
    path = tmp_path / "instance.json"
    payload = payload or data(
        rooms=[{"id": "A", "capacity": 50}, {"id": "B", "capacity": 30}],
        speakers=[{"id": "x", "name": "Mme X"}],
        sessions=[session("a", speakers=["x"]), session("b", speakers=["x"]), session("c", 90), session("d", seats=90)],
        wishes={"u": ["a", "c"]},
        weights={"wishes": 3},
    )
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_main_writes_output_the_checker_accepts(tmp_path, capsys):
    path = _write_instance(tmp_path)
    out = tmp_path / "out.json"
    assert main([str(path), "-o", str(out), "--time-limit", "2"]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    inst = instance_from_dict(json.loads(path.read_text(encoding="utf-8")))
    assert check_output(inst, written) == []
    assert {slot["session"] for slot in written["slots"]} == {"a", "b", "c"}
    assert written["unplaced"][0]["session"] == "d"
    assert "dépasse la plus grande salle" in written["unplaced"][0]["reasons"][0]
    assert "3 session(s) placée(s) sur 4" in capsys.readouterr().out


def test_main_rejects_an_invalid_instance_in_french(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('{"days": [], "rooms": "A"', encoding="utf-8")
    assert main([str(path), "-o", str(tmp_path / "out.json")]) == 1
    assert "n'est pas du JSON valide" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


def test_flask_programme_solve_command_writes_a_valid_programme(tmp_path):
    path = _write_instance(tmp_path)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(programme_cli, ["solve", str(path), "-o", str(out), "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    assert "Programme écrit dans" in result.output
    inst = instance_from_dict(json.loads(path.read_text(encoding="utf-8")))
    assert check_output(inst, json.loads(out.read_text(encoding="utf-8"))) == []


def test_flask_programme_solve_command_reports_instance_errors(tmp_path):
    path = _write_instance(tmp_path, data(sessions=[session("a", duration=0)]))
    result = CliRunner().invoke(programme_cli, ["solve", str(path), "-o", str(tmp_path / "out.json")])
    assert result.exit_code == 1
    assert "« duration » doit valoir au moins 1" in result.output
