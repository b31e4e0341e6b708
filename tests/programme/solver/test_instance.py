import json

import pytest

from nec.programme.solver.instance import (
    Assignment,
    Instance,
    InstanceError,
    Window,
    instance_from_dict,
    load_instance,
)
from tests.programme.solver.builders import FRIDAY, THURSDAY, data, minute, session


def full_data():
    return data(
        name="NEC test",
        grid=15,
        days=[
            {
                "date": THURSDAY,
                "opens": "09:00",
                "closes": "17:30",
                "breaks": [{"start": "12:30", "end": "14:00", "label": "Déjeuner"}],
            },
            {"date": FRIDAY, "opens": "09:00", "closes": "12:00", "breaks": []},
        ],
        rooms=[
            {"id": "A", "name": "Salle A", "capacity": 80, "kind": "physical", "accessible": True},
            {"id": "V", "name": "Visio", "capacity": 300, "kind": "virtual", "accessible": True},
        ],
        speakers=[
            {"id": "x", "name": "Mme X", "availability": [{"day": THURSDAY, "start": "09:00", "end": "12:00"}]},
            {"id": "y", "name": "M. Y", "availability": []},
        ],
        sessions=[
            session("s1", 75, format="round_table", theme="emploi", speakers=["x", "y"], seats=40),
            session("s2", 120, format="workshop", seats=12, room_kind="virtual", needs_accessible=True),
            session("s3", 30, pinned={"day": FRIDAY, "start": "10:00", "room": "A"}),
        ],
        wishes={"u1": ["s1", "s2"]},
        previous=[{"session": "s1", "room": "A", "day": THURSDAY, "start": "09:30"}],
    )


def errors_of(payload) -> list[str]:
    with pytest.raises(InstanceError) as caught:
        instance_from_dict(payload)
    return caught.value.messages


def test_instance_json_round_trip(tmp_path):
    original = instance_from_dict(full_data())
    path = tmp_path / "instance.json"
    original.to_json(path)
    again = load_instance(path)
    assert again.to_dict() == original.to_dict()
    assert again.sessions == original.sessions
    assert again.speakers == original.speakers
    assert again.session("s3").pin.start == minute("10:00", day=1)
    assert again.previous == {"s1": Assignment("A", minute("09:30"))}
    assert again.speaker("x").availability == (Window(minute("09:00"), minute("12:00")),)


def test_instance_periods_exclude_breaks():
    inst = instance_from_dict(full_data())
    assert inst.periods() == [
        Window(minute("09:00"), minute("12:30")),
        Window(minute("14:00"), minute("17:30")),
        Window(minute("09:00", 1), minute("12:00", 1)),
    ]


def test_instance_zero_length_break_splits_a_period():
    inst = instance_from_dict(
        data(
            days=[
                {"date": THURSDAY, "opens": "09:00", "closes": "11:00", "breaks": [{"start": "10:00", "end": "10:00"}]}
            ]
        )
    )
    assert inst.periods() == [Window(minute("09:00"), minute("10:00")), Window(minute("10:00"), minute("11:00"))]


def test_instance_describes_times_in_french():
    inst = instance_from_dict(full_data())
    assert inst.describe_minute(minute("09:30")) == "jeudi 28 janvier à 9 h 30"
    assert inst.describe_window(minute("14:00", 1), minute("16:00", 1)) == "le vendredi 29 janvier de 14 h à 16 h"
    assert inst.datetime_of(minute("10:15", 1)).isoformat() == "2021-01-29T10:15:00"


def test_instance_speakers_named_only_in_sessions_are_always_available():
    inst = instance_from_dict(data(speakers=[], sessions=[session("a", speakers=["z"])]))
    assert inst.speaker("z").availability == ()


def test_load_instance_invalid_json_in_french(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"days": [', encoding="utf-8")
    with pytest.raises(InstanceError) as caught:
        load_instance(path)
    assert "n'est pas du JSON valide (ligne 1" in caught.value.messages[0]


def test_load_instance_missing_file_in_french(tmp_path):
    with pytest.raises(InstanceError) as caught:
        load_instance(tmp_path / "absent.json")
    assert caught.value.messages[0].startswith("Impossible de lire le fichier")


def test_instance_not_an_object():
    assert errors_of([1, 2]) == ["Le fichier doit contenir un objet JSON ({ ... }) avec days, rooms et sessions."]


def test_instance_collects_every_error_in_french():
    payload = data(
        days=[{"date": "28/01/2021", "opens": "9h", "closes": "12:00"}],
        rooms=[{"id": "A", "capacity": 0}, {"id": "B", "capacity": 10, "kind": "cloud"}],
        speakers=[{"id": "x"}, {"id": "x"}],
        sessions=[
            session("a", duration=0),
            session("b", format="keynote", speakers=["nobody"]),
            session("c", pinned={"day": THURSDAY, "start": "10:00", "room": "Z"}),
            session("c"),
        ],
        wishes={"u": ["a", "ghost"]},
    )
    messages = errors_of(payload)
    expected = [
        "« date » doit être une date comme « 2021-01-28 » (reçu : '28/01/2021')",
        "« opens » doit être une heure comme « 09:30 » (reçu : '9h')",
        "« capacity » doit valoir au moins 1 (reçu : 0)",
        "« kind » doit valoir « physical » (sur place) ou « virtual » (en ligne)",
        "l'identifiant « x » est déjà pris par une autre personne",
        "« duration » doit valoir au moins 1 (reçu : 0)",
        "« format » doit valoir round_table, workshop, talk ou plenary (reçu : 'keynote')",
        "la personne « nobody » n'est pas dans la liste « speakers »",
        "épinglage : la salle « Z » n'existe pas",
        "l'identifiant « c » est déjà pris par une autre session",
        "Souhaits : 1 session(s) inconnue(s) (ghost)",
    ]
    for text in expected:
        assert any(text in m for m in messages), (text, messages)


def test_instance_closing_before_opening():
    messages = errors_of(data(days=[{"date": THURSDAY, "opens": "12:00", "closes": "09:00"}]))
    assert messages == ["Jour du 2021-01-28 : l'heure de fermeture (09:00) doit suivre l'ouverture."]


def test_instance_requires_days_rooms_and_sessions():
    messages = errors_of({"grid": 15})
    assert "Le champ « days » est obligatoire (une liste)." in messages
    assert "Le champ « rooms » est obligatoire (une liste)." in messages
    assert "Le champ « sessions » est obligatoire (une liste)." in messages


def test_instance_pin_on_a_day_outside_the_event():
    messages = errors_of(data(sessions=[session("a", pinned={"day": "2021-02-01", "start": "10:00"})]))
    assert messages == ["Session n° 1 (a), épinglage : le 2021-02-01 n'est pas un jour de l'événement."]


def test_instance_is_plain_data():
    inst = instance_from_dict(full_data())
    assert isinstance(inst, Instance)
    assert json.loads(json.dumps(inst.to_dict()))["sessions"][0]["speakers"] == ["x", "y"]
