"""The registries (nec.core.hooks, core.mail_templates) are filled as soon as the models are imported,
without an application: the `flask` commands, the scripts and the tests see every module's hooks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import StatementError

from nec.core import mail_templates
from nec.core.models import MailTemplate

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
import nec.models
from nec.core import hooks, mail_templates
print(json.dumps({
    "personal_data": [h.name for h in hooks.personal_data_hooks()],
    "purges": [h.name for h in hooks.purge_hooks()],
    "mail_kinds": [k.value for k in mail_templates.mail_kinds()],
    "speaker_checks": len(hooks._speaker_checks),
    "room_checks": len(hooks._room_checks),
    "format_checks": len(hooks._format_checks),
    "theme_releases": len(hooks._theme_releases),
    "busy_days": len(hooks._busy_days),
}))
"""


def test_importing_the_models_registers_every_module_hooks():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    found = json.loads(out.stdout)
    assert found["personal_data"] == [
        "proposals.speaker",
        "programme.favourites",
        "proposals.reviews",
        "registrations",
    ]
    assert found["purges"] == ["proposals.not_retained", "registrations.anonymised", "programme.device_agendas"]
    assert "accepted" in found["mail_kinds"] and "seat_offer" in found["mail_kinds"]
    assert len(found["mail_kinds"]) == 17  # proposals 10, registrations 5, reminders 2
    assert {k: v for k, v in found.items() if isinstance(v, int)} == {
        "speaker_checks": 1,
        "room_checks": 1,
        "format_checks": 1,
        "theme_releases": 1,
        "busy_days": 1,
    }


def test_a_mail_kind_no_module_declares_is_refused(db, make_event):
    event = make_event()
    assert "no_such_kind" not in {k.value for k in mail_templates.mail_kinds()}
    db.session.add(MailTemplate(event_id=event.id, kind="no_such_kind", subject="S", body="B"))
    with pytest.raises(StatementError, match="no_such_kind"):
        db.session.flush()
    db.session.rollback()
