"""Settings read from NEC_* environment variables, each with an embedded default.

The defaults make a single machine work with nothing else: SQLite in the instance folder, mail
written as .eml files to the instance folder, files on local disk, the public Jitsi instance.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _parse_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


# name -> (Flask config key, default, parser). A default of None means "computed from the instance folder".
SETTINGS: dict[str, tuple[str, object, type]] = {
    "NEC_SECRET_KEY": ("SECRET_KEY", None, str),
    "NEC_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", None, str),
    "NEC_BASE_URL": ("NEC_BASE_URL", "http://127.0.0.1:5000", str),
    "NEC_MAIL_URL": ("NEC_MAIL_URL", None, str),
    "NEC_MAIL_FROM": ("NEC_MAIL_FROM", "NEC <ne-pas-repondre@nec.localhost>", str),
    "NEC_MAIL_MAX_ATTEMPTS": ("NEC_MAIL_MAX_ATTEMPTS", 8, int),
    # PEM bundle of the authorities trusted for the mail server's certificate; "" = the system's store.
    "NEC_MAIL_CA_FILE": ("NEC_MAIL_CA_FILE", "", str),
    # database://: the counters in the application's database, shared by all its processes (nec.core.ratelimit).
    "NEC_RATELIMIT_STORAGE_URL": ("RATELIMIT_STORAGE_URI", "database://", str),
    # Off only for a load test from one address (./scripts/bench registration): never in production.
    "NEC_RATELIMIT_ENABLED": ("RATELIMIT_ENABLED", True, _parse_bool),
    "NEC_STORAGE_PATH": ("NEC_STORAGE_PATH", None, str),
    "NEC_MAGIC_LINK_MAX_AGE": ("NEC_MAGIC_LINK_MAX_AGE", 15 * 60, int),
    "NEC_PASSWORD_RESET_MAX_AGE": ("NEC_PASSWORD_RESET_MAX_AGE", 60 * 60, int),
    "NEC_TEAM_INVITATION_MAX_AGE": ("NEC_TEAM_INVITATION_MAX_AGE", 7 * 24 * 3600, int),
    "NEC_SIGNUP_CONFIRMATION_MAX_AGE": ("NEC_SIGNUP_CONFIRMATION_MAX_AGE", 2 * 24 * 3600, int),
    # "Rester connecté": how long the remember cookie lasts, in days.
    "NEC_REMEMBER_DAYS": ("NEC_REMEMBER_DAYS", 30, int),
    "NEC_CO_SPEAKER_INVITATION_MAX_AGE": ("NEC_CO_SPEAKER_INVITATION_MAX_AGE", 30 * 24 * 3600, int),
    "NEC_CONFIRMATION_MAX_AGE": ("NEC_CONFIRMATION_MAX_AGE", 60 * 24 * 3600, int),
    "NEC_PROFILE_CLAIM_MAX_AGE": ("NEC_PROFILE_CLAIM_MAX_AGE", 30 * 24 * 3600, int),
    # Retention (RGPD), applied by `flask data purge`: sent or failed mails, then the audit log, in days.
    "NEC_MAIL_RETENTION_DAYS": ("NEC_MAIL_RETENTION_DAYS", 90, int),
    "NEC_AUDIT_RETENTION_DAYS": ("NEC_AUDIT_RETENTION_DAYS", 365, int),
    "NEC_DEFAULT_LOCALE": ("BABEL_DEFAULT_LOCALE", "fr", str),
    "NEC_DEFAULT_TIMEZONE": ("NEC_DEFAULT_TIMEZONE", "Europe/Paris", str),
    "NEC_JITSI_DOMAIN": ("NEC_JITSI_DOMAIN", "meet.jit.si", str),
    "NEC_JITSI_APP_ID": ("NEC_JITSI_APP_ID", "", str),
    "NEC_JITSI_APP_SECRET": ("NEC_JITSI_APP_SECRET", "", str),
    "NEC_PUBLISHER_NAME": ("NEC_PUBLISHER_NAME", "Association organisatrice (à renseigner)", str),
    "NEC_PUBLISHER_ADDRESS": ("NEC_PUBLISHER_ADDRESS", "Adresse postale (à renseigner)", str),
    "NEC_PUBLISHER_CONTACT": ("NEC_PUBLISHER_CONTACT", "contact@nec.localhost", str),
    "NEC_PUBLICATION_DIRECTOR": (
        "NEC_PUBLICATION_DIRECTOR",
        "Directeur ou directrice de la publication (à renseigner)",
        str,
    ),
    "NEC_HOSTING_PROVIDER": ("NEC_HOSTING_PROVIDER", "Hébergeur (nom, adresse, téléphone, à renseigner)", str),
    "NEC_DPO_CONTACT": ("NEC_DPO_CONTACT", "dpo@nec.localhost", str),
    "NEC_PROXY_COUNT": ("NEC_PROXY_COUNT", 0, int),
    # How long a write waits for another process's write to end on SQLite (seconds), then a 503 "réessayez".
    "NEC_SQLITE_BUSY_TIMEOUT": ("NEC_SQLITE_BUSY_TIMEOUT", 10.0, float),
    # False: a generator run is computed in a thread of the web process that received the request (one
    # machine); true: the request only queues it and `flask programme work --loop` processes compute it.
    "NEC_GENERATOR_WORKER": ("NEC_GENERATOR_WORKER", False, _parse_bool),
}


def load_config(instance_path: str, environ: os._Environ | dict | None = None) -> dict:
    """Return the Flask settings for this instance, from NEC_* variables and embedded defaults."""
    environ = os.environ if environ is None else environ
    instance = Path(instance_path)
    config: dict[str, object] = {}
    for name, (key, default, parser) in SETTINGS.items():
        raw = environ.get(name)
        config[key] = parser(raw) if raw not in (None, "") else default

    if not config["SQLALCHEMY_DATABASE_URI"]:
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'nec.sqlite3'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if not config["NEC_MAIL_URL"]:
        config["NEC_MAIL_URL"] = f"file://{instance / 'mail'}"
    if not config["NEC_STORAGE_PATH"]:
        config["NEC_STORAGE_PATH"] = str(instance / "files")
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _instance_secret(instance)

    # Every cookie the application sets (Flask's session, Flask-Login's remember_token) is Secure on https.
    secure = _parse_bool(environ.get("NEC_SECURE_COOKIES", "")) or str(config["NEC_BASE_URL"]).startswith("https://")
    config["SESSION_COOKIE_SECURE"] = secure
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["REMEMBER_COOKIE_SECURE"] = secure
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    config["REMEMBER_COOKIE_DURATION"] = timedelta(days=max(1, config["NEC_REMEMBER_DAYS"]))
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    config["BABEL_SUPPORTED_LOCALES"] = ["fr", "en"]
    config["BABEL_TRANSLATION_DIRECTORIES"] = "translations"  # nec/translations (French needs no catalog)
    config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    config["RATELIMIT_HEADERS_ENABLED"] = True
    # A counter that cannot be read or written (database locked, Redis down) lets the request through,
    # logged, rather than failing it: the page answers, or says "réessayez" itself.
    config["RATELIMIT_SWALLOW_ERRORS"] = True
    config["MAX_CONTENT_LENGTH"] = 32 * 1024 * 1024
    return config


def with_engine_options(config: dict) -> dict:
    """The engine options for the chosen database (called once the settings are final): on SQLite, how
    long a write waits for the lock (sqlite3's `timeout`, its busy timeout) before the page says "réessayez"."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        connect_args = {"timeout": config.get("NEC_SQLITE_BUSY_TIMEOUT", 10.0), **options.get("connect_args", {})}
        options["connect_args"] = connect_args
    return options


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the administrator gave."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so a single machine needs no configuration."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
