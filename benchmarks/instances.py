"""Benchmark instances for the programme generator, built deterministically from a seed.

`local()` is an NEC at local scale (70 sessions, 6 rooms, 2 days, 400 participants with wishes),
`national()` at national scale (300 sessions, 12 rooms, 3 days, 2,000 participants), and
`pycon_uk_2016()` the reference instance of the conference-scheduler project (69 real talks,
3 days, 4 talk rooms, 108 slots) read from ../shared/data/pyconuk-2016-talks.yml.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from pathlib import Path

import yaml

from nec.programme.solver.instance import (
    MINUTES_PER_DAY,
    Break,
    Day,
    Instance,
    SolverRoom,
    SolverSession,
    Speaker,
    Window,
)

THEMES = (
    "métier de médiateur",
    "financement",
    "insertion et emploi",
    "tiers-lieux",
    "animer un réseau",
    "accessibilité",
    "données et communs",
    "jeunesse",
    "seniors",
    "territoires ruraux",
)


def _day(start: date, index: int, opens: int, closes: int) -> Day:
    return Day(start + timedelta(days=index), opens, closes, (Break(12 * 60 + 30, 14 * 60, "Déjeuner"),))


def _synthetic(
    *,
    seed: int,
    name: str,
    days: int,
    opens: int,
    closes: int,
    rooms: list[SolverRoom],
    mix: dict[str, tuple[int, int]],  # format -> (count, duration)
    plenaries: int,
    participants: int,
    themes: int,
) -> Instance:
    rng = random.Random(seed)
    first = date(2026, 1, 28)
    day_list = [_day(first, i, opens, closes) for i in range(days)]
    theme_names = THEMES[:themes]
    physical = sorted((r.capacity for r in rooms if r.kind == "physical"), reverse=True)
    sessions: list[SolverSession] = []
    formats = [fmt for fmt, (count, _) in mix.items() for _ in range(count)]
    rng.shuffle(formats)
    for i in range(plenaries):
        sessions.append(
            SolverSession(id=f"pl{i + 1}", duration=60, format="plenary", title=f"Plénière {i + 1}", seats=physical[0])
        )
    for i, fmt in enumerate(formats, start=1):
        duration = mix[fmt][1]
        theme = theme_names[rng.randrange(themes)]
        if fmt == "workshop":
            seats = rng.choice((15, 20, 25, 30))
        elif fmt == "round_table":
            seats = rng.choice((30, 40, 50, 60, 80, physical[2]))
        else:
            seats = rng.choice((20, 30, 40, 50))
        draw = rng.random()
        room_kind = "virtual" if draw < 0.1 else None if draw < 0.2 else "physical"
        sessions.append(
            SolverSession(
                id=f"s{i}",
                duration=duration,
                format=fmt,
                title=f"{fmt.replace('_', ' ').capitalize()} {i} ({theme})",
                theme=theme,
                seats=seats,
                room_kind=room_kind,
                needs_accessible=rng.random() < 0.05,
            )
        )
    # People: each session 1-4 persons; a third of them take part in two or three sessions.
    people: list[str] = []
    with_people = []
    for session in sessions:
        if session.is_plenary:
            size = 3
        else:
            size = {"round_table": rng.randint(3, 4), "workshop": rng.randint(1, 2), "talk": 1}[session.format]
        chosen: list[str] = []
        for _ in range(size):
            if people and rng.random() < 0.2:
                candidate = rng.choice(people)
                if candidate not in chosen:
                    chosen.append(candidate)
                    continue
            people.append(f"p{len(people) + 1}")
            chosen.append(people[-1])
        with_people.append(SolverSession(**{**session.__dict__, "speakers": tuple(chosen)}))
    sessions = with_people
    speakers = []
    for person in people:
        availability: tuple[Window, ...] = ()
        draw = rng.random()
        if draw < 0.12:  # only one day
            day = rng.randrange(days)
            availability = (Window(day * MINUTES_PER_DAY + opens, day * MINUTES_PER_DAY + closes),)
        elif draw < 0.18:  # every morning only
            availability = tuple(
                Window(d * MINUTES_PER_DAY + opens, d * MINUTES_PER_DAY + 12 * 60 + 30) for d in range(days)
            )
        speakers.append(Speaker(person, f"Personne {person[1:]}", availability))
    # Wishes: each participant follows one or two themes and a few popular sessions.
    popularity = {s.id: rng.paretovariate(1.5) for s in sessions if not s.is_plenary}
    by_theme: dict[str, list[str]] = {}
    for s in sessions:
        if s.theme is not None:
            by_theme.setdefault(s.theme, []).append(s.id)
    wishes = {}
    ids = list(popularity)
    weights = [popularity[sid] for sid in ids]
    for n in range(1, participants + 1):
        liked = rng.sample(theme_names, rng.randint(1, 2))
        wanted: set[str] = set()
        target = rng.randint(4, 10)
        while len(wanted) < target:
            if rng.random() < 0.6:
                pool = by_theme[rng.choice(liked)]
                wanted.add(rng.choice(pool))
            else:
                wanted.add(rng.choices(ids, weights)[0])
        wishes[f"u{n}"] = sorted(wanted)
    return Instance(days=day_list, rooms=rooms, sessions=sessions, speakers=speakers, wishes=wishes, grid=15, name=name)


def local(seed: int = 2021) -> Instance:
    rooms = [
        SolverRoom("auditorium", 150, "Auditorium", "physical", True),
        SolverRoom("salle-1", 80, "Salle 1", "physical", True),
        SolverRoom("salle-2", 60, "Salle 2", "physical", True),
        SolverRoom("salle-3", 40, "Salle 3", "physical", False),
        SolverRoom("salle-4", 30, "Salle 4", "physical", True),
        SolverRoom("visio", 300, "Salle en ligne", "virtual", True),
    ]
    return _synthetic(
        seed=seed,
        name="NEC local (70 sessions, 6 salles, 2 jours, 400 participant·es)",
        days=2,
        opens=9 * 60,
        closes=18 * 60,
        rooms=rooms,
        mix={"round_table": (26, 60), "workshop": (12, 90), "talk": (30, 30)},
        plenaries=2,
        participants=400,
        themes=8,
    )


def national(seed: int = 2026) -> Instance:
    capacities = [600, 300, 200, 150, 120, 100, 80, 60, 50, 40]
    rooms = [SolverRoom(f"salle-{i + 1}", c, f"Salle {i + 1}", "physical", i != 7) for i, c in enumerate(capacities)]
    rooms += [
        SolverRoom("visio-1", 500, "Salle en ligne 1", "virtual"),
        SolverRoom("visio-2", 500, "Salle en ligne 2", "virtual"),
    ]
    return _synthetic(
        seed=seed,
        name="NEC national (300 sessions, 12 salles, 3 jours, 2 000 participant·es)",
        days=3,
        opens=8 * 60 + 30,
        closes=18 * 60 + 30,
        rooms=rooms,
        mix={"round_table": (100, 60), "workshop": (30, 90), "talk": (167, 30)},
        plenaries=3,
        participants=2000,
        themes=10,
    )


# --- PyCon UK 2016 ---------------------------------------------------------------------------------

# The reference instance of conference-scheduler's documentation: talk slots per day (start, length)
# in four talk rooms, Friday 16 to Sunday 18 September 2016.
PYCON_SLOTS = [(10 * 60 + 15, 30), (11 * 60 + 15, 45), (12 * 60, 30), (12 * 60 + 30, 30), (14 * 60 + 30, 30)]
PYCON_SLOTS += [(15 * 60, 30), (15 * 60 + 30, 30), (16 * 60 + 30, 30), (17 * 60, 30)]
PYCON_ROOMS = [("Assembly Room", 500), ("Ferrier Hall", 200), ("Room C", 80), ("Room D", 100)]
PYCON_DAYS = [date(2016, 9, 16), date(2016, 9, 17), date(2016, 9, 18)]


def read_talks(path: Path) -> list[dict]:
    """The talk list: a YAML sequence of mappings (title, duration, speaker)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def pycon_uk_2016(path: Path) -> Instance:
    """Days with breaks between the documented slots, so that a talk fits exactly one slot.

    Our model lets a session start at any grid step of a period; each slot is made its own period
    (breaks fill the gaps), and the 45-minute slot is the only one a 45-minute talk fits into.
    """
    talks = read_talks(path)
    days = []
    for day in PYCON_DAYS:
        breaks = []
        ordered = sorted(PYCON_SLOTS)
        for (start, length), (next_start, _) in itertools.pairwise(ordered):
            if start + length < next_start:
                breaks.append(Break(start + length, next_start, "Pause"))
            else:  # adjacent slots: a zero-length break only separates the two periods
                breaks.append(Break(start + length, start + length, "Changement de salle"))
        last_start, last_length = ordered[-1]
        days.append(Day(day, ordered[0][0], last_start + last_length, tuple(breaks)))
    rooms = [SolverRoom(name.lower().replace(" ", "-"), capacity, name) for name, capacity in PYCON_ROOMS]
    speakers: dict[str, Speaker] = {}
    sessions = []
    for i, talk in enumerate(talks, start=1):
        person = str(talk.get("speaker") or "")
        if person:
            speakers.setdefault(person, Speaker(person, person))
        sessions.append(
            SolverSession(
                id=f"t{i}",
                duration=int(talk["duration"]),
                format="talk",
                title=str(talk["title"]),
                theme=(talk.get("tags") or [None])[0],
                speakers=(person,) if person else (),
            )
        )
    return Instance(
        days=days, rooms=rooms, sessions=sessions, speakers=list(speakers.values()), grid=15, name="PyCon UK 2016"
    )
