"""One input layer for control characters (nec.core.forms, nec.core.web.Request, the database guard of
nec.core.text) and outputs that never break on them (iCalendar, the Atom feed; the XLSX exports are tested
in tests/proposals/test_transfer.py, mail headers in tests/core/test_mail.py)."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import icalendar
import sqlalchemy as sa
import wtforms
from lxml import etree

import nec
from nec.core.forms import NecForm, NecSubForm
from nec.core.text import clean_text
from nec.events.models import Theme
from tests.programme.exports.helpers import build_programme
from tests.support.events import nec_event
from tests.support.web import log_in

HOSTILE = "Mon\x00 ate\x01lier\x7f\r\nsuite\x0b"


def _nec_form_classes() -> list[type]:
    for module in pkgutil.walk_packages(nec.__path__, "nec."):
        importlib.import_module(module.name)
    found, stack = [], [wtforms.form.BaseForm]
    while stack:
        for subclass in stack.pop().__subclasses__():
            stack.append(subclass)
            if subclass.__module__.startswith("nec.") and subclass.__module__ != "nec.core.forms":
                found.append(subclass)
    return found


def test_every_form_of_nec_derives_from_the_base_forms():
    forms = _nec_form_classes()
    assert len(forms) > 30
    assert [f"{f.__module__}.{f.__qualname__}" for f in forms if not issubclass(f, NecForm | NecSubForm)] == []


def test_no_module_builds_a_form_on_flask_wtf_or_wtforms_directly():
    """A bare FlaskForm() (a CSRF-only form in a view) would escape the filter as well."""
    root = Path(nec.__file__).parent
    bare = ("FlaskForm", "wtforms.Form", "from wtforms import Form\n")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path != root / "core" / "forms.py" and any(word in path.read_text() for word in bare)
    ]
    assert offenders == []


def test_clean_text_keeps_tab_and_newline_only():
    assert clean_text(HOSTILE) == "Mon atelier\nsuite"
    assert clean_text(HOSTILE, single_line=True) == "Mon atelier suite"
    assert clean_text("a\tb\u2028c\x85d\ud800") == "a\tb\ncd"


def test_a_hostile_name_through_the_real_form_is_stored_clean(db, client, organiser):
    event = nec_event(organiser)
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/themes", data={"name": HOSTILE, "description": HOSTILE, "colour": "#123456"}
    )
    assert response.status_code == 302
    theme = db.session.scalars(sa.select(Theme)).one()
    assert theme.name == "Mon atelier suite"  # one line
    assert theme.description == "Mon atelier\nsuite"  # its line break kept, as LF


def test_nul_in_a_query_string_is_no_500(db, client, organiser):
    event = nec_event(organiser)
    log_in(client, organiser)
    for path in (f"/{event.slug}/manage/proposals?q=%00&theme=%00x", f"/{event.slug}/programme/?day=%00&room=%01"):
        assert client.get(path).status_code < 500, path


def test_the_database_guard_strips_what_a_service_writes(db, organiser):
    event = nec_event(organiser)
    db.session.add(Theme(event_id=event.id, name="Mon\x00atelier\x01", description="a\x02\nb"))
    db.session.commit()
    db.session.expire_all()
    theme = db.session.scalars(sa.select(Theme)).one()
    assert (theme.name, theme.description) == ("Monatelier", "a\nb")


def test_ics_and_atom_are_well_formed_with_control_characters_stored(db, client, make_event):
    programme = build_programme(db, make_event)
    table = programme.sessions["table"]
    with db.engine.begin() as conn:  # stored before the guard, or by raw SQL
        conn.execute(
            sa.text("UPDATE sessions SET title = :t, summary = :s WHERE id = :id"),
            {"t": "Table\x01 ronde\r", "s": "Résumé\x0b\rsuite", "id": table.id},
        )
        conn.execute(sa.text("UPDATE events SET title = :t"), {"t": "NEC\x01 des Charentes"})
    db.session.expire_all()

    response = client.get("/nec-exports/schedule.ics")
    assert response.status_code == 200
    assert b"\x01" not in response.data and b"\x0b" not in response.data
    calendar = icalendar.Calendar.from_ical(response.data)
    assert "Table ronde" in [str(e["SUMMARY"]).strip() for e in calendar.walk("VEVENT")]

    response = client.get("/nec-exports/programme/changes.atom")
    assert response.status_code == 200
    feed = etree.fromstring(response.data)  # raises on a document that is not well-formed
    assert "NEC des Charentes" in feed.findtext("{http://www.w3.org/2005/Atom}title")


def _hostile_submission(page: bytes) -> dict[str, str]:
    """Every field of the page's main form (its largest): text with NUL and other controls in every text
    input and textarea, the first option of every select, the value of every box."""
    root = etree.HTML(page)
    form = max(root.iter("form"), key=lambda f: len(list(f.iter("input", "textarea", "select"))))
    data: dict[str, str] = {}
    for element in form.iter("input", "textarea", "select"):
        name = element.get("name")
        if not name or name == "csrf_token":
            continue
        kind = (element.get("type") or "text").lower()
        if element.tag == "select":
            options = [o.get("value") for o in element.iter("option") if o.get("value")]
            data.setdefault(name, options[0] if options else "")
        elif kind in ("checkbox", "radio"):
            data.setdefault(name, element.get("value") or "y")
        elif kind in ("text", "email", "search", "url", "tel", "hidden") or element.tag == "textarea":
            data[name] = "orga\x00@example.org" if kind == "email" else f"Nul\x00le\x01 {name}\r\n"
        elif kind == "color":
            data[name] = "#123456"
        elif kind == "number":
            data[name] = "1"
    return data


def test_nul_in_every_text_field_of_the_organisers_forms_is_no_500(db, client, organiser):
    """PostgreSQL refuses NUL in text: each of these once answered 500 there."""
    event = nec_event(organiser)
    log_in(client, organiser)
    for path in (
        "/account",
        f"/{event.slug}/manage/event",
        f"/{event.slug}/manage/themes",
        f"/{event.slug}/manage/rooms",
        f"/{event.slug}/manage/sessions/new",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        data = _hostile_submission(page.data)
        response = client.post(path, data=data)
        assert response.status_code < 500, (path, data)
    assert "\x00" not in "".join(db.session.scalars(sa.select(Theme.name)))


def test_a_cli_option_loses_its_control_characters(app, db):
    from nec.accounts.models import User

    result = app.test_cli_runner().invoke(
        args=["create-organiser", "--email", "jo@example.org", "--name", "Jo\x00 Mar\x01tin\n", "--password", "x" * 16]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalars(sa.select(User.full_name)).one() == "Jo Martin"


def test_a_file_sent_under_a_text_field_s_name_is_no_500(db, client, organiser):
    """Flask-WTF offers uploaded files to every field: `len(FileStorage)` in a validator was a 500."""
    import io

    event = nec_event(organiser)
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/themes",
        data={"name": (io.BytesIO(b"x"), "nom.txt"), "description": "", "colour": "#123456"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200  # the form again, with the reason next to the name
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Theme)).all() == []
