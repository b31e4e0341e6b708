"""Benchmark of the workshop seats under a rush, through HTTP: `./scripts/bench registration`.

For each setting — gunicorn on SQLite, gunicorn on PostgreSQL, and two gunicorn app servers on one
PostgreSQL (in that run one of their worker processes is killed with SIGKILL in the middle of the rush, and
gunicorn starts another) — it builds a throwaway instance with one event: ten workshops of 30 seats and
1,000 confirmed participants. Each participant opens their personal link (which signs them in), then, all
at once through 200 concurrent clients, asks for a seat in one workshop (100 people per workshop, so the
waiting lists fill); while the rush goes on, 100 of those who got a seat give it back, so offers are made.
A request that fails because its server process was killed is sent again (asking twice for a seat is
harmless: the second answer is the first seat).

It prints the throughput, the p50 / p95 / p99 latency of the seat POST, and the seat POST's throughput as a
ratio of `/healthz`'s measured in the same run with the same clients; then it checks the invariants in the
database: no workshop over capacity, every participant's request accounted for exactly once (one seat,
booked, offered or waiting), waiting lists in arrival order, the counters equal to the rows, an offer made
(with its mail) for every freed seat while people waited. Targets: the invariants hold in every run; p95
under 1 s; the seat POST at 10 % or more of /healthz. Exits 1 when an invariant fails or a target is missed.

PostgreSQL is a throwaway server started from Debian's binaries (or NEC_BENCH_POSTGRES_URL, an existing
server whose user may create databases). Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SLUG = "nec-bench-inscriptions"
WORKSHOPS = 10
CAPACITY = 30
PARTICIPANTS = 1000
LEAVERS = 100
CLIENTS = 200
P95_TARGET = 1.0
RATIO_TARGET = 0.10
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the instance ----------------------------------------------------------------------------------


def _build_event() -> list[tuple[str, int]]:
    """The event, its ten workshops (one after the other, so nobody's choice overlaps another) and the
    participants; returns each participant's (personal link path, workshop id)."""
    from nec.core.db import utcnow
    from nec.events.models import Event, EventDay, EventFormat, FormatKind, Room, SessionFormat
    from nec.extensions import db
    from nec.programme.models import ScheduleVersion, Slot
    from nec.proposals.models import Session, SessionState
    from nec.registrations import services
    from nec.registrations.models import Attendance, Registration, RegistrationSettings, RegistrationState

    first = date.today() + timedelta(days=40)
    event = Event(
        slug=SLUG,
        title="NEC (banc d'essai des inscriptions)",
        start_date=first,
        end_date=first + timedelta(days=1),
        timezone="Europe/Paris",
        format=EventFormat.on_site,
        is_published=True,
    )
    event.days = [EventDay(date=first + timedelta(days=n)) for n in range(2)]
    workshop = SessionFormat(event=event, kind=FormatKind.workshop, name="Atelier", default_duration=60)
    rooms = [Room(event=event, name=f"Salle {n + 1}", capacity=CAPACITY, position=n) for n in range(WORKSHOPS)]
    sessions = [
        Session(
            event=event, format=workshop, title=f"Atelier {n + 1}", duration=60, state=SessionState.confirmed,
            seat_capacity=CAPACITY, summary="Un atelier du banc d'essai.",
        )
        for n in range(WORKSHOPS)
    ]  # fmt: skip
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
    version = ScheduleVersion(event=event, name="v1", released_at=utcnow())
    version.slots = [
        Slot(session=s, room=r, starts_at=start + timedelta(hours=n), ends_at=start + timedelta(hours=n, minutes=55))
        for n, (s, r) in enumerate(zip(sessions, rooms, strict=True))
    ]
    settings = RegistrationSettings(event=event, is_open=True, on_site_taken=PARTICIPANTS)
    registrations = [
        Registration(
            event=event, email=f"participant{n:04d}@example.org", full_name=f"Participant {n:04d}",
            state=RegistrationState.confirmed, attendance=Attendance.on_site, confirmed_at=utcnow(),
        )
        for n in range(PARTICIPANTS)
    ]  # fmt: skip
    db.session.add_all([event, workshop, *rooms, *sessions, version, settings, *registrations])
    db.session.commit()
    return [
        (f"/{SLUG}/me/access/{services.personal_token(r)}", sessions[n % WORKSHOPS].id)
        for n, r in enumerate(registrations)
    ]


def _prepare(env: dict[str, str]) -> list[tuple[str, int]]:
    subprocess.run(  # noqa: S603
        [str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.environ.update(env)
    from nec import create_app
    from nec.extensions import db

    app = create_app()
    with app.app_context():
        people = _build_event()
        db.session.remove()
        db.engine.dispose()
    return people


# --- the servers -----------------------------------------------------------------------------------


def _gunicorn(port: int, env: dict[str, str], workers: int, threads: int) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--threads", str(threads), "--log-level", "error", "--no-control-socket", "wsgi:app",
        ],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# --- the clients -----------------------------------------------------------------------------------


@dataclass
class Client:
    base: str
    link: str
    workshop: int
    session: object = None
    csrf: str = ""
    email: str = ""
    began: float = 0.0
    latency: float = 0.0
    status: int = 0
    retries: int = 0


@dataclass
class Rush:
    clients: list[Client]
    seconds: float = 0.0
    leave_latencies: list[float] = field(default_factory=list)
    failed_leaves: int = 0
    figures: tuple[int, int, int] = (0, 0, 0)
    retries: int = 0


async def _with_retries(call, attempts: int = 5):
    """Send again when the server process died under the request (the rush kills one on purpose)."""
    import aiohttp

    for attempt in range(attempts):
        try:
            return await call(), attempt
        except (TimeoutError, aiohttp.ClientConnectionError, aiohttp.ServerDisconnectedError):
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


async def _sign_in(client: Client, limit: asyncio.Semaphore) -> None:
    import aiohttp

    async with limit:
        client.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=aiohttp.ClientTimeout(total=120)
        )

        async def open_link():
            async with client.session.get(client.base + client.link) as response:
                return response.status, await response.text()

        (status, page), _ = await _with_retries(open_link)
        match = CSRF.search(page)
        if status != 200 or match is None:
            raise SystemExit(f"Le lien personnel {client.link} n'ouvre pas l'espace personnel (HTTP {status}).")
        client.csrf = match.group(1)


async def _post_seat(client: Client, path: str, *, timed: bool = True) -> tuple[int, float, int]:
    """POST with the client's CSRF token; `timed`: the request's start is the client's arrival time (the
    seat request, not the later giving back)."""

    async def post():
        begin = time.perf_counter()
        if timed:
            client.began = begin
        async with client.session.post(
            client.base + path, data={"csrf_token": client.csrf}, allow_redirects=False
        ) as response:
            await response.read()
            return response.status, time.perf_counter() - begin

    (status, latency), retries = await _with_retries(post)
    return status, latency, retries


async def _rush(clients: list[Client], kill: callable | None) -> Rush:
    rush = Rush(clients)
    queue: asyncio.Queue[Client] = asyncio.Queue()
    for client in clients:
        queue.put_nowait(client)
    leavers = random.Random(7).sample(range(len(clients)), LEAVERS)
    done = 0

    async def worker():
        nonlocal done
        while not queue.empty():
            client = queue.get_nowait()
            client.status, client.latency, client.retries = await _post_seat(
                client, f"/{SLUG}/sessions/{client.workshop}/seat"
            )
            rush.retries += client.retries
            done += 1
            if kill is not None and done == len(clients) // 3:
                kill()

    async def leaver():
        """Some give their place back while the rush goes on: a seat (then offered to the next person
        waiting) or a place on the waiting list."""
        for index in sorted(leavers):
            client = clients[index]
            while client.status == 0:
                await asyncio.sleep(0.01)
            status, latency, retries = await _post_seat(
                client, f"/{SLUG}/sessions/{client.workshop}/seat/leave", timed=False
            )
            rush.retries += retries
            rush.leave_latencies.append(latency)
            if status not in (302, 303):
                rush.failed_leaves += 1

    begin = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CLIENTS)), leaver())
    rush.seconds = time.perf_counter() - begin
    return rush


async def _health(bases: list[str], requests: int) -> float:
    """Requests per second of /healthz with the same number of concurrent clients."""
    import aiohttp

    queue = list(range(requests))

    async with aiohttp.ClientSession() as session:

        async def worker(n):
            while queue:
                queue.pop()
                async with session.get(bases[n % len(bases)] + "/healthz") as response:
                    await response.read()

        begin = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(CLIENTS)))
        return requests / (time.perf_counter() - begin)


async def _measure(bases: list[str], people: list[tuple[str, int]], kill) -> tuple[Rush, float, float]:
    clients = [
        Client(bases[n % len(bases)], link, workshop, email=f"participant{n:04d}@example.org")
        for n, (link, workshop) in enumerate(people)
    ]
    limit = asyncio.Semaphore(CLIENTS)
    await asyncio.gather(*(_sign_in(c, limit) for c in clients))
    health_before = await _health(bases, 2000)
    rush = await _rush(clients, kill)
    health_after = await _health(bases, 2000)
    for client in clients:
        await client.session.close()
    return rush, health_before, health_after


# --- the invariants --------------------------------------------------------------------------------


def _check(env: dict[str, str], rush: Rush) -> list[str]:
    os.environ.update(env)
    import sqlalchemy as sa

    from nec import create_app
    from nec.core.models import OutboxMessage
    from nec.extensions import db
    from nec.registrations.models import Registration, Seat, SeatCounter, SeatState

    problems = []
    app = create_app()
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                Registration.email, Seat.session_id, Seat.state, Seat.ticket, Seat.offered_at, Seat.booked_at
            ).join(Seat.registration)
        ).all()
        by_person: dict[str, list] = {}
        for row in rows:
            by_person.setdefault(row.email, []).append(row)
        if len(by_person) != PARTICIPANTS or any(len(v) != 1 for v in by_person.values()):  # one row each
            problems.append(f"{PARTICIPANTS} demandes attendues, une place chacune : {len(by_person)} personnes")
        bad = [c for c in rush.clients if c.status not in (302, 303)]
        if bad:
            problems.append(f"{len(bad)} demandes sans réponse de redirection (ex. HTTP {bad[0].status})")
        for counter in db.session.scalars(sa.select(SeatCounter)):
            mine = [r for r in rows if r.session_id == counter.session_id]
            holding = sum(r.state in (SeatState.booked, SeatState.offered) for r in mine)
            waiting = sorted((r for r in mine if r.state == SeatState.waiting), key=lambda r: r.ticket)
            if holding > CAPACITY:
                problems.append(f"atelier {counter.session_id} : {holding} places occupées pour {CAPACITY}")
            if (counter.taken, counter.waiting) != (holding, len(waiting)):
                problems.append(f"atelier {counter.session_id} : compteurs {counter.taken}/{counter.waiting}")
            if waiting and holding < CAPACITY:
                problems.append(f"atelier {counter.session_id} : une place libre alors que {len(waiting)} attendent")
            tickets = sorted(r.ticket for r in mine)
            if len(set(tickets)) != len(tickets):
                problems.append(f"atelier {counter.session_id} : deux demandes avec le même numéro d'arrivée")
            offered = [r for r in mine if r.offered_at is not None]
            if offered and waiting and max(r.ticket for r in offered) > waiting[0].ticket:
                problems.append(f"atelier {counter.session_id} : une offre a doublé la liste d'attente")
        # Arrival order: a request answered before another was sent has the smaller ticket.
        ticket = {r.email: r.ticket for r in rows}
        for workshop in {c.workshop for c in rush.clients}:
            mine = sorted((c for c in rush.clients if c.workshop == workshop), key=lambda c: c.began)
            late = [
                (a.email, b.email)
                for a in mine
                for b in mine
                if a.began + a.latency < b.began and ticket.get(a.email, 0) > ticket.get(b.email, 0)
            ]
            if late:
                problems.append(f"atelier {workshop} : {len(late)} paires servies dans le désordre, ex. {late[0]}")
        offers = sum(r.offered_at is not None for r in rows)
        mails = db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.subject.like("Une place se%"))
        )
        # A seat given back by someone who held it (booked, or offered to them) is freed; leaving the waiting
        # list frees nothing.
        freed = sum(r.state == SeatState.cancelled and (r.booked_at or r.offered_at) is not None for r in rows)
        if rush.failed_leaves:
            problems.append(f"{rush.failed_leaves} demandes de rendre sa place sans redirection")
        # A seat freed while nobody waited is simply free again (and booked by the next arrival); one freed
        # while people wait always becomes an offer (checked above: no free seat while people wait).
        if offers != mails or offers > freed:
            problems.append(f"{freed} places rendues, {offers} offres, {mails} e-mails d'offre")
        rush.figures = (freed, offers, mails)
        db.session.remove()
        db.engine.dispose()
    return problems


# --- one setting -----------------------------------------------------------------------------------


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def _setting(name: str, database_url: str, servers: int, kill: bool, args) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="nec-bench-registration-"))
    env = {
        **os.environ,
        "NEC_INSTANCE_PATH": str(folder),
        "NEC_SECRET_KEY": "bench-" + os.urandom(8).hex(),
        "NEC_DATABASE_URL": database_url or f"sqlite:///{folder / 'nec.sqlite3'}",
        "NEC_RATELIMIT_ENABLED": "0",  # 1,000 people from one address: the limits would be the measure
    }
    processes: list[subprocess.Popen] = []
    try:
        print(f"==> {name} : préparation ({PARTICIPANTS} participants, {WORKSHOPS} ateliers de {CAPACITY})", flush=True)
        people = _prepare(env)
        ports = [_free_port() for _ in range(servers)]
        processes = [_gunicorn(port, env, args.workers, args.threads) for port in ports]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        _wait_ready(bases, processes)
        killed = []

        def kill_one():
            victims = _children(processes[0].pid)
            if victims:
                os.kill(victims[0], signal.SIGKILL)
                killed.append(victims[0])

        rush, health_before, health_after = asyncio.run(_measure(bases, people, kill_one if kill else None))
        latencies = [c.latency for c in rush.clients]
        health = (health_before + health_after) / 2
        seat_rps = len(latencies) / rush.seconds
        result = {
            "name": name,
            "seconds": rush.seconds,
            "seat_rps": seat_rps,
            "health_rps": health,
            "ratio": seat_rps / health,
            "p50": _percentile(latencies, 0.50),
            "p95": _percentile(latencies, 0.95),
            "p99": _percentile(latencies, 0.99),
            "retries": rush.retries,
            "killed": bool(killed),
            "leaves": len(rush.leave_latencies),
        }
        for process in processes:
            _stop(process)
        processes = []
        result["problems"] = _check(env, rush)
        result["figures"] = rush.figures
        return result
    finally:
        for process in processes:
            _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_ready(bases: list[str], processes: list[subprocess.Popen], timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    for base, process in zip(bases, processes, strict=True):
        while True:
            if process.poll() is not None:
                raise SystemExit("gunicorn s'est arrêté au démarrage.")
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5).read()  # noqa: S310 (127.0.0.1 only)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn ne répond pas.") from None
                time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="processus gunicorn par serveur d'application")
    parser.add_argument("--threads", type=int, default=4, help="fils par processus gunicorn")
    parser.add_argument("--only", choices=["sqlite", "postgresql", "two-servers"], action="append")
    args = parser.parse_args(argv)
    wanted = args.only or ["sqlite", "postgresql", "two-servers"]

    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import ExternalPostgres, PostgresServer

    server = None
    results = []
    started = time.monotonic()
    try:
        if "sqlite" in wanted:
            results.append(_setting("SQLite, 1 serveur", "", 1, False, args))
        if {"postgresql", "two-servers"} & set(wanted):
            external = os.environ.get("NEC_BENCH_POSTGRES_URL")
            server = ExternalPostgres(external) if external else PostgresServer().start()
            if "postgresql" in wanted:
                url = server.create_database(f"nec_bench_{uuid.uuid4().hex[:8]}")
                results.append(_setting("PostgreSQL, 1 serveur", url, 1, False, args))
            if "two-servers" in wanted:
                url = server.create_database(f"nec_bench_{uuid.uuid4().hex[:8]}")
                results.append(_setting("PostgreSQL, 2 serveurs + SIGKILL", url, 2, True, args))
    finally:
        if server is not None:
            server.stop()

    print()
    print(f"{CLIENTS} clients simultanés ; {PARTICIPANTS} demandes de place, dont {LEAVERS} rendues pendant la ruée")
    print(
        f"{'réglage':<34} {'place/s':>8} {'/healthz/s':>10} {'ratio':>6} {'p50':>7} {'p95':>7} {'p99':>7} "
        f"{'renvois':>8}"
    )
    verdict = True
    for r in results:
        print(
            f"{r['name']:<34} {r['seat_rps']:>8.0f} {r['health_rps']:>10.0f} {r['ratio']:>6.0%} "
            f"{r['p50']:>6.2f}s {r['p95']:>6.2f}s {r['p99']:>6.2f}s {r['retries']:>8}"
        )
    print()
    for r in results:
        ok = not r["problems"] and r["p95"] < P95_TARGET and r["ratio"] >= RATIO_TARGET
        verdict = verdict and ok
        details = "; ".join(r["problems"]) or "invariants respectés"
        extra = " (un processus gunicorn tué par SIGKILL pendant la ruée)" if r["killed"] else ""
        freed, offers, mails = r["figures"]
        print(
            f"{r['name']}{extra} : {details} ; {r['leaves']} personnes ont rendu leur place ou quitté la liste "
            f"pendant la ruée : {freed} places libérées, {offers} offres faites, {mails} e-mails d'offre"
        )
    print(
        f"Objectifs : invariants dans chaque réglage, p95 < {P95_TARGET:.0f} s, place/s ≥ {RATIO_TARGET:.0%} de "
        f"/healthz — " + ("atteints." if verdict else "NON atteints.")
    )
    print(f"Durée totale : {time.monotonic() - started:.0f} s")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
