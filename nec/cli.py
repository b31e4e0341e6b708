"""The `flask` commands. Each is thin: it parses options and calls a module's services."""

from __future__ import annotations

import click
from flask import Flask


def init_app(app: Flask) -> None:
    """Register every command on the application."""
    # Each area adds its commands below, one `app.cli.add_command(...)` per group.

    @app.cli.group("demo")
    def demo_cli():
        """The demo event nec-sud-charente."""

    @demo_cli.command("load")
    @click.option("--reset", is_flag=True, help="Supprime d'abord l'événement de démonstration et ses données.")
    def demo_load(reset):
        """Load the demo event once (nothing happens if it exists) and print the demo organiser's login.

        The password is NEC_DEMO_PASSWORD if set, else generated; the login is also kept, readable by
        its owner only, in the instance folder (demo-login.txt), and printed again on later runs.
        """
        import os
        from pathlib import Path

        from flask import current_app

        from nec import demo

        login_file = Path(current_app.instance_path) / demo.LOGIN_FILE_NAME
        if reset and demo.delete_demo():
            click.echo(f"Événement de démonstration « {demo.DEMO_SLUG} » supprimé.")
        loaded = demo.load_demo(password=os.environ.get("NEC_DEMO_PASSWORD") or None)
        if loaded is None:
            click.echo(
                f"L'événement de démonstration « {demo.DEMO_SLUG} » existe déjà : rien n'a été changé "
                "(pour le recharger : flask demo load --reset)."
            )
            if login_file.exists():
                click.echo(login_file.read_text(encoding="utf-8").rstrip())
            return
        counts = loaded.counts
        click.echo(
            f"Événement de démonstration chargé : {loaded.event.title} — {counts['speakers']} intervenant·es, "
            f"{counts['sessions']} sessions, {counts['registrations']} inscriptions, "
            f"{counts['seats']} places d'atelier réservées et {counts['waiting']} en liste d'attente."
        )
        text = demo.login_text(loaded, current_app.config["NEC_BASE_URL"])
        demo.save_login(login_file, text)
        click.echo(text)
        click.echo(f"(Ces informations sont gardées dans {login_file}, lisible par vous seul·e.)")

    from nec.core.mail_commands import mail_cli

    app.cli.add_command(mail_cli)  # flask mail send|status|requeue-stale

    @app.cli.command("create-organiser")
    @click.option("--email", required=True, help="Adresse e-mail du compte.")
    @click.option("--name", "full_name", required=True, help="Prénom et nom.")
    @click.option("--event", "event_slug", default=None, help="Slug de l'événement à confier à cette personne.")
    @click.option("--admin", is_flag=True, help="Administrateur de la plateforme (peut créer des événements).")
    @click.option("--password", default=None, help="Mot de passe (demandé, masqué, s'il n'est pas donné).")
    def create_organiser(email, full_name, event_slug, admin, password):
        """Create or update an account with a password; make it organiser of an event and/or administrator."""
        from nec.accounts import services as accounts
        from nec.events.services import get_event_by_slug
        from nec.extensions import db

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
