"""The programme generator: places sessions in rooms and times with OR-Tools CP-SAT.

Independent of Flask: `solve(instance, ...)` takes an `Instance` (plain data) and returns a `Result`.

The model is decomposed in two steps, the known good decomposition when rooms differ mainly by
capacity, kind and accessibility:

1. **Times** (CP-SAT). One boolean `x[s, t]` per session and *possible* start `t`: starts on the
   grid of each period where the session fits before the next break, every person of the session
   is available, no pinned session blocks them and some room can hold it. `r[s, t]` says that `s`
   runs at grid point `t` (a sum of the `x` covering `t`). Hard constraints are linear sums per grid
   point: a person runs at most one session; for every set `U` of rooms that is a union of the
   sessions' eligible-room sets, the sessions that can only use rooms of `U` number at most `|U|`
   (Hall's condition, which for nested capacities is exactly "sessions needing >= c places <= rooms
   of >= c places"); a plenary running means nothing else runs. Unplaced is a variable with a large
   penalty, so the model is always feasible and the search anytime. No variable is indexed by a
   pair of sessions except for the heaviest pairs of sessions that participants want together.
2. **Rooms** (CP-SAT again, small: sessions are now fixed in time): a boolean per session and
   eligible room, one session per room at each start time, with the "theme in one room" and
   "same room as the released programme" terms. Hall's condition at every instant does not always
   guarantee a room for a session's whole duration (sessions that overlap in a staircase); a
   session the room step cannot seat is re-inserted greedily elsewhere, and reported only if that
   fails too.

Every unplaced session is explained in plain French: first by a pre-analysis of the instance (too
long for any period, no room large enough, speakers with no common free time, pinned conflicts),
then, for sessions the solver could not fit, by what blocks each of their possible starts.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from .instance import (
    MINUTES_PER_DAY,
    ROOM_KIND_LABELS,
    Assignment,
    Instance,
    InstanceError,
    SolverRoom,
    SolverSession,
    format_time,
    french_duration,
    load_instance,
)

TERMS = ("unplaced", "wishes", "themes", "density", "back_to_back", "theme_rooms", "changes")
TERM_LABELS = {
    "unplaced": "Sessions non placées",
    "wishes": "Souhaits des participant·es en conflit (paires de sessions voulues au même moment)",
    "themes": "Sessions d'un même thème en parallèle (par pas de la grille)",
    "density": "Sessions en parallèle au-delà du maximum (par pas de la grille)",
    "back_to_back": "Enchaînements sans pause pour une même personne",
    "theme_rooms": "Thèmes répartis sur plusieurs salles (salles en plus)",
    "changes": "Sessions déplacées par rapport au programme publié",
}
MAX_WISH_PAIRS = 6000  # pairs of sessions modelled exactly; lighter pairs are still counted in the score
MAX_HALL_SETS = 64


@dataclass
class Weights:
    """How much each soft term costs, per unit (see TERM_LABELS); 0 switches a term off."""

    wishes: int = 1
    themes: int = 2
    density: int = 1
    back_to_back: int = 5
    theme_rooms: int = 3
    changes: int = 20
    unplaced: int = 100_000
    max_parallel: int | None = None  # density: sessions allowed in parallel before it costs
    min_break: int = 15  # back to back: minutes a person needs between two of their sessions

    @classmethod
    def from_dict(cls, data: Any) -> Weights:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise InstanceError(["« weights » doit être un objet : nom du critère -> poids."])
        errors = []
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                errors.append(f"Poids : critère inconnu « {key} » (connus : {', '.join(sorted(known))}).")
            elif key == "max_parallel" and value is None:
                values[key] = None
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                errors.append(f"Poids : « {key} » doit être un nombre entier positif ou nul (reçu : {value!r}).")
            else:
                values[key] = value
        if values.get("unplaced") == 0:
            errors.append("Poids : « unplaced » doit valoir au moins 1, sinon rien ne pousse à placer les sessions.")
        if errors:
            raise InstanceError(errors)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Progress:
    """A better programme was found: sent to `on_progress` from the solver's thread."""

    elapsed: float  # seconds since solve() started
    objective: float  # the solver's own objective (lighter wish pairs left out)
    best_bound: float
    placed: int
    unplaced: int
    solutions: int


@dataclass
class Result:
    assignments: dict[str, Assignment]  # session id -> room and start (absolute minutes)
    unplaced: dict[str, list[str]]  # session id -> reasons, in French
    status: str  # optimal, feasible, infeasible or unknown
    objective: int  # weighted total, recomputed exactly from the assignments
    costs: dict[str, int]  # term -> weighted cost
    counts: dict[str, int]  # term -> count before weighting
    time_to_first: float | None  # seconds to the first programme placing every placeable session
    time_to_best: float | None
    wall_time: float
    stats: dict[str, Any] = field(default_factory=dict)


# --- helpers shared by the model and the score ---------------------------------------------------


def grid_points(instance: Instance) -> list[int]:
    """The instants at which parallel sessions are counted: every grid step of every period."""
    points = []
    for period in instance.periods():
        points.extend(range(period.start, period.end, instance.grid))
    return points


def eligible_rooms(instance: Instance, session: SolverSession) -> list[SolverRoom]:
    """Rooms large enough, of the right kind and accessible when needed, smallest first."""
    rooms = [
        room
        for room in instance.rooms
        if room.capacity >= session.seats
        and (session.room_kind is None or room.kind == session.room_kind)
        and (room.accessible or not session.needs_accessible)
    ]
    return sorted(rooms, key=lambda r: (r.capacity, r.id))


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score(
    instance: Instance,
    assignments: dict[str, Assignment],
    unplaced: Iterable[str],
    weights: Weights,
    previous: dict[str, Assignment] | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """Count each soft term of a programme, then weigh it: (counts, costs)."""
    previous = instance.previous if previous is None else previous
    sessions = {s.id: s for s in instance.sessions}
    spans = {sid: (p.start, p.start + sessions[sid].duration) for sid, p in assignments.items()}
    counts = dict.fromkeys(TERMS, 0)
    counts["unplaced"] = len(list(unplaced))

    for wanted in instance.wishes.values():
        chosen = sorted((spans[sid] for sid in wanted if sid in spans), key=lambda span: span[0])
        for i, (_, end) in enumerate(chosen):
            for other_start, _ in chosen[i + 1 :]:
                if other_start >= end:
                    break
                counts["wishes"] += 1

    running: dict[int, list[str]] = defaultdict(list)
    for point in grid_points(instance):
        running[point] = []
    points = sorted(running)
    for sid, (start, end) in spans.items():
        for point in points[bisect.bisect_left(points, start) : bisect.bisect_left(points, end)]:
            running[point].append(sid)
    for sids in running.values():
        themes = Counter(sessions[sid].theme for sid in sids if sessions[sid].theme is not None)
        counts["themes"] += sum(n - 1 for n in themes.values() if n > 1)
        if weights.max_parallel is not None:
            counts["density"] += max(0, len(sids) - weights.max_parallel)

    by_person: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for sid, span in spans.items():
        for person in sessions[sid].speakers:
            by_person[person].append(span)
    for person_spans in by_person.values():
        for (_, a_end), (b_start, _) in itertools.permutations(person_spans, 2):
            if 0 <= b_start - a_end < weights.min_break:
                counts["back_to_back"] += 1

    rooms_of_theme: dict[str, set[str]] = defaultdict(set)
    for sid, assignment in assignments.items():
        if sessions[sid].theme is not None:
            rooms_of_theme[sessions[sid].theme].add(assignment.room)
    counts["theme_rooms"] = sum(len(rooms) - 1 for rooms in rooms_of_theme.values())

    counts["changes"] = sum(1 for sid, old in previous.items() if sid in sessions and assignments.get(sid) != old)

    costs = {term: counts[term] * getattr(weights, term) for term in TERMS}
    return counts, costs


# --- pre-analysis: the possible starts of each session, or why there are none ------------------


@dataclass
class _Prepared:
    fixed: dict[str, Assignment]  # pinned to a room and a time: data, not variables
    candidates: dict[str, list[int]]  # session id -> possible starts
    reasons: dict[str, list[str]]  # session id -> why it cannot be placed at all
    eligible: dict[str, list[SolverRoom]]


class _Analysis:
    def __init__(self, instance: Instance):
        self.instance = instance
        self.periods = instance.periods()
        self.sessions = {s.id: s for s in instance.sessions}

    def describe_person(self, person_id: str) -> str:
        return self.instance.speaker(person_id).label

    def starts_in_periods(self, session: SolverSession) -> list[int]:
        grid = self.instance.grid
        starts = []
        for period in self.periods:
            starts.extend(range(period.start, period.end - session.duration + 1, grid))
        return starts

    def room_reasons(self, session: SolverSession) -> list[str]:
        rooms = self.instance.rooms
        if session.room_kind is not None:
            rooms = [r for r in rooms if r.kind == session.room_kind]
            if not rooms:
                return [f"aucune salle {ROOM_KIND_LABELS[session.room_kind]} n'est prévue pour l'événement"]
        kind = f" {ROOM_KIND_LABELS[session.room_kind]}" if session.room_kind else ""
        largest = max(r.capacity for r in rooms)
        if session.seats > largest:
            return [
                f"la capacité demandée ({session.seats} places) dépasse la plus grande salle{kind} ({largest} places)"
            ]
        if session.needs_accessible:
            return [f"aucune salle{kind} accessible n'a {session.seats} places ou plus"]
        return ["aucune salle ne convient"]

    def availability_text(self, person_id: str) -> str:
        windows = self.instance.speaker(person_id).availability
        parts = [self.instance.describe_window(w.start, w.end) for w in windows[:3]]
        more = " (et d'autres créneaux trop courts)" if len(windows) > 3 else ""
        if not parts:
            return "n'a donné aucune disponibilité"
        return "n'est disponible que " + ", ".join(parts) + more

    def prepare(self) -> _Prepared:
        instance = self.instance
        fixed: dict[str, Assignment] = {}
        candidates: dict[str, list[int]] = {}
        reasons: dict[str, list[str]] = {}
        eligible = {s.id: eligible_rooms(instance, s) for s in instance.sessions}

        # Pinned sessions with a room come first: they are data, checked against each other.
        for session in instance.sessions:
            if session.pin is None or session.pin.room is None:
                continue
            problems = self.pin_problems(session, fixed, eligible[session.id])
            if problems:
                reasons[session.id] = problems
            else:
                fixed[session.id] = Assignment(session.pin.room, session.pin.start)

        busy_person: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        busy_room: dict[str, list[tuple[int, int]]] = defaultdict(list)
        plenaries: list[tuple[int, int, str]] = []
        everything: list[tuple[int, int, str]] = []
        for sid, assignment in fixed.items():
            session = self.sessions[sid]
            span = (assignment.start, assignment.start + session.duration)
            for person in session.speakers:
                busy_person[person].append((*span, sid))
            busy_room[assignment.room].append(span)
            everything.append((*span, sid))
            if session.is_plenary:
                plenaries.append((*span, sid))

        for session in instance.sessions:
            if session.id in fixed or session.id in reasons:
                continue
            if not eligible[session.id]:
                reasons[session.id] = self.room_reasons(session)
                continue
            longest = max((p.end - p.start for p in self.periods), default=0)
            if session.duration > longest:
                reasons[session.id] = [
                    f"la session dure {french_duration(session.duration)} mais la plus longue plage horaire "
                    f"sans pause ne dure que {french_duration(longest)}"
                ]
                continue
            starts = self.starts_in_periods(session)
            if session.pin is not None:  # pinned to a time, the room left to the generator
                if session.pin.start not in starts:
                    reasons[session.id] = [
                        f"elle est épinglée {instance.describe_minute(session.pin.start)}, mais à cette heure "
                        f"elle ne tient pas avant la pause ou la fermeture (durée {french_duration(session.duration)})"
                    ]
                    continue
                starts = [session.pin.start]
            available = [t for t in starts if self.people_available(session, t)]
            if not available:
                reasons[session.id] = self.availability_reasons(session, starts)
                continue
            free = []
            blockers: dict[str, set[str]] = defaultdict(set)
            for t in available:
                end = t + session.duration
                clash = [(p, sid) for p in session.speakers for s, e, sid in busy_person[p] if _overlap(t, end, s, e)]
                if session.is_plenary:
                    clash += [("", sid) for s, e, sid in everything if _overlap(t, end, s, e)]
                else:
                    clash += [("", sid) for s, e, sid in plenaries if _overlap(t, end, s, e)]
                if clash:
                    for person, sid in clash:
                        blockers[person].add(sid)
                    continue
                if not any(
                    all(not _overlap(t, end, s, e) for s, e in busy_room[room.id]) for room in eligible[session.id]
                ):
                    blockers["rooms"].add("")
                    continue
                free.append(t)
            if not free:
                reasons[session.id] = self.pinned_block_reasons(session, blockers)
                continue
            candidates[session.id] = free
        return _Prepared(fixed, candidates, reasons, eligible)

    def people_available(self, session: SolverSession, start: int) -> bool:
        end = start + session.duration
        return all(self.instance.speaker(p).is_available(start, end) for p in session.speakers)

    def pin_problems(self, session: SolverSession, fixed: dict[str, Assignment], rooms: list[SolverRoom]) -> list[str]:
        instance = self.instance
        pin = session.pin
        assert pin is not None and pin.room is not None
        start, end = pin.start, pin.start + session.duration
        room = instance.room(pin.room)
        where = f"épinglée {instance.describe_minute(start)} en salle {room.label}"
        problems = []
        if not any(p.start <= start and end <= p.end for p in self.periods):
            problems.append(f"elle est {where}, mais ne tient pas avant la pause ou la fermeture")
        if room not in rooms:
            problems.append(
                f"elle est {where}, mais cette salle ne convient pas ({room.capacity} places, "
                f"{ROOM_KIND_LABELS[room.kind]}{'' if room.accessible else ', non accessible'})"
            )
        for person in session.speakers:
            if not instance.speaker(person).is_available(start, end):
                problems.append(
                    f"elle est {where}, mais {self.describe_person(person)} {self.availability_text(person)}"
                )
        for other_id, other in fixed.items():
            other_session = self.sessions[other_id]
            if not _overlap(start, end, other.start, other.start + other_session.duration):
                continue
            if other.room == pin.room:
                problems.append(f"elle est {where}, déjà prise au même moment par {other_session.label}, épinglée")
            elif session.is_plenary or other_session.is_plenary:
                problems.append(f"elle est {where}, en même temps que la plénière épinglée {other_session.label}")
            for person in set(session.speakers) & set(other_session.speakers):
                problems.append(
                    f"elle est {where}, mais {self.describe_person(person)} intervient au même moment dans "
                    f"{other_session.label}, épinglée"
                )
        return problems

    def availability_reasons(self, session: SolverSession, starts: list[int]) -> list[str]:
        duration = french_duration(session.duration)
        alone = []
        for person in session.speakers:
            if not any(self.instance.speaker(person).is_available(t, t + session.duration) for t in starts):
                alone.append(person)
        if alone:
            return [
                f"Aucun créneau ne convient : {self.describe_person(p)} {self.availability_text(p)} "
                f"et la session dure {duration}"
                for p in alone
            ]
        for a, b in itertools.combinations(session.speakers, 2):
            pa, pb = self.instance.speaker(a), self.instance.speaker(b)
            ends = [(t, t + session.duration) for t in starts]
            if not any(pa.is_available(*span) and pb.is_available(*span) for span in ends):
                return [
                    f"les intervenant·es {pa.label} et {pb.label} n'ont aucun créneau commun de {duration} "
                    f"({pa.label} {self.availability_text(a)} ; {pb.label} {self.availability_text(b)})"
                ]
        names = ", ".join(self.describe_person(p) for p in session.speakers)
        return [f"les intervenant·es ({names}) n'ont aucun créneau commun de {duration}"]

    def pinned_block_reasons(self, session: SolverSession, blockers: dict[str, set[str]]) -> list[str]:
        result = []
        for person, sids in blockers.items():
            if person == "rooms":
                continue
            titles = ", ".join(self.sessions[sid].label for sid in sorted(sids))
            if person:
                result.append(
                    f"{self.describe_person(person)} {self.availability_text(person)} et intervient à ces "
                    f"moments-là dans des sessions épinglées ({titles})"
                    if self.instance.speaker(person).availability
                    else f"{self.describe_person(person)} intervient dans des sessions épinglées ({titles}) "
                    "à tous les moments possibles"
                )
            else:
                result.append(f"des sessions épinglées occupent tous les moments possibles ({titles})")
        if "rooms" in blockers:
            result.append(
                f"toutes les salles de {session.seats} places ou plus sont prises par des sessions épinglées "
                "aux moments possibles"
            )
        return result or ["aucun moment possible n'est libre"]


# --- step 1: times -------------------------------------------------------------------------------


class _TimeModel:
    """The CP-SAT model that chooses a start for each session (see the module's docstring)."""

    def __init__(
        self,
        instance: Instance,
        prepared: _Prepared,
        weights: Weights,
        previous: dict[str, Assignment],
    ):
        self.instance = instance
        self.prepared = prepared
        self.weights = weights
        self.previous = previous
        self.sessions = {s.id: s for s in instance.sessions}
        self.model = cp_model.CpModel()
        self.x: dict[str, dict[int, cp_model.IntVar]] = {}
        self.placed: dict[str, Any] = {}
        self.running: dict[str, dict[int, Any]] = defaultdict(dict)  # session -> point -> literal
        self.objective: list[tuple[Any, int]] = []
        # Auxiliary variables and how to compute them from chosen starts, to hint a whole solution.
        self.derived: list[tuple[Any, Callable[[dict[str, int]], int]]] = []
        self.stats: dict[str, Any] = {}
        self.build()

    # variables

    def build(self) -> None:
        model, prepared = self.model, self.prepared
        fixed_points = {p.start for p in prepared.fixed.values()}
        self.points = sorted(set(grid_points(self.instance)) | fixed_points)
        self.soft_points = set(grid_points(self.instance))
        for sid, starts in prepared.candidates.items():
            session = self.sessions[sid]
            x = {t: model.new_bool_var(f"x[{sid},{t}]") for t in starts}
            self.x[sid] = x
            placed = model.new_bool_var(f"placed[{sid}]")
            model.add(sum(x.values()) == placed)
            self.placed[sid] = placed
            self.derived.append((placed, lambda st, sid=sid: sid in st))
            penalty = self.weights.unplaced * (10 if session.pin is not None else 1)
            self.objective.append((1 - placed, penalty))
            starts_sorted = sorted(starts)
            for point in self.points:
                # Starts t with t <= point < t + duration.
                low = bisect.bisect_left(starts_sorted, point - session.duration + 1)
                high = bisect.bisect_right(starts_sorted, point)
                covering = starts_sorted[low:high]
                if not covering:
                    continue
                if len(covering) == 1:
                    self.running[sid][point] = x[covering[0]]
                else:
                    r = model.new_bool_var(f"r[{sid},{point}]")
                    model.add(r == sum(x[t] for t in covering))
                    self.derived.append((r, lambda st, sid=sid, cov=frozenset(covering): st.get(sid) in cov))
                    self.running[sid][point] = r
        self.fixed_running: dict[int, list[str]] = defaultdict(list)
        for sid, assignment in prepared.fixed.items():
            end = assignment.start + self.sessions[sid].duration
            for point in self.points:
                if assignment.start <= point < end:
                    self.fixed_running[point].append(sid)
        self.add_rooms()
        self.add_people()
        self.add_themes()
        self.add_density()
        self.add_back_to_back()
        self.add_wishes()
        self.add_changes()
        self.model.minimize(sum(coef * expr for expr, coef in self.objective if coef))
        self.stats["variables"] = len(self.model.proto.variables)
        self.stats["constraints"] = len(self.model.proto.constraints)

    def count(self, starts: dict[str, int], sids: Iterable[str], point: int) -> int:
        """How many of these sessions run at `point` when they start at `starts`."""
        total = 0
        for sid in sids:
            t = starts.get(sid)
            if t is not None and t <= point < t + self.sessions[sid].duration:
                total += 1
        return total

    def hint(self, starts: dict[str, int]) -> None:
        """Hint a whole solution (every variable), so the solver starts from a complete programme."""
        for sid, x in self.x.items():
            for t, lit in x.items():
                self.model.add_hint(lit, starts.get(sid) == t)
        for var, value in self.derived:
            self.model.add_hint(var, int(value(starts)))

    def at(self, point: int) -> dict[str, Any]:
        return {sid: lits[point] for sid, lits in self.running.items() if point in lits}

    # hard constraints

    def add_rooms(self) -> None:
        """Hall's condition per grid point on the unions of eligible-room sets; plenaries alone."""
        model, instance = self.model, self.instance
        eligible = {sid: frozenset(r.id for r in rooms) for sid, rooms in self.prepared.eligible.items()}
        all_rooms = frozenset(r.id for r in instance.rooms)
        classes = sorted({eligible[sid] for sid in self.x}, key=lambda s: (len(s), sorted(s)))
        unions = set(classes)
        frontier = set(classes)
        while frontier and len(unions) <= MAX_HALL_SETS:
            new = {a | b for a in frontier for b in classes} - unions
            unions |= new
            frontier = new
        if len(unions) > MAX_HALL_SETS:  # many unrelated room sets: keep the necessary ones
            unions = set(classes) | {all_rooms}
        self.stats["hall_sets"] = len(unions)
        occupied_at: dict[int, set[str]] = defaultdict(set)
        for sid, assignment in self.prepared.fixed.items():
            for point in self.points:
                if sid in self.fixed_running[point]:
                    occupied_at[point].add(assignment.room)
        unions_sorted = sorted(unions, key=len)
        for point in self.points:
            lits = self.at(point)
            if not lits:
                continue
            free_rooms = all_rooms - occupied_at[point]
            plenary_lits = [lit for sid, lit in lits.items() if self.sessions[sid].is_plenary]
            by_class: dict[frozenset, list[Any]] = defaultdict(list)
            for sid, lit in lits.items():
                by_class[eligible[sid]].append(lit)
            for union in unions_sorted:
                members = [lit for cls, group in by_class.items() if cls <= union for lit in group]
                capacity = len(union & free_rooms)
                if len(members) > capacity:
                    model.add(sum(members) <= capacity)
            if plenary_lits:
                model.add_at_most_one(plenary_lits)
                others = [lit for sid, lit in lits.items() if not self.sessions[sid].is_plenary]
                if others:
                    bound = min(len(others), len(free_rooms))
                    model.add(sum(others) + bound * sum(plenary_lits) <= bound)

    def add_people(self) -> None:
        by_person: dict[str, list[str]] = defaultdict(list)
        for sid in self.x:
            for person in self.sessions[sid].speakers:
                by_person[person].append(sid)
        for sids in by_person.values():
            if len(sids) < 2:
                continue
            for point in self.points:
                lits = [self.running[sid][point] for sid in sids if point in self.running[sid]]
                if len(lits) > 1:
                    self.model.add_at_most_one(lits)

    # soft terms

    def add_themes(self) -> None:
        if not self.weights.themes:
            return
        by_theme: dict[str, list[str]] = defaultdict(list)
        for session in self.instance.sessions:
            if session.theme is not None and (session.id in self.x or session.id in self.prepared.fixed):
                by_theme[session.theme].append(session.id)
        for theme, sids in by_theme.items():
            if len(sids) < 2:
                continue
            for point in self.soft_points:
                lits = [self.running[sid][point] for sid in sids if point in self.running.get(sid, {})]
                fixed = sum(1 for sid in self.fixed_running.get(point, ()) if self.sessions[sid].theme == theme)
                if len(lits) + fixed < 2 or not lits:
                    continue
                excess = self.model.new_int_var(0, len(lits) + fixed - 1, f"theme[{theme},{point}]")
                self.model.add(excess >= sum(lits) + fixed - 1)
                here = tuple(sid for sid in sids if point in self.running.get(sid, {}))
                self.derived.append((excess, lambda st, h=here, p=point, f=fixed: max(0, self.count(st, h, p) + f - 1)))
                self.objective.append((excess, self.weights.themes))

    def add_density(self) -> None:
        limit = self.weights.max_parallel
        if not self.weights.density or limit is None:
            return
        for point in self.soft_points:
            lits = list(self.at(point).values())
            fixed = len(self.fixed_running.get(point, ()))
            if len(lits) + fixed <= limit or not lits:
                continue
            excess = self.model.new_int_var(0, len(lits) + fixed - limit, f"density[{point}]")
            self.model.add(excess >= sum(lits) + fixed - limit)
            here = tuple(self.at(point))
            self.derived.append((excess, lambda st, h=here, p=point, f=fixed: max(0, self.count(st, h, p) + f - limit)))
            self.objective.append((excess, self.weights.density))

    def add_back_to_back(self) -> None:
        gap = self.weights.min_break
        if not self.weights.back_to_back or gap <= 0:
            return
        by_person: dict[str, list[str]] = defaultdict(list)
        for session in self.instance.sessions:
            if session.id in self.x or session.id in self.prepared.fixed:
                for person in session.speakers:
                    by_person[person].append(session.id)
        for person, sids in by_person.items():
            if len(sids) < 2 or all(sid in self.prepared.fixed for sid in sids):
                continue
            ends: dict[int, list[Any]] = defaultdict(list)  # end minute -> literals (1 for fixed)
            starts: list[tuple[int, Any]] = []
            for sid in sids:
                duration = self.sessions[sid].duration
                if sid in self.prepared.fixed:
                    start = self.prepared.fixed[sid].start
                    ends[start + duration].append(1)
                    starts.append((start, 1))
                else:
                    for t, lit in self.x[sid].items():
                        ends[t + duration].append(lit)
                        starts.append((t, lit))
            fixed_spans = {sid: self.prepared.fixed[sid].start for sid in sids if sid in self.prepared.fixed}
            durations = {sid: self.sessions[sid].duration for sid in sids}

            def tight_value(st: dict[str, int], end: int, sids=sids, fixed_spans=fixed_spans, durations=durations):
                chosen = [fixed_spans.get(sid, st.get(sid)) for sid in sids]
                ending = any(t is not None and t + durations[sid] == end for sid, t in zip(sids, chosen, strict=True))
                following = any(t is not None and end <= t < end + gap for t in chosen)
                return int(ending and following)

            starts.sort(key=lambda item: item[0])
            keys = [t for t, _ in starts]
            for end, end_lits in ends.items():
                low, high = bisect.bisect_left(keys, end), bisect.bisect_left(keys, end + gap)
                next_lits = [lit for _, lit in starts[low:high]]
                if not next_lits or all(isinstance(lit, int) for lit in end_lits + next_lits):
                    continue
                tight = self.model.new_bool_var(f"b2b[{person},{end}]")
                self.model.add(tight >= sum(end_lits) + sum(next_lits) - 1)
                self.derived.append((tight, lambda st, e=end, fn=tight_value: fn(st, e)))
                self.objective.append((tight, self.weights.back_to_back))

    def add_wishes(self) -> None:
        """Co-wish counts per pair of sessions; the heaviest pairs are modelled with start integers."""
        if not self.weights.wishes or not self.instance.wishes:
            self.stats["wish_pairs"] = 0
            return
        active = set(self.x) | set(self.prepared.fixed)
        pairs: Counter[tuple[str, str]] = Counter()
        for wanted in self.instance.wishes.values():
            kept = sorted(sid for sid in set(wanted) if sid in active)
            pairs.update(itertools.combinations(kept, 2))
        fixed = self.prepared.fixed
        both_free = []
        for (a, b), count in pairs.items():
            if a in fixed and b in fixed:
                continue
            if a in fixed or b in fixed:  # one side known: a linear cost on the other's starts
                pinned, free = (a, b) if a in fixed else (b, a)
                start = fixed[pinned].start
                end = start + self.sessions[pinned].duration
                duration = self.sessions[free].duration
                for t, lit in self.x[free].items():
                    if _overlap(t, t + duration, start, end):
                        self.objective.append((lit, self.weights.wishes * count))
                continue
            both_free.append((count, a, b))
        both_free.sort(key=lambda item: (-item[0], item[1], item[2]))
        self.stats["wish_pairs"] = len(pairs)
        self.stats["wish_pairs_modelled"] = min(len(both_free), MAX_WISH_PAIRS)
        begin: dict[str, Any] = {}

        def start_of(sid: str) -> Any:
            if sid not in begin:
                lo, hi = min(self.x[sid]), max(self.x[sid])
                var = self.model.new_int_var(0, hi, f"start[{sid}]")
                self.model.add(var == sum(t * lit for t, lit in self.x[sid].items()))
                self.derived.append((var, lambda st, sid=sid: st.get(sid, 0)))
                begin[sid] = (var, lo, hi)
            return begin[sid]

        for count, a, b in both_free[:MAX_WISH_PAIRS]:
            (sa, a_lo, a_hi), (sb, b_lo, b_hi) = start_of(a), start_of(b)
            da, db = self.sessions[a].duration, self.sessions[b].duration
            if a_hi + da <= b_lo or b_hi + db <= a_lo:
                continue  # they can never overlap
            clash = self.model.new_bool_var(f"clash[{a},{b}]")
            a_first = self.model.new_bool_var(f"before[{a},{b}]")
            b_first = self.model.new_bool_var(f"before[{b},{a}]")
            self.model.add(sa + da <= sb).only_enforce_if(a_first)
            self.model.add(sb + db <= sa).only_enforce_if(b_first)
            self.model.add_bool_or([a_first, b_first, clash, ~self.placed[a], ~self.placed[b]])
            self.derived.append((a_first, lambda st, a=a, b=b, da=da: st.get(a, 0) + da <= st.get(b, 0)))
            self.derived.append((b_first, lambda st, a=a, b=b, db=db: st.get(b, 0) + db <= st.get(a, 0)))
            self.derived.append(
                (
                    clash,
                    lambda st, a=a, b=b, da=da, db=db: (
                        a in st and b in st and _overlap(st[a], st[a] + da, st[b], st[b] + db)
                    ),
                )
            )
            self.objective.append((clash, self.weights.wishes * count))

    def add_changes(self) -> None:
        if not self.weights.changes:
            return
        for sid, old in self.previous.items():
            if sid in self.x and old.start in self.x[sid]:
                # Keeping the start saves the cost; the room is the room step's business.
                self.objective.append((1 - self.x[sid][old.start], self.weights.changes))


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, time_model: _TimeModel, started: float, on_progress: Callable[[Progress], None] | None):
        super().__init__()
        self.time_model = time_model
        self.started = started
        self.on_progress = on_progress
        self.solutions = 0
        self.first_complete: float | None = None
        self.best_time: float | None = None
        self.lock = threading.Lock()

    def on_solution_callback(self) -> None:
        elapsed = time.perf_counter() - self.started
        placed = sum(1 for literal in self.time_model.placed.values() if self.boolean_value(literal))
        missing = len(self.time_model.x) - placed
        with self.lock:
            self.solutions += 1
            self.best_time = elapsed
            if missing == 0 and self.first_complete is None:
                self.first_complete = elapsed
        if self.on_progress is not None:
            self.on_progress(
                Progress(
                    elapsed=elapsed,
                    objective=self.objective_value,
                    best_bound=self.best_objective_bound,
                    placed=placed + len(self.time_model.prepared.fixed),
                    unplaced=missing + len(self.time_model.prepared.reasons),
                    solutions=self.solutions,
                )
            )


# --- greedy: a first programme (hint for the solver, fallback, repair) ----------------------------


class _Board:
    """Who and what is busy when, for greedy placement and for explaining unplaced sessions."""

    def __init__(self, instance: Instance, eligible: dict[str, list[SolverRoom]]):
        self.instance = instance
        self.sessions = {s.id: s for s in instance.sessions}
        self.eligible = eligible
        self.rooms: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.people: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.all: list[tuple[int, int, str]] = []
        self.plenaries: list[tuple[int, int, str]] = []
        self.assignments: dict[str, Assignment] = {}

    def put(self, sid: str, assignment: Assignment) -> None:
        session = self.sessions[sid]
        span = (assignment.start, assignment.start + session.duration, sid)
        self.rooms[assignment.room].append(span)
        for person in session.speakers:
            self.people[person].append(span)
        self.all.append(span)
        if session.is_plenary:
            self.plenaries.append(span)
        self.assignments[sid] = assignment

    def blockers(self, sid: str, start: int) -> tuple[list[tuple[str, str]], bool]:
        """(person, session) pairs and plenaries in the way, and whether no eligible room is free."""
        session = self.sessions[sid]
        end = start + session.duration
        found = [
            (person, other)
            for person in session.speakers
            for s, e, other in self.people[person]
            if other != sid and _overlap(start, end, s, e)
        ]
        for s, e, other in self.all if session.is_plenary else self.plenaries:
            if other != sid and _overlap(start, end, s, e):
                found.append(("", other))
        return found, self.free_room(sid, start) is None

    def free_room(self, sid: str, start: int, prefer: str | None = None) -> str | None:
        end = start + self.sessions[sid].duration
        rooms = self.eligible[sid]
        if prefer is not None:
            rooms = sorted(rooms, key=lambda r: r.id != prefer)
        for room in rooms:
            if all(not _overlap(start, end, s, e) for s, e, other in self.rooms[room.id] if other != sid):
                return room.id
        return None

    def fits(self, sid: str, start: int, prefer: str | None = None) -> str | None:
        found, _ = self.blockers(sid, start)
        if found:
            return None
        return self.free_room(sid, start, prefer)


def _greedy(
    instance: Instance, prepared: _Prepared, previous: dict[str, Assignment], board: _Board | None = None
) -> _Board:
    """First fit, most constrained first, starts tried where the programme is least busy."""
    board = board or _Board(instance, prepared.eligible)
    for sid, assignment in prepared.fixed.items():
        if sid not in board.assignments:
            board.put(sid, assignment)
    sessions = {s.id: s for s in instance.sessions}
    load: Counter[int] = Counter()
    theme_load: Counter[tuple[str | None, int]] = Counter()
    grid = instance.grid

    def steps(t: int, duration: int) -> range:
        return range(t // grid, (t + duration - 1) // grid + 1)

    def spread(sid: str, t: int) -> tuple[int, int, int]:
        session = sessions[sid]
        steps_here = steps(t, session.duration)
        return (
            sum(theme_load[session.theme, p] for p in steps_here) if session.theme else 0,
            sum(load[p] for p in steps_here),
            t,
        )

    order = sorted(
        (sid for sid in prepared.candidates if sid not in board.assignments),
        key=lambda sid: (
            sessions[sid].pin is None,
            not sessions[sid].is_plenary,
            len(prepared.candidates[sid]),
            -sessions[sid].seats,
            -sessions[sid].duration,
            sid,
        ),
    )
    for sid in order:
        old = previous.get(sid)
        starts = sorted(prepared.candidates[sid], key=lambda t: spread(sid, t))
        if old is not None and old.start in prepared.candidates[sid]:
            starts.remove(old.start)
            starts.insert(0, old.start)
        for t in starts:
            room = board.fits(sid, t, prefer=old.room if old else None)
            if room is not None:
                board.put(sid, Assignment(room, t))
                for p in steps(t, sessions[sid].duration):
                    load[p] += 1
                    theme_load[sessions[sid].theme, p] += 1
                break
    return board


# --- step 2: rooms -------------------------------------------------------------------------------


def _assign_rooms(
    instance: Instance,
    prepared: _Prepared,
    starts: dict[str, int],
    weights: Weights,
    previous: dict[str, Assignment],
    time_limit: float,
    workers: int,
) -> tuple[dict[str, Assignment], list[str], str]:
    """Choose a room for each session now fixed in time; returns assignments, dropped ids, status."""
    sessions = {s.id: s for s in instance.sessions}
    model = cp_model.CpModel()
    y: dict[str, dict[str, Any]] = {}
    span = {sid: (t, t + sessions[sid].duration) for sid, t in starts.items()}
    fixed_spans = [(p.room, p.start, p.start + sessions[sid].duration) for sid, p in prepared.fixed.items()]
    objective = []
    used_vars: list[tuple[Any, list[str], str]] = []
    for sid in starts:
        start, end = span[sid]
        y[sid] = {}
        for room in prepared.eligible[sid]:
            if any(room.id == r and _overlap(start, end, s, e) for r, s, e in fixed_spans):
                continue
            y[sid][room.id] = model.new_bool_var(f"y[{sid},{room.id}]")
        model.add_at_most_one(y[sid].values())
        objective.append((sum(y[sid].values()), -weights.unplaced))
    # One session per room at every start: an overlap always contains the later start.
    instants = sorted({s for s, _ in span.values()})
    for t in instants:
        here = [sid for sid, (s, e) in span.items() if s <= t < e]
        if len(here) < 2:
            continue
        per_room: dict[str, list[Any]] = defaultdict(list)
        for sid in here:
            for room_id, lit in y[sid].items():
                per_room[room_id].append(lit)
        for lits in per_room.values():
            if len(lits) > 1:
                model.add_at_most_one(lits)
    if weights.theme_rooms:
        by_theme: dict[str, list[str]] = defaultdict(list)
        for sid in list(starts) + list(prepared.fixed):
            if sessions[sid].theme is not None:
                by_theme[sessions[sid].theme].append(sid)
        for theme, sids in by_theme.items():
            if len(sids) < 2:
                continue
            for room in instance.rooms:
                lits = [y[sid][room.id] for sid in sids if sid in y and room.id in y[sid]]
                pinned_here = any(prepared.fixed[sid].room == room.id for sid in sids if sid in prepared.fixed)
                if not lits or pinned_here:
                    continue
                used = model.new_bool_var(f"used[{theme},{room.id}]")
                for lit in lits:
                    model.add_implication(lit, used)
                used_vars.append((used, sids, room.id))
                objective.append((used, weights.theme_rooms))
    if weights.changes:
        for sid, old in previous.items():
            if sid in y and starts[sid] == old.start and old.room in y[sid]:
                objective.append((y[sid][old.room], -weights.changes))
    model.minimize(sum(coef * expr for expr, coef in objective if coef))
    # Greedy first: the smallest free suitable room, in start order. It is the hint, and the
    # answer if the solver finds nothing in its time.
    greedy: dict[str, str] = {}
    busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for room_id, s, e in fixed_spans:
        busy[room_id].append((s, e))
    for sid in sorted(starts, key=lambda sid: span[sid]):
        chosen = None
        old = previous.get(sid)
        options = sorted(y[sid], key=lambda r: old is None or r != old.room)
        for room_id in options:
            if all(not _overlap(*span[sid], s, e) for s, e in busy[room_id]):
                chosen = room_id
                break
        for room_id, lit in y[sid].items():
            model.add_hint(lit, room_id == chosen)
        if chosen is not None:
            busy[chosen].append(span[sid])
            greedy[sid] = chosen
    for used, sids, room_id in used_vars:
        model.add_hint(used, any(greedy.get(sid) == room_id for sid in sids))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = 0
    solver.parameters.cp_model_presolve = False
    status = solver.solve(model)
    assignments = dict(prepared.fixed)
    dropped = []
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for sid, start in starts.items():
            if sid in greedy:
                assignments[sid] = Assignment(greedy[sid], start)
            else:
                dropped.append(sid)
        return assignments, dropped, "unknown"
    for sid, lits in y.items():
        room = next((room_id for room_id, lit in lits.items() if solver.boolean_value(lit)), None)
        if room is None:
            dropped.append(sid)
        else:
            assignments[sid] = Assignment(room, starts[sid])
    return assignments, dropped, "optimal" if status == cp_model.OPTIMAL else "feasible"


# --- explaining what could not be placed ---------------------------------------------------------


def _explain(instance: Instance, prepared: _Prepared, board: _Board, sid: str) -> list[str]:
    """Why a session with possible starts found none free in the final programme."""
    analysis = _Analysis(instance)
    session = board.sessions[sid]
    starts = prepared.candidates[sid]
    people: dict[str, set[str]] = defaultdict(set)
    plenaries: set[str] = set()
    rooms_full = 0
    for t in starts:
        found, no_room = board.blockers(sid, t)
        for person, other in found:
            if person:
                people[person].add(other)
            else:
                plenaries.add(other)
        if not found and no_room:
            rooms_full += 1
    label = lambda ids: ", ".join(board.sessions[o].label for o in sorted(ids))  # noqa: E731
    reasons = []
    for person, others in sorted(people.items()):
        speaker = instance.speaker(person)
        if speaker.availability:
            reasons.append(
                f"{speaker.label} {analysis.availability_text(person)} et intervient déjà à ces moments-là dans "
                f"{label(others)}"
            )
        else:
            reasons.append(f"{speaker.label} intervient déjà dans {label(others)} aux moments possibles")
    if plenaries:
        reasons.append(f"la plénière {label(plenaries)} occupe toutes les salles à certains des moments possibles")
    if rooms_full:
        seats = f" de {session.seats} places ou plus" if session.seats else ""
        when = "à ce moment-là" if len(starts) == 1 else f"à {rooms_full} de ces moments"
        reasons.append(f"toutes les salles{seats} qui conviennent sont déjà occupées {when}")
    if not reasons:
        reasons.append("le générateur n'a pas trouvé de place dans le temps imparti : relancez-le avec plus de temps")
    opening = (
        "Le seul moment possible n'est pas libre"
        if len(starts) == 1
        else f"Aucun des {len(starts)} moments possibles n'est libre"
    )
    return [f"{opening} : " + " ; ".join(reasons)]


# --- the entry point -----------------------------------------------------------------------------


def solve(
    instance: Instance,
    *,
    time_limit: float,
    workers: int = 2,
    weights: Weights | None = None,
    previous: dict[str, Assignment] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> Result:
    """Build the best programme found within `time_limit` seconds (see the module's docstring).

    `previous` (default: the instance's) is the last released programme, to change as little as
    possible. `on_progress` is called from the solver's thread at each better programme.
    """
    started = time.perf_counter()
    weights = weights or Weights()
    previous = instance.previous if previous is None else previous
    prepared = _Analysis(instance).prepare()
    hint = _greedy(instance, prepared, previous)
    time_model = _TimeModel(instance, prepared, weights, previous)
    build_time = time.perf_counter() - started
    time_model.hint({sid: p.start for sid, p in hint.assignments.items() if sid in time_model.x})

    rooms_budget = max(0.5, min(0.1 * time_limit, 10.0))
    solver = cp_model.CpSolver()
    elapsed = time.perf_counter() - started
    solver.parameters.max_time_in_seconds = max(0.2, time_limit - elapsed - rooms_budget)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = 0
    # Presolve and probing cost seconds at national scale before the first solution; the model is
    # already tight, and without them the hinted programme is the first solution, at once.
    solver.parameters.cp_model_presolve = False
    callback = _Callback(time_model, started, on_progress)
    status = solver.solve(time_model.model, callback)
    solved_at = time.perf_counter() - started

    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        starts = {sid: t for sid, x in time_model.x.items() for t, lit in x.items() if solver.boolean_value(lit)}
        remaining = max(rooms_budget, time_limit - (time.perf_counter() - started))
        assignments, dropped, rooms_status = _assign_rooms(
            instance, prepared, starts, weights, previous, remaining, workers
        )
        overall = "optimal" if status == cp_model.OPTIMAL and rooms_status == "optimal" and not dropped else "feasible"
        source = "cp-sat"
    else:  # nothing found in time: the greedy programme is valid, keep it
        assignments, dropped, overall, source = dict(hint.assignments), [], "feasible", "greedy"

    # Repair: sessions the solver left out or the room step could not seat, placed where still free.
    board = _Board(instance, prepared.eligible)
    for sid, assignment in assignments.items():
        board.put(sid, assignment)
    left = [sid for sid in prepared.candidates if sid not in assignments]
    repaired = []
    for sid in left:
        for t in sorted(prepared.candidates[sid], key=lambda t: (previous.get(sid, Assignment("", t)).start != t, t)):
            room = board.fits(sid, t)
            if room is not None:
                board.put(sid, Assignment(room, t))
                repaired.append(sid)
                break
    assignments = dict(board.assignments)
    unplaced = dict(prepared.reasons)
    for sid in left:
        if sid not in assignments:
            unplaced[sid] = _explain(instance, prepared, board, sid)
    if repaired and overall == "optimal":
        overall = "feasible"

    counts, costs = score(instance, assignments, unplaced, weights, previous)
    # The room step may leave a few sessions out that the greedy programme seated: keep the better.
    if source == "cp-sat" and len(unplaced) > len(prepared.reasons):
        greedy_unplaced = dict(prepared.reasons)
        for sid in prepared.candidates:
            if sid not in hint.assignments:
                greedy_unplaced[sid] = _explain(instance, prepared, hint, sid)
        greedy_counts, greedy_costs = score(instance, hint.assignments, greedy_unplaced, weights, previous)
        if sum(greedy_costs.values()) < sum(costs.values()):
            assignments, unplaced, counts, costs = dict(hint.assignments), greedy_unplaced, greedy_counts, greedy_costs
            source, overall = "greedy", "feasible"
    wall = time.perf_counter() - started
    first = callback.first_complete
    if first is None and source == "greedy" and len(unplaced) == len(prepared.reasons):
        first = wall
    stats = {
        "source": source,
        "time_status": solver.status_name(status),
        "build_seconds": round(build_time, 3),
        "solve_seconds": round(solved_at - build_time, 3),
        "rooms_seconds": round(wall - solved_at, 3),
        "solutions": callback.solutions,
        "best_bound": solver.best_objective_bound if callback.solutions else None,
        "solver_objective": solver.objective_value if callback.solutions else None,
        "conflicts": solver.num_conflicts,
        "branches": solver.num_branches,
        "workers": workers,
        "sessions": len(instance.sessions),
        "pinned": len(prepared.fixed),
        "room_step_dropped": len(dropped),
        "repaired": len(repaired),
        "greedy_placed": len(hint.assignments),
        **time_model.stats,
    }
    return Result(
        assignments=assignments,
        unplaced=unplaced,
        status=overall,
        objective=sum(costs.values()),
        costs=costs,
        counts=counts,
        time_to_first=first,
        time_to_best=callback.best_time if source == "cp-sat" else wall,
        wall_time=wall,
        stats=stats,
    )


# --- output --------------------------------------------------------------------------------------


def result_to_dict(instance: Instance, result: Result) -> dict[str, Any]:
    """The JSON written by the command line (documented in docs/generator-instance.md)."""
    sessions = {s.id: s for s in instance.sessions}
    slots = []
    for sid, assignment in sorted(result.assignments.items(), key=lambda item: (item[1].start, item[1].room)):
        day_start = assignment.start - assignment.start % MINUTES_PER_DAY
        end = assignment.start + sessions[sid].duration - day_start
        slots.append(
            {
                "session": sid,
                "room": assignment.room,
                "day": instance.date_of(assignment.start).isoformat(),
                "start": format_time(assignment.start % MINUTES_PER_DAY),
                "end": format_time(end),
            }
        )
    return {
        "status": result.status,
        "objective": result.objective,
        "costs": result.costs,
        "counts": result.counts,
        "slots": slots,
        "unplaced": [{"session": sid, "reasons": reasons} for sid, reasons in result.unplaced.items()],
        "time_to_first": result.time_to_first,
        "time_to_best": result.time_to_best,
        "wall_time": round(result.wall_time, 3),
        "stats": result.stats,
    }


def summary_lines(instance: Instance, result: Result) -> list[str]:
    """A plain French summary of a result, for the command line."""
    lines = [
        f"{len(result.assignments)} session(s) placée(s) sur {len(instance.sessions)}, "
        f"{len(result.unplaced)} non placée(s). Statut : {result.status}. Score total : {result.objective}."
    ]
    for term in TERMS:
        if result.counts[term]:
            lines.append(f"  {TERM_LABELS[term]} : {result.counts[term]} (coût {result.costs[term]})")
    for sid, reasons in result.unplaced.items():
        lines.append(f"  Non placée : {instance.session(sid).label} — " + " ; ".join(reasons))
    return lines


def run_file(
    instance_path: str | Path, output_path: str | Path, *, time_limit: float, workers: int
) -> tuple[Instance, Result]:
    """Read an instance file, solve it with its own weights, write the result as JSON."""
    instance = load_instance(instance_path)
    raw = json.loads(Path(instance_path).read_text(encoding="utf-8"))
    weights = Weights.from_dict(raw.get("weights"))
    result = solve(instance, time_limit=time_limit, workers=workers, weights=weights)
    Path(output_path).write_text(
        json.dumps(result_to_dict(instance, result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return instance, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nec.programme.solver.solve",
        description="Construit un programme à partir d'une instance JSON (voir docs/generator-instance.md).",
    )
    parser.add_argument("instance", help="fichier JSON de l'instance")
    parser.add_argument("-o", "--output", required=True, help="fichier JSON où écrire le programme")
    parser.add_argument("--time-limit", type=float, default=30.0, help="secondes de recherche (30 par défaut)")
    parser.add_argument("--workers", type=int, default=2, help="fils de calcul du solveur (2 par défaut)")
    args = parser.parse_args(argv)
    if args.time_limit <= 0 or args.workers < 1:
        print("--time-limit doit être positif et --workers au moins 1.", file=sys.stderr)
        return 2
    try:
        instance, result = run_file(args.instance, args.output, time_limit=args.time_limit, workers=args.workers)
    except InstanceError as exc:
        print("L'instance ne peut pas être utilisée :", file=sys.stderr)
        for message in exc.messages:
            print(f"  - {message}", file=sys.stderr)
        return 1
    for line in summary_lines(instance, result):
        print(line)
    print(f"Programme écrit dans {args.output}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
