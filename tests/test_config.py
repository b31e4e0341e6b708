"""Settings come from NEC_* variables, with embedded defaults that need nothing else."""

from __future__ import annotations

import stat

from nec.config import load_config


def test_defaults_use_the_instance_folder(tmp_path):
    config = load_config(str(tmp_path), environ={})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'nec.sqlite3'}"
    assert config["NEC_MAIL_URL"] == f"file://{tmp_path / 'mail'}"
    assert config["NEC_JITSI_DOMAIN"] == "meet.jit.si"
    assert config["BABEL_DEFAULT_LOCALE"] == "fr"


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = load_config(str(tmp_path), environ={})["SECRET_KEY"]
    second = load_config(str(tmp_path), environ={})["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_environment_overrides_defaults(tmp_path):
    config = load_config(
        str(tmp_path),
        environ={
            "NEC_DATABASE_URL": "postgres://nec:pw@db.internal/nec",
            "NEC_SECRET_KEY": "from-the-environment",
            "NEC_MAIL_MAX_ATTEMPTS": "3",
            "NEC_BASE_URL": "https://nec.example.org",
        },
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://nec:pw@db.internal/nec"
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["NEC_MAIL_MAX_ATTEMPTS"] == 3
    assert config["SESSION_COOKIE_SECURE"] is True
