"""NEC: the platform that runs a Numérique en Communs event, from the call for sessions to the replays."""

from __future__ import annotations

import os

from flask import Flask, has_request_context, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from nec.config import load_config, with_engine_options
from nec.core.db import render_migration_item
from nec.extensions import babel, csrf, db, limiter, login, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, commands. The only place that wires."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("NEC_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = with_engine_options(app.config)

    if app.config["NEC_PROXY_COUNT"]:
        n = app.config["NEC_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)

    import nec.models  # noqa: F401  (complete metadata before the extensions look at it)

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(__file__), "..", "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    from nec.core import ratelimit  # noqa: F401  (registers the database:// storage of the rate limits)

    limiter.init_app(app)
    from nec.core.i18n import compile_missing_catalogs

    compile_missing_catalogs(os.path.join(app.root_path, "translations"))
    babel.init_app(app, locale_selector=_select_locale)
    _init_login(app)

    from nec.core.web import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route: ids beyond the database's range are 404s
    from nec.accounts.views import bp as accounts_bp
    from nec.core.views import bp as core_bp
    from nec.events.views import bp as events_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    from nec.programme.editor.manage_views import bp as editor_bp
    from nec.programme.exports.manage_views import bp as exports_manage_bp
    from nec.programme.exports.views import bp as exports_bp
    from nec.programme.generator.manage_views import bp as generator_bp
    from nec.programme.public.views import bp as public_bp
    from nec.programme.releases.manage_views import bp as releases_manage_bp
    from nec.programme.releases.views import bp as releases_bp
    from nec.proposals.call.manage_views import bp as call_bp
    from nec.proposals.review.manage_views import bp as review_bp
    from nec.proposals.sessions.manage_views import bp as programming_bp
    from nec.proposals.speaker.views import bp as proposals_bp

    blueprints = (
        *(proposals_bp, call_bp, review_bp, programming_bp),
        *(exports_bp, editor_bp, generator_bp, public_bp, releases_bp, releases_manage_bp),
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    from nec.registrations.me.views import bp as registrations_me_bp
    from nec.registrations.signup.views import bp as registrations_signup_bp

    app.register_blueprint(registrations_signup_bp)
    app.register_blueprint(registrations_me_bp)
    from nec.api.views import bp as api_bp

    app.register_blueprint(api_bp)
    from nec.registrations.checkin.manage_views import bp as checkin_manage_bp
    from nec.registrations.checkin.views import bp as checkin_bp

    app.register_blueprint(checkin_manage_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(exports_manage_bp)
    from nec.registrations.manage.manage_views import bp as registrations_manage_bp

    app.register_blueprint(registrations_manage_bp)
    app.register_blueprint(events_bp)  # its /<ev>/ routes share the top level

    from nec.core import web

    web.init_app(app)

    from nec import cli

    cli.init_app(app)
    return app


def _select_locale() -> str:
    """French unless the person chose English (their account, or the language switch)."""
    supported = ("fr", "en")
    if not has_request_context():  # the CLI and the mail worker render French
        return "fr"
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in supported:
        return chosen
    if request.args.get("lang") in supported:
        return request.args["lang"]
    return "fr"


def _init_login(app: Flask) -> None:
    from nec.accounts.models import User

    login.init_app(app)
    login.login_view = "accounts.login"
    login.login_message = "Connectez-vous pour accéder à cette page."
    login.login_message_category = "info"
    login.session_protection = "basic"

    @login.user_loader
    def load_user(user_key: str):
        user_id, _, version = user_key.partition(":")
        if not user_id.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A session or remember cookie older than the last logout or password change, or of an account
        # whose address was never proven, signs nobody in.
        if user is None or user.session_version != int(version) or user.email_confirmed_at is None:
            return None
        return user
