"""Benchmark of the programme generator: `./scripts/bench generator`.

Runs each case in its own process (so that peak memory is the case's own) and prints a table:
time to the first programme that places every placeable session, time to the best one, hard
violations counted by the independent checker (nec.programme.solver.checker; must be 0), the soft terms,
and peak memory. The PyCon UK 2016 cases run conference-scheduler (PuLP + CBC) side by side on the
same instance and constraints, and give our generator no more time than it took.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks import instances
from nec.programme.solver.checker import check
from nec.programme.solver.instance import MINUTES_PER_DAY, Assignment, Instance, Window
from nec.programme.solver.solve import TERMS, Weights, score, solve

ROOT = Path(__file__).resolve().parent.parent
PYCON_DATA = ROOT.parent / "shared" / "data" / "pyconuk-2016-talks.yml"
TARGETS = {"local": 2.0, "national": 15.0}
PERTURBED_TALKS = 8  # talks whose speaker becomes unavailable on the day they were given


def _peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its finished children (CBC), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _ours(instance: Instance, time_limit: float, workers: int, **kwargs) -> dict:
    result = solve(instance, time_limit=time_limit, workers=workers, **kwargs)
    violations = check(instance, result.assignments, result.unplaced)
    own, _ = _peak_mb()
    return {
        "solver": "nec (CP-SAT)",
        "time_limit": time_limit,
        "first": result.time_to_first,
        "best": result.time_to_best,
        "wall": result.wall_time,
        "violations": len(violations),
        "placed": len(result.assignments),
        "unplaced": len(result.unplaced),
        "counts": result.counts,
        "objective": result.objective,
        "status": result.status,
        "memory_mb": own,
        "assignments": {sid: [p.room, p.start] for sid, p in result.assignments.items()},
        "stats": {k: result.stats.get(k) for k in ("variables", "constraints", "wish_pairs", "repaired")},
    }


# --- conference-scheduler on the PyCon UK instance ----------------------------------------------------


def _scheduler_inputs(instance: Instance, unavailable: dict[str, int] | None = None):
    """Events and slots for conference-scheduler: one slot per room and documented time slot."""
    from conference_scheduler.resources import Event, Slot

    slots = []
    for day_index, day in enumerate(instance.days):
        midnight = datetime(day.date.year, day.date.month, day.date.day)
        for start, length in instances.PYCON_SLOTS:
            for room in instance.rooms:
                slots.append(
                    Slot(
                        venue=room.id,
                        starts_at=midnight + timedelta(minutes=start),
                        duration=length,
                        capacity=room.capacity,
                        session=f"{day.date} {day_index}",
                    )
                )
    events = [Event(s.id, s.duration, demand=0, tags=[s.theme] if s.theme else None) for s in instance.sessions]
    for event, session in zip(events, instance.sessions, strict=True):
        if unavailable and session.id in unavailable:
            day = unavailable[session.id]
            event.add_unavailability(
                *[slot for slot in slots if (slot.starts_at.date() - instance.days[0].date).days == day]
            )
    return events, slots


def _to_assignments(instance: Instance, events, slots, solution) -> dict[str, Assignment]:
    first = instance.days[0].date
    assignments = {}
    for event_index, slot_index in solution:
        slot = slots[slot_index]
        day = (slot.starts_at.date() - first).days
        minute = day * MINUTES_PER_DAY + slot.starts_at.hour * 60 + slot.starts_at.minute
        assignments[events[event_index].name] = Assignment(slot.venue, minute)
    return assignments


def _conference_scheduler(instance: Instance, *, previous=None, unavailable=None, weights=None) -> dict:
    import pulp
    from conference_scheduler import scheduler
    from conference_scheduler.lp_problem import objective_functions
    from conference_scheduler.resources import ScheduledItem

    started = time.perf_counter()
    events, slots = _scheduler_inputs(instance, unavailable)
    kwargs = {}
    if previous is not None:
        by_key = {(slot.venue, slot.starts_at): slot for slot in slots}
        original = []
        for event in events:
            assignment = previous[event.name]
            when = datetime.combine(instance.date_of(assignment.start), datetime.min.time()) + timedelta(
                minutes=assignment.start % MINUTES_PER_DAY
            )
            original.append(ScheduledItem(event=event, slot=by_key[assignment.room, when]))
        kwargs = {"objective_function": objective_functions.number_of_changes, "original_schedule": original}
    solution = scheduler.solution(events, slots, solver=pulp.PULP_CBC_CMD(msg=False, threads=2), **kwargs)
    wall = time.perf_counter() - started
    assignments = _to_assignments(instance, events, slots, solution)
    unplaced = {s.id: ["non placée"] for s in instance.sessions if s.id not in assignments}
    counts, _ = score(instance, assignments, unplaced, weights or Weights(), previous or {})
    own, children = _peak_mb()
    return {
        "solver": "conference-scheduler (PuLP+CBC)",
        "time_limit": None,
        "first": wall,
        "best": wall,
        "wall": wall,
        "violations": len(check(instance, assignments, unplaced)),
        "placed": len(assignments),
        "unplaced": len(unplaced),
        "counts": counts,
        "objective": None,
        "status": "optimal",
        "memory_mb": own + children,
        "assignments": {sid: [p.room, p.start] for sid, p in assignments.items()},
        "stats": {"variables": len(events) * len(slots)},
    }


def _perturbation(instance: Instance, previous: dict[str, Assignment]) -> tuple[Instance, dict[str, int]]:
    """Late news: the speakers of a few talks can no longer come on the day their talk was given."""
    talks = [s for s in instance.sessions if s.speakers][:: max(1, len(instance.sessions) // PERTURBED_TALKS)]
    talks = talks[:PERTURBED_TALKS]
    unavailable = {s.id: previous[s.id].start // MINUTES_PER_DAY for s in talks}
    speakers = []
    for person in instance.speakers:
        gone = {unavailable[s.id] for s in talks if person.id in s.speakers}
        if gone:
            windows = tuple(
                Window(d * MINUTES_PER_DAY, (d + 1) * MINUTES_PER_DAY)
                for d in range(len(instance.days))
                if d not in gone
            )
            person = type(person)(person.id, person.name, windows)
        speakers.append(person)
    changed = Instance(
        days=instance.days,
        rooms=instance.rooms,
        sessions=instance.sessions,
        speakers=speakers,
        wishes=instance.wishes,
        grid=instance.grid,
        previous=previous,
        name=instance.name + " (régénéré)",
    )
    return changed, unavailable


# --- cases -------------------------------------------------------------------------------------------


def run_case(case: str, workers: int, scale: float) -> list[dict]:
    if case == "local":
        return [_ours(instances.local(), 10.0 * scale, workers)]
    if case == "national":
        return [_ours(instances.national(), 30.0 * scale, workers)]
    instance = instances.pycon_uk_2016(PYCON_DATA)
    if case == "pycon-cs":
        return [_conference_scheduler(instance)]
    if case.startswith("pycon-ours:"):
        return [_ours(instance, float(case.split(":")[1]), workers)]
    if case.startswith("pycon-regen"):
        previous_path = Path(case.split(":", 2)[2])
        previous = {
            sid: Assignment(room, start) for sid, (room, start) in json.loads(previous_path.read_text()).items()
        }
        changed, unavailable = _perturbation(instance, previous)
        weights = Weights(wishes=0, themes=0, density=0, back_to_back=0, theme_rooms=0, changes=1)
        if case.startswith("pycon-regen-cs"):
            return [_conference_scheduler(changed, previous=previous, unavailable=unavailable, weights=weights)]
        limit = float(case.split(":")[1])
        return [_ours(changed, limit, workers, weights=weights, previous=previous)]
    raise SystemExit(f"Cas inconnu : {case}")


def _child(case: str, workers: int, scale: float) -> list[dict]:
    command = [sys.executable, "-m", "benchmarks.generator", "--case", case, "--workers", str(workers)]
    command += ["--scale", str(scale)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"Le cas {case} a échoué.")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fmt(value, digits=2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _table(rows: list[tuple[str, dict]]) -> None:
    header = ["cas", "solveur", "limite s", "1er complet s", "meilleur s", "total s", "violations", "placées"]
    header += [*TERMS[1:], "mémoire Mo"]
    lines = [header]
    for name, r in rows:
        line = [name, r["solver"], _fmt(r["time_limit"]), _fmt(r["first"]), _fmt(r["best"]), _fmt(r["wall"])]
        line += [str(r["violations"]), f"{r['placed']}/{r['placed'] + r['unplaced']}"]
        line += [str(r["counts"][term]) for term in TERMS[1:]]
        line.append(_fmt(r["memory_mb"], 0))
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for n, line in enumerate(lines):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./scripts/bench generator", description=__doc__.splitlines()[0])
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2, help="fils de calcul de CP-SAT (2 par défaut)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplie les limites de temps (0.2 : essai rapide)")
    parser.add_argument("--only", choices=("local", "national", "pycon"), help="un seul groupe de cas")
    args = parser.parse_args(argv)
    if args.case:  # inside a child process: print the case's figures as one JSON line
        print(json.dumps(run_case(args.case, args.workers, args.scale)))
        return 0

    rows: list[tuple[str, dict]] = []
    failures = []
    if args.only in (None, "local", "national"):
        for case in ("local", "national") if args.only is None else (args.only,):
            print(f"==> {case} …", flush=True)
            result = _child(case, args.workers, args.scale)[0]
            rows.append((case, result))
            if result["first"] is None or result["first"] > TARGETS[case]:
                failures.append(
                    f"{case} : premier programme complet après {_fmt(result['first'])} s (cible {TARGETS[case]} s)"
                )
    if args.only in (None, "pycon"):
        if not PYCON_DATA.exists():
            print(f"Fichier absent : {PYCON_DATA} (cas PyCon UK ignorés).")
        else:
            print("==> PyCon UK 2016 : conference-scheduler …", flush=True)
            theirs = _child("pycon-cs", args.workers, args.scale)[0]
            limit = round(max(0.5, theirs["wall"]), 2)
            print(f"==> PyCon UK 2016 : nec, limite {limit} s …", flush=True)
            ours = _child(f"pycon-ours:{limit}", args.workers, args.scale)[0]
            rows += [("pycon-uk", theirs), ("pycon-uk", ours)]
            previous_path = ROOT / "instance" / "bench-pycon-previous.json"
            previous_path.parent.mkdir(exist_ok=True)
            previous_path.write_text(json.dumps(theirs["assignments"]))
            print("==> PyCon UK 2016 régénéré (8 intervenant·es empêché·es) : conference-scheduler …", flush=True)
            regen_theirs = _child(f"pycon-regen-cs:0:{previous_path}", args.workers, args.scale)[0]
            limit = round(max(0.5, regen_theirs["wall"]), 2)
            print(f"==> PyCon UK 2016 régénéré : nec, limite {limit} s …", flush=True)
            regen_ours = _child(f"pycon-regen:{limit}:{previous_path}", args.workers, args.scale)[0]
            rows += [("pycon-regen", regen_theirs), ("pycon-regen", regen_ours)]
            for name, a, b in (("pycon-uk", theirs, ours), ("pycon-regen", regen_theirs, regen_ours)):
                if b["violations"] or b["unplaced"] > a["unplaced"]:
                    failures.append(f"{name} : programme moins bon que conference-scheduler")
                if name == "pycon-regen" and b["counts"]["changes"] > a["counts"]["changes"]:
                    failures.append(f"{name} : plus de changements que conference-scheduler")
                if name == "pycon-uk" and b["counts"]["themes"] > a["counts"]["themes"]:
                    failures.append(f"{name} : plus de sessions d'un même thème en parallèle")
    print()
    _table(rows)
    print()
    pairs = {name: [r for n, r in rows if n == name] for name in ("pycon-uk", "pycon-regen")}
    for name, pair in pairs.items():
        if len(pair) == 2:
            theirs, ours = pair
            ratio = ours["wall"] / theirs["wall"] if theirs["wall"] else float("nan")
            first = ours["first"] / theirs["wall"] if ours["first"] is not None and theirs["wall"] else float("nan")
            print(
                f"{name} : temps total nec / conference-scheduler = {ratio:.2f}, "
                f"premier programme complet = {first:.2f} ; "
                f"mémoire = {ours['memory_mb'] / theirs['memory_mb']:.2f} ; changements {ours['counts']['changes']} "
                f"contre {theirs['counts']['changes']}, thèmes en parallèle {ours['counts']['themes']} "
                f"contre {theirs['counts']['themes']}"
            )
    violations = sum(r["violations"] for _, r in rows)
    print(f"Violations de contraintes dures (vérificateur indépendant) : {violations}")
    if violations:
        failures.append(f"{violations} violation(s) de contraintes dures")
    for failure in failures:
        print(f"ÉCHEC : {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
