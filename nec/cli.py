"""The `flask` commands: demo data, accounts, mail delivery, the worker. Each is thin: it parses options,
calls a module's services and prints the outcome in French."""

from __future__ import annotations

import os
import secrets
import signal
import threading
from datetime import timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from babel.dates import format_date
from flask import Flask, current_app
from flask.cli import with_appcontext

from nec import demo, demo_upcoming
from nec.accounts import services as accounts
from nec.core import mail
from nec.core import worker as periodic
from nec.core.models import OutboxState
from nec.core.text import clean_text
from nec.events.services import get_event_by_slug
from nec.extensions import db


class _Text(click.ParamType):
    """A one-line text option, without control characters (as a form's text field: nec.core.forms)."""

    name = "text"

    def convert(self, value, param, ctx) -> str:
        return clean_text(value, single_line=True) if isinstance(value, str) else value


TEXT = _Text()


def init_app(app: Flask) -> None:
    """Register every command on the application."""
    for command in (demo_cli, create_organiser, mail_cli, programme_cli, data_cli, worker_command):
        app.cli.add_command(command)


# --- demo data ---------------------------------------------------------------------------------


@click.group("demo")
def demo_cli() -> None:
    """The demo events: nec-sud-charente (January 2021, the archive) and nec-charente (upcoming)."""


@demo_cli.command("load")
@with_appcontext
@click.option("--reset", is_flag=True, help="Supprime d'abord les événements de démonstration et leurs données.")
def demo_load(reset):
    """Load the demo events once (nothing happens if they exist) and print the demo accounts' login.

    The upcoming event nec-charente is dated from today, and loaded again once its last day has passed. The
    password is NEC_DEMO_PASSWORD if set, else generated; the login is also kept, readable by its owner only,
    in the instance folder (demo-login.txt), and printed again on later runs.
    """
    login_file = Path(current_app.instance_path) / demo.LOGIN_FILE_NAME
    if reset:
        for slug, deleted in (
            (demo.DEMO_SLUG, demo.delete_demo()),
            (demo_upcoming.SLUG, demo_upcoming.delete_upcoming()),
        ):
            if deleted:
                click.echo(f"Événement de démonstration « {slug} » supprimé.")
    if not reset and demo_upcoming.has_passed() and demo_upcoming.delete_upcoming():
        click.echo(f"L'événement à venir « {demo_upcoming.SLUG} » est passé : il est rechargé, daté d'aujourd'hui.")
    password = os.environ.get("NEC_DEMO_PASSWORD") or None
    loaded = demo.load_demo(password=password)
    password = loaded.password if loaded is not None else password or secrets.token_urlsafe(12)
    upcoming = demo_upcoming.load_upcoming(password)
    if loaded is None and upcoming is None:
        click.echo(
            f"Les événements de démonstration « {demo.DEMO_SLUG} » et « {demo_upcoming.SLUG} » existent déjà : "
            "rien n'a été changé (pour les recharger : flask demo load --reset)."
        )
        if login_file.exists():
            click.echo(login_file.read_text(encoding="utf-8").rstrip())
        return
    if loaded is not None:
        counts = loaded.counts
        click.echo(
            f"Événement de démonstration chargé : {loaded.event.title} — {counts['speakers']} intervenant·es, "
            f"{counts['sessions']} sessions, {counts['registrations']} inscriptions, "
            f"{counts['seats']} places d'atelier réservées et {counts['waiting']} en liste d'attente."
        )
    if upcoming is not None:
        counts = upcoming.counts
        click.echo(
            f"Événement à venir chargé : {upcoming.event.title}, "
            f"les {format_date(upcoming.event.start_date, 'EEEE d MMMM', locale='fr')} "
            f"et {format_date(upcoming.event.end_date, 'EEEE d MMMM y', locale='fr')} — "
            f"{counts['sessions']} sessions, {counts['registrations']} inscriptions "
            f"({counts['confirmed']} confirmées), {counts['seats']} places d'atelier réservées et "
            f"{counts['waiting']} en liste d'attente."
        )
    else:
        demo_upcoming.give_password(password)  # one password for every demo account
    base_url = current_app.config["NEC_BASE_URL"]
    accounts_login = loaded or demo.DemoLoaded(upcoming.event, demo.ORGANISER_EMAIL, demo.REVIEWER_EMAIL, password)
    text = demo.login_text(accounts_login, base_url) + "\n" + demo_upcoming.login_lines(base_url)
    demo.save_login(login_file, text)
    click.echo(text)
    click.echo(f"(Ces informations sont gardées dans {login_file}, lisible par vous seul·e.)")


# --- accounts ----------------------------------------------------------------------------------


@click.command("create-organiser")
@click.option("--email", required=True, type=TEXT, help="Adresse e-mail du compte.")
@click.option("--name", "full_name", required=True, type=TEXT, help="Prénom et nom.")
@click.option("--event", "event_slug", default=None, type=TEXT, help="Slug de l'événement à confier à cette personne.")
@click.option("--admin", is_flag=True, help="Administrateur de la plateforme (peut créer des événements).")
@click.option("--password", default=None, help="Mot de passe (demandé, masqué, s'il n'est pas donné).")
@with_appcontext
def create_organiser(email, full_name, event_slug, admin, password):
    """Create or update an account with a password; make it organiser of an event and/or administrator."""
    event = None
    if event_slug:
        event = get_event_by_slug(event_slug)
        if event is None:
            raise click.ClickException(f"Aucun événement n'a le slug « {event_slug} ».")
    if password is None:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Le même, une seconde fois")
    try:
        user, created = accounts.create_or_update_organiser(email, full_name, password, event=event, is_admin=admin)
    except accounts.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Compte {'créé' if created else 'mis à jour'} : {user.email}")
    if event is not None:
        click.echo(f"Organisateur ou organisatrice de : {event.title} ({event.slug})")
    if user.is_admin:
        click.echo("Administrateur ou administratrice de la plateforme.")


# --- mail delivery -----------------------------------------------------------------------------


@click.group("mail", help="Envoi des e-mails en attente (la file d'envoi).")
def mail_cli() -> None:
    pass


def _summary(report: mail.DeliveryReport) -> str:
    text = f"Envoyés : {report.sent}, à réessayer plus tard : {report.retried}, en échec : {report.failed}"
    if report.uncertain:
        text += f", envoi incertain (non renvoyés) : {report.uncertain}"
    return text


@mail_cli.command("send", help="Envoie les messages en attente (une passe, ou en continu avec --loop).")
@click.option("--limit", default=100, show_default=True, help="Nombre maximal de messages par passe.")
@click.option("--loop", is_flag=True, help="Continue jusqu'à l'interruption (Ctrl+C ou SIGTERM).")
@click.option("--interval", default=10.0, show_default=True, help="Secondes d'attente entre deux passes.")
@click.option("--max-passes", type=int, default=None, help="Avec --loop : s'arrête après ce nombre de passes.")
@with_appcontext
def send_command(limit: int, loop: bool, interval: float, max_passes: int | None) -> None:
    if not loop:
        report = mail.deliver_due(limit=limit)
        click.echo(_summary(report))
        if report.stopped:
            click.echo(f"Serveur d'envoi injoignable, nouvel essai plus tard : {report.stopped}", err=True)
        _warn_stale()
        return

    stop = threading.Event()
    previous = _on_stop_signals(stop)
    click.echo(f"Envoi des e-mails toutes les {interval:g} secondes. Ctrl+C pour arrêter.")
    passes = 0
    try:
        while not stop.is_set():
            try:
                report = mail.deliver_due(limit=limit)
            except sa.exc.OperationalError as exc:  # the database is away: keep the worker alive
                current_app.logger.error("mail worker: database unavailable: %s", exc)
                report = None
            finally:
                db.session.rollback()  # hold no transaction open while idle
            if report is not None and (report.handled or report.stopped):
                click.echo(_summary(report))
            passes += 1
            if max_passes is not None and passes >= max_passes:
                break
            if report is None or report.handled < limit:  # a full pass means more may be waiting
                stop.wait(interval)
    except KeyboardInterrupt:
        pass
    finally:
        _restore_signals(previous)
    click.echo("Arrêt de l'envoi des e-mails.")


def _on_stop_signals(stop: threading.Event) -> dict:
    """SIGTERM (systemd, docker) ends the loop between two messages, never in the middle of one."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, lambda *_: stop.set())
    return previous


def _restore_signals(previous: dict) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def _warn_stale() -> None:
    stale = mail.stale_messages()
    if stale:
        click.echo(
            f"Attention : {len(stale)} message(s) bloqué(s) en cours d'envoi depuis plus de "
            f"{_minutes(mail.STALE_AFTER)} minutes. Voir « flask mail requeue-stale ».",
            err=True,
        )


def _minutes(delay: timedelta) -> int:
    return int(delay.total_seconds() // 60)


@mail_cli.command("status", help="Nombre de messages par état.")
@with_appcontext
def status_command() -> None:
    counts = mail.outbox_counts()
    for state in OutboxState:
        click.echo(f"{state.title} ({state.value}) : {counts[state]}")
    stale = mail.stale_messages()
    if stale:
        click.echo(
            f"Bloqués en cours d'envoi depuis plus de {_minutes(mail.STALE_AFTER)} minutes : {len(stale)} "
            "(voir « flask mail requeue-stale »)"
        )


@mail_cli.command(
    "requeue-stale",
    help=(
        "Liste les messages bloqués « en cours d'envoi » (processus d'envoi arrêté en plein travail) ; "
        "avec --yes, les remet en file. Ils ont peut-être déjà été reçus : ils le seraient alors deux fois."
    ),
)
@click.option("--yes", "confirm", is_flag=True, help="Remettre vraiment ces messages en file d'envoi.")
@click.option("--older-than", default=_minutes(mail.STALE_AFTER), show_default=True, help="Âge minimal, en minutes.")
@with_appcontext
def requeue_stale_command(confirm: bool, older_than: int) -> None:
    older = timedelta(minutes=max(older_than, 0))
    stale = mail.stale_messages(older_than=older)
    if not stale:
        click.echo("Aucun message bloqué en cours d'envoi.")
        return
    for message in stale:
        click.echo(
            f"#{message.id} à {message.to_address} « {message.subject} », "
            f"pris le {message.claimed_at:%Y-%m-%d %H:%M} UTC"
            + (f" ({message.last_error})" if message.last_error else "")
        )
    if not confirm:
        click.echo(f"{len(stale)} message(s). Relancez avec --yes pour les remettre en file d'envoi.")
        return
    count = mail.requeue_stale(older_than=older)
    db.session.commit()
    click.echo(f"{count} message(s) remis en file d'envoi.")


# --- personal data (RGPD) ----------------------------------------------------------------------


@click.group("data", help="Données personnelles : durées de conservation (RGPD).")
def data_cli() -> None:
    pass


@data_cli.command(
    "purge",
    help="Supprime ce qui a dépassé sa durée de conservation : e-mails envoyés ou en échec, liens de connexion "
    "utilisés ou expirés, comptes jamais confirmés et inutilisés, anciennes lignes du journal des actions. "
    "À lancer chaque jour (cron) ; le relancer ne supprime rien de plus.",
)
@click.option("--dry-run", is_flag=True, help="Compte seulement ce qui serait supprimé, sans rien supprimer.")
@with_appcontext
def data_purge(dry_run: bool) -> None:
    from nec.accounts import personal_data

    report = personal_data.purge_expired_data(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
        click.echo("Simulation (--dry-run) : rien n'a été supprimé. Seraient supprimés :")
    else:
        db.session.commit()
        click.echo("Supprimés :")
    config = current_app.config
    click.echo(
        f"- e-mails envoyés ou en échec depuis plus de {config['NEC_MAIL_RETENTION_DAYS']} jours : {report.mails}"
    )
    days = personal_data.LOGIN_TOKEN_RETENTION.days
    click.echo(f"- liens de connexion utilisés ou expirés, créés il y a plus de {days} jours : {report.login_tokens}")
    days = personal_data.UNCONFIRMED_ACCOUNT_RETENTION.days
    click.echo(f"- comptes jamais confirmés, inutilisés depuis plus de {days} jours : {report.accounts}")
    click.echo(
        f"- lignes du journal des actions de plus de {config['NEC_AUDIT_RETENTION_DAYS']} jours : "
        f"{report.audit_entries}"
    )
    for label, n in report.modules:
        click.echo(f"- {label} : {n}")


# --- programme generator -----------------------------------------------------------------------


@click.group("programme", help="Le générateur de programme : fichiers JSON, événements et processus de calcul.")
def programme_cli() -> None:
    pass


@programme_cli.command(
    "solve", help="Construit un programme à partir d'une instance JSON (format : docs/generator-instance.md)."
)
@click.argument("instance_path", metavar="INSTANCE.json", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", "output_path", required=True, type=click.Path(dir_okay=False), help="Fichier JSON écrit."
)
@click.option(
    "--time-limit", default=30.0, show_default=True, type=click.FloatRange(min=0.1), help="Secondes de recherche."
)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="Fils de calcul du solveur.")
def programme_solve(instance_path: str, output_path: str, time_limit: float, workers: int) -> None:
    from nec.programme.solver import solve
    from nec.programme.solver.instance import InstanceError

    try:
        instance, result = solve.run_file(instance_path, output_path, time_limit=time_limit, workers=workers)
    except InstanceError as exc:
        raise click.ClickException(
            "L'instance ne peut pas être utilisée :\n" + "\n".join(f"  - {m}" for m in exc.messages)
        ) from None
    for line in solve.summary_lines(instance, result):
        click.echo(line)
    click.echo(f"Programme écrit dans {output_path}.")


@programme_cli.command(
    "generate",
    help="Génère le brouillon du programme d'un événement (les sessions épinglées et le programme publié ne "
    "changent pas), avec les poids de sa dernière génération.",
)
@click.option("--event", "event_slug", required=True, type=TEXT, help="Slug de l'événement.")
@click.option(
    "--time-limit", default=30, show_default=True, type=click.IntRange(min=1, max=3600), help="Secondes de recherche."
)
@with_appcontext
def programme_generate(event_slug: str, time_limit: int) -> None:
    from sqlalchemy.exc import IntegrityError

    from nec.programme.generator import bridge, runs
    from nec.programme.solver.solve import summary_lines

    event = get_event_by_slug(event_slug)
    if event is None:
        raise click.ClickException(f"Aucun événement n'a le slug « {event_slug} ».")
    try:
        run = runs.start_run(event, None, runs.default_weights(event), time_limit, check_limit=False)
        db.session.commit()
    except bridge.GenerationError as exc:
        db.session.rollback()
        raise click.ClickException("\n".join(exc.messages)) from None
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException("Une génération est déjà en cours pour cet événement : attendez sa fin.") from None
    run_id = run.id
    click.echo(f"Génération n° {run_id} pour « {event.title} » ({time_limit} secondes au plus)...")
    outcome = runs.execute_run(run_id)
    if outcome is None:
        db.session.expire_all()
        failed = runs.get_run(event, run_id)
        raise click.ClickException(failed.error if failed and failed.error else "La génération n'a pas abouti.")
    built, result = outcome
    for line in summary_lines(built.instance, result):
        click.echo(line)
    click.echo("Le brouillon du programme est remplacé ; le programme publié n'a pas changé.")


@programme_cli.command(
    "work",
    help="Calcule les générations en attente, quand NEC_GENERATOR_WORKER est activé : une passe, ou en continu "
    "avec --loop (le processus de calcul d'un déploiement ; plusieurs peuvent tourner à la fois).",
)
@click.option("--loop", is_flag=True, help="Continue jusqu'à l'interruption (Ctrl+C ou SIGTERM).")
@click.option(
    "--interval",
    default=2.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Secondes d'attente quand aucune génération n'attend.",
)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="Fils de calcul du solveur.")
@with_appcontext
def programme_work(loop: bool, interval: float, workers: int) -> None:
    from nec.programme.generator import worker

    if not current_app.config.get("NEC_GENERATOR_WORKER"):
        click.echo(
            "Attention : NEC_GENERATOR_WORKER n'est pas activé, les générations sont calculées par l'application "
            "web elle-même ; ce processus n'aura sans doute rien à faire.",
            err=True,
        )
    stop = threading.Event()
    previous = _on_stop_signals(stop)  # a stop fails the current run cleanly (see programme.generator.worker)
    if loop:
        click.echo(
            f"Calcul des générations en attente (recherche toutes les {interval:g} secondes). Ctrl+C pour arrêter."
        )
    done = 0
    try:
        for outcome in worker.work(
            current_app._get_current_object(), stop, loop=loop, interval=interval, workers=workers
        ):
            click.echo(worker.describe(outcome))
            done += 1
    except KeyboardInterrupt:
        pass
    finally:
        _restore_signals(previous)
    if loop or stop.is_set():
        click.echo("Arrêt du processus de calcul des générations.")
    elif done == 0:
        click.echo("Aucune génération en attente.")


# --- the worker: every periodic duty -----------------------------------------------------------------


@click.command(
    "worker",
    help="Le processus de travail : envoie les e-mails, calcule les générations en attente, fait expirer les "
    "propositions de place et les inscriptions non confirmées, envoie les rappels, purge chaque jour les données "
    "personnelles. Une passe de chaque tâche, ou en continu avec --loop (plusieurs processus peuvent tourner à la "
    "fois, sur une même base PostgreSQL).",
)
@click.option("--loop", is_flag=True, help="Continue jusqu'à l'interruption (Ctrl+C ou SIGTERM).")
@click.option("--only", multiple=True, type=TEXT, metavar="TÂCHE", help="Ne fait que cette tâche (répétable).")
@click.option("--skip", multiple=True, type=TEXT, metavar="TÂCHE", help="Ne fait pas cette tâche (répétable).")
@click.option("--list", "list_only", is_flag=True, help="Liste les tâches et leur fréquence, sans rien faire.")
@with_appcontext
def worker_command(loop: bool, only: tuple[str, ...], skip: tuple[str, ...], list_only: bool) -> None:
    try:
        duties = periodic.select_duties(only, skip)
    except periodic.UnknownDuty as exc:
        raise click.ClickException(str(exc)) from None
    if list_only:
        for duty in duties:
            click.echo(f"{duty.name} : {duty.label or duty.name}, toutes les {_period(duty.every_seconds)}")
        return
    if not loop:
        results = periodic.run_once(duties)
        for result in results:
            click.echo(result.line())
        if any(not result.ok for result in results):
            raise click.exceptions.Exit(1)
        return
    stop = threading.Event()
    previous = _on_stop_signals(stop)
    names = ", ".join(f"{d.name} ({_period(d.every_seconds)})" for d in duties)
    click.echo(f"Processus de travail démarré : {names}. Ctrl+C pour arrêter.")

    def report(result: periodic.PassResult) -> None:
        if result.count or not result.ok:
            click.echo(result.line(), err=not result.ok)

    try:
        periodic.run_forever(current_app._get_current_object(), duties, stop, report)
    except KeyboardInterrupt:
        stop.set()
    finally:
        _restore_signals(previous)
    click.echo("Arrêt du processus de travail.")


def _period(seconds: float) -> str:
    """10 s, 5 min, 24 h: a duty's period for the worker's output."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)} min"
    return f"{seconds:g} s"
