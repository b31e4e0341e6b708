"""Benchmark of the public pages under gunicorn: `./scripts/bench web`.

Builds a throwaway instance (its own folder and SQLite database, or an empty PostgreSQL database given
with --database-url), migrates it, loads the demo (released programme "v1") and a generated event of
300 sessions with a released programme, starts the application under gunicorn on 127.0.0.1 and a free
port, warms it up, then measures the requests per second of /healthz, the programme page, a session
page, schedule.xml and schedule.pdf with wrk, each for a few seconds (and the time of the first
schedule.pdf, the one that renders it). It prints the throughput and the ratio of
each page to /healthz measured in the same run (target: the programme page at 30 % or more).

Traffic goes to 127.0.0.1 only; gunicorn is stopped and the folder removed at the end. The requests
are those of new anonymous visitors (no cookie), the case the page cache is made for.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BIG_SLUG = "nec-bench-300"
TARGET = 0.30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _build_big_event(sessions: int = 300) -> None:
    """An event of `sessions` sessions over three days in twelve rooms, released as "v1" (deterministic)."""
    from nec.events.models import Event, EventDay, FormatKind, Room, SessionFormat, Theme
    from nec.extensions import db
    from nec.programme.models import ScheduleVersion, Slot
    from nec.proposals.models import Session, SessionSpeaker, SessionState, SpeakerProfile, SpeakerRole

    tz = ZoneInfo("Europe/Paris")
    first = date(2031, 3, 11)
    days = [first + timedelta(days=n) for n in range(3)]
    event = Event(
        slug=BIG_SLUG,
        title="NEC national (banc d'essai, 300 sessions)",
        start_date=days[0],
        end_date=days[-1],
        timezone="Europe/Paris",
        is_published=True,
    )
    event.days = [EventDay(date=d, opens_at=clock(9), closes_at=clock(18)) for d in days]
    rooms = [Room(event=event, name=f"Salle {n + 1}", capacity=40 + 10 * n, position=n) for n in range(12)]
    themes = [
        Theme(event=event, name=name, colour=colour, position=n)
        for n, (name, colour) in enumerate(
            [
                ("Médiation numérique", "#1f5f8b"),
                ("Tiers-lieux", "#aa3300"),
                ("Financements", "#2e7d32"),
                ("Emploi et insertion", "#6a1b9a"),
                ("Animer un réseau", "#8d6e00"),
                ("Accessibilité", "#00695c"),
            ]
        )
    ]
    formats = [
        SessionFormat(event=event, kind=FormatKind.round_table, name="Table ronde", default_duration=45),
        SessionFormat(event=event, kind=FormatKind.workshop, name="Atelier", default_duration=45),
        SessionFormat(event=event, kind=FormatKind.talk, name="Intervention", default_duration=45),
    ]
    speakers = [
        SpeakerProfile(
            event=event,
            full_name=f"Intervenant·e {n + 1:03d}",
            email=f"intervenant{n + 1}@bench.example.org",
            structure=f"Structure {n % 50 + 1}",
            bio="Anime des ateliers numériques pour tous les publics.",
            publish_consent=n % 7 != 0,
        )
        for n in range(400)
    ]
    version = ScheduleVersion(event=event, name="v1", released_at=datetime(2031, 2, 1, 9, tzinfo=UTC))
    made = []
    for n in range(sessions):
        day, rest = divmod(n, len(rooms) * 9)
        hour, room = divmod(rest, len(rooms))
        session = Session(
            event=event,
            title=f"Session {n + 1} : le numérique au service de toutes et tous",
            summary="Retours d'expérience, outils et conseils pour accompagner les publics éloignés du numérique.",
            format=formats[n % len(formats)],
            theme=themes[n % len(themes)],
            duration=45,
            state=SessionState.confirmed,
        )
        session.speakers = [
            SessionSpeaker(speaker=speakers[(2 * n) % 400], role=SpeakerRole.speaker, position=0),
            SessionSpeaker(speaker=speakers[(2 * n + 1) % 400], role=SpeakerRole.speaker, position=1),
        ]
        starts = datetime.combine(days[day], clock(9 + hour + (1 if hour >= 3 else 0)), tzinfo=tz).astimezone(UTC)
        made.append(session)
        version.slots.append(
            Slot(session=session, room=rooms[room], starts_at=starts, ends_at=starts + timedelta(minutes=45))
        )
    for d in days:
        lunch = datetime.combine(d, clock(12), tzinfo=tz).astimezone(UTC)
        version.slots.append(Slot(title="Pause déjeuner", starts_at=lunch, ends_at=lunch + timedelta(hours=1)))
    db.session.add_all([event, *rooms, *themes, *formats, *speakers, *made, version])
    db.session.commit()


def _prepare(env: dict[str, str]) -> None:
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    _run([*flask, "db", "upgrade"], env)
    _run([*flask, "demo", "load"], env)
    os.environ.update(env)
    from nec import create_app

    app = create_app()
    with app.app_context():
        _build_big_event()


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 (127.0.0.1 only)
        return response.read()


def _get(url: str) -> str:
    return _fetch(url).decode()


def _wait_ready(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn s'est arrêté au démarrage.")
        try:
            _get(base + "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn ne répond pas.")


def _wrk(url: str, seconds: int, connections: int) -> tuple[float, int]:
    """(requests per second, responses that were not 2xx or 3xx)."""
    out = subprocess.run(  # noqa: S603
        [shutil.which("wrk") or "wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(errors.group(1)) if errors else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4, help="durée de chaque mesure (secondes)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--database-url", default="", help="une base PostgreSQL VIDE, laissée remplie à la fin (sinon SQLite jetable)"
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk est introuvable (paquet Debian « wrk »).")

    folder = Path(tempfile.mkdtemp(prefix="nec-bench-web-"))
    env = {
        **os.environ,
        "NEC_INSTANCE_PATH": str(folder),
        "NEC_SECRET_KEY": "bench-" + os.urandom(8).hex(),
        "NEC_DATABASE_URL": args.database_url or f"sqlite:///{folder / 'nec.sqlite3'}",
        "NEC_DEMO_PASSWORD": "banc-d-essai-" + os.urandom(4).hex(),
    }
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    started = time.monotonic()
    try:
        print(f"==> Préparation de l'instance ({folder})", flush=True)
        _prepare(env)
        print(f"==> gunicorn : {args.workers} workers × {args.threads} threads sur {base}", flush=True)
        server = subprocess.Popen(  # noqa: S603
            [
                str(VENV_BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        _wait_ready(base, server)

        rows = []
        for slug in ("nec-sud-charente", BIG_SLUG):
            programme = _get(f"{base}/{slug}/programme/")
            session_id = re.search(rf"/{slug}/sessions/(\d+)/", programme).group(1)
            urls = {
                "/healthz": f"{base}/healthz",
                "programme": f"{base}/{slug}/programme/",
                "session": f"{base}/{slug}/sessions/{session_id}/",
                "schedule.xml": f"{base}/{slug}/schedule.xml",
                "schedule.pdf": f"{base}/{slug}/schedule.pdf",
            }
            sessions = len(set(re.findall(rf"/{slug}/sessions/(\d+)/", programme)))
            # The PDF is made once per release and process: its first request measures the rendering.
            before = time.monotonic()
            pdf = _fetch(urls["schedule.pdf"])
            print(
                f"    {slug} schedule.pdf rendu la première fois en {time.monotonic() - before:.2f} s "
                f"({len(pdf) // 1024} Ko)",
                flush=True,
            )
            for url in urls.values():  # warm up every worker
                for _ in range(4 * args.workers):
                    _fetch(url)
            # /healthz is measured before each page and once more at the end, and each page is compared
            # with the mean of the two measures around it: the ratio holds even if the machine's load moves.
            health = [_wrk(urls["/healthz"], args.seconds, args.connections)]
            measured = {}
            for name, url in urls.items():
                if name == "/healthz":
                    continue
                measured[name] = _wrk(url, args.seconds, args.connections)
                health.append(_wrk(urls["/healthz"], args.seconds, args.connections))
                around = (health[-2][0] + health[-1][0]) / 2
                measured[name] = (*measured[name], around)
                print(f"    {slug} {name}: {measured[name][0]:.0f} req/s (/healthz autour : {around:.0f})", flush=True)
            measured = {
                "/healthz": (sum(h[0] for h in health) / len(health), sum(h[1] for h in health), None),
                **measured,
            }
            rows.append((slug, sessions, measured))

        print()
        print(f"{'événement':<18} {'sessions':>8}  {'page':<13} {'req/s':>8} {'/healthz':>9} {'erreurs':>8}")
        verdict = True
        for slug, sessions, measured in rows:
            for name, (rps, errors, around) in measured.items():
                ratio = rps / around if around else 1.0
                print(f"{slug:<18} {sessions:>8}  {name:<13} {rps:>8.0f} {ratio:>8.0%} {errors:>8}")
                if name == "programme" and (ratio < TARGET or errors):
                    verdict = False
        print()
        print(
            f"Objectif : la page du programme à {TARGET:.0%} ou plus de /healthz — "
            + ("atteint." if verdict else "NON atteint.")
        )
        print(f"Durée totale : {time.monotonic() - started:.0f} s")
        return 0 if verdict else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
