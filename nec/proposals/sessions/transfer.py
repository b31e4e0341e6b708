"""Import of sessions and speakers from CSV or XLSX files, and exports of proposals, speakers and reviews.

Files are checked by their content, never by their name alone, and read row by row (csv, openpyxl
read_only) with their limits counted as they are read. Every row is
validated like the forms would, and each problem becomes a French sentence "Ligne N : ..." where N is
the row number a spreadsheet shows (the header is row 1). Applying an import only adds to db.session:
the view commits once, so an import is all or nothing.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from nec.accounts.models import User
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.text import clean_text
from nec.core.time import to_local
from nec.events.models import Event, SessionFormat, Theme
from nec.extensions import db
from nec.proposals.call.services import display_answer
from nec.proposals.models import (
    Answer,
    Question,
    QuestionTarget,
    Review,
    ReviewCriterion,
    Session,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
    StructureType,
)
from nec.proposals.review.services import review_total
from nec.proposals.session_speakers import SessionSpeakerData
from nec.proposals.sessions import services as session_services
from nec.proposals.sessions.services import SessionsError
from nec.proposals.speaker.profiles import profile_is_complete

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_UNCOMPRESSED_SIZE = 60 * 1024 * 1024  # a small XLSX that unzips to gigabytes is refused unread
MAX_ROWS = 5000
MAX_LINES = 2 * MAX_ROWS  # blank rows included: 500,000 empty lines stop here, while being read
MAX_COLUMNS = 60
MAX_SPEAKER_COLUMNS = session_services.MAX_SPEAKERS
LIMITS = {"title": 250, "summary": 600, "name": 200, "structure": 200, "territory": 200, "bio": 5000}
IMPORT_KINDS = ("sessions", "speakers")
# The states a session may have in an import (programmed directly, or a proposal from another tool).
IMPORT_STATES = (SessionState.confirmed, SessionState.accepted, SessionState.submitted)


class ImportFileError(SessionsError):
    """The file as a whole cannot be read; the message (French) says what to do."""


# --- columns ---------------------------------------------------------------------------------------


def speaker_columns(i: int) -> list[str]:
    return [f"intervenant_{i}_nom", f"intervenant_{i}_email", f"intervenant_{i}_rôle"]


SESSION_COLUMNS = ["titre", "format", "thème", "résumé", "description", "durée", "places", "état"] + [
    name for i in range(1, MAX_SPEAKER_COLUMNS + 1) for name in speaker_columns(i)
]
SPEAKER_COLUMNS = ["nom", "email", "structure", "type_structure", "territoire", "bio"]
REQUIRED_COLUMNS = {"sessions": ("titre", "format"), "speakers": ("nom", "email")}
COLUMN_ALIASES = {"e_mail": "email", "courriel": "email", "adresse_email": "email", "adresse_e_mail": "email"}


def _fold(text: str) -> str:
    """Lower case, without accents, spaces collapsed: "  Table  Ronde " and "table ronde" compare equal."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


def _compact(text: str) -> str:
    """Only letters and digits, folded: "Intervenant·e de table ronde" is "intervenantedetableronde"."""
    return re.sub(r"[^a-z0-9]", "", _fold(text))


def column_key(header: str) -> str:
    key = re.sub(r"[\s\-]+", "_", _fold(header)).replace("·", "")
    key = re.sub(r"[^a-z0-9_]", "", key)
    return COLUMN_ALIASES.get(key, key)


# --- reading a file ---------------------------------------------------------------------------------


def read_rows(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The file's column keys and its non-empty rows as (row number, {column key: stripped text}).

    The limits hold while reading, never after: the size first, then each row read counts (blank ones
    too) and is cut at MAX_COLUMNS, so a hostile file stops at its first row too many."""
    if not data:
        raise ImportFileError(_("Le fichier est vide. Choisissez le fichier à importer."))
    if len(data) > MAX_FILE_SIZE:
        raise ImportFileError(
            _("Le fichier dépasse 5 Mo. Découpez-le en plusieurs fichiers, ou retirez les colonnes inutiles.")
        )
    name = (filename or "").lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if name.endswith(".xlsx"):
        if not is_zip:
            raise ImportFileError(
                _(
                    "Ce fichier porte l'extension .xlsx mais n'est pas un classeur Excel. "
                    "Ouvrez-le dans votre tableur et enregistrez-le au format « Classeur Excel (.xlsx) »."
                )
            )
        lines = _read_xlsx(data)
    elif name.endswith(".csv"):
        if is_zip or b"\x00" in data:
            raise ImportFileError(
                _(
                    "Ce fichier porte l'extension .csv mais ne contient pas du texte. "
                    "Enregistrez-le au format « CSV UTF-8 » depuis votre tableur, ou envoyez-le en .xlsx."
                )
            )
        lines = _read_csv(data)
    elif name.endswith((".xls", ".ods")):
        raise ImportFileError(
            _("Ce format de tableur n'est pas lu ici. Enregistrez le fichier au format .xlsx ou CSV UTF-8.")
        )
    else:
        raise ImportFileError(_("Envoyez un fichier .csv ou .xlsx."))
    return _rows_within_limits(lines)


def _too_many_rows() -> ImportFileError:
    return ImportFileError(_("Le fichier a plus de %(n)d lignes. Découpez-le en plusieurs fichiers.", n=MAX_ROWS))


def _rows_within_limits(lines: Iterator[list]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and rows from an iterator of raw rows, counted one by one as they are read."""
    header = next(lines, None)
    if header is None or not any(_read_cell(v) for v in header):
        raise ImportFileError(_("Le fichier est vide. Choisissez le fichier à importer."))
    header = [_read_cell(v) for v in header]
    while header and not header[-1]:
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise _too_many_columns()
    keys = [column_key(c) for c in header]
    rows = []
    for number, values in enumerate(lines, start=2):  # row 1 is the header
        if number > MAX_LINES + 1 or (len(rows) >= MAX_ROWS and any(_read_cell(v) for v in values)):
            raise _too_many_rows()
        cells = [_read_cell(v) for v in values]
        if any(cells[MAX_COLUMNS:]):
            raise _too_many_columns()
        if any(cells[len(keys) :]):
            raise ImportFileError(_malformed())
        row = {key: value for key, value in zip(keys, cells, strict=False) if key}
        if any(row.values()):
            rows.append((number, row))
    return keys, rows


def _too_many_columns() -> ImportFileError:
    return ImportFileError(
        _(
            "Le fichier a plus de %(n)d colonnes. Gardez seulement les colonnes décrites sur cette page.",
            n=MAX_COLUMNS,
        )
    )


def _read_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    return clean_text(str(value)).strip()


def _malformed() -> str:
    return _(
        "Le fichier CSV est mal formé : une ligne n'a pas le même nombre de colonnes que l'en-tête, "
        "ou un guillemet n'est pas refermé. Ouvrez-le dans un tableur, vérifiez-le, puis enregistrez-le."
    )


def _read_csv(data: bytes) -> Iterator[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _(
                "Le fichier n'est pas enregistré en UTF-8. Dans votre tableur, choisissez « Enregistrer sous », "
                "puis le type « CSV UTF-8 (délimité par des points-virgules) »."
            )
        ) from None
    text = text.lstrip("\r\n")
    header = text.split("\n", 1)[0]
    separator = ";" if header.count(";") >= header.count(",") and header.count(";") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)

    def lines():
        try:
            for line in reader:
                if any(cell.strip() for cell in line[MAX_COLUMNS:]):
                    raise _too_many_columns()
                yield line[:MAX_COLUMNS]
        except csv.Error:
            raise ImportFileError(_malformed()) from None

    return lines()


def _read_xlsx(data: bytes) -> Iterator[list]:
    """The first sheet's rows, read as a stream (openpyxl read_only), at most MAX_COLUMNS + 1 wide."""
    unreadable = _(
        "Ce classeur Excel n'a pas pu être lu. Ouvrez-le dans votre tableur, enregistrez-le à nouveau "
        "au format .xlsx, puis réessayez."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise ImportFileError(unreadable)
            # The sizes the archive declares bound what unzipping yields (zipfile stops there).
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_SIZE:
                raise ImportFileError(_("Ce classeur est trop volumineux. Découpez-le en plusieurs fichiers."))
    except zipfile.BadZipFile:
        raise ImportFileError(unreadable) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:
        raise ImportFileError(unreadable) from None

    def lines():
        try:
            yield from (list(r) for r in sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True))
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError(unreadable) from None
        finally:
            workbook.close()

    return lines()


# --- the report ------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import found and did; `problems` are whole French sentences ("Ligne 4 : ...")."""

    kind: str
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    invalid_rows: int = 0
    created: int = 0
    updated: int = 0
    new_speakers: int = 0
    applied: bool = False

    @property
    def valid_rows(self) -> int:
        return self.rows - self.invalid_rows


def _line(number: int, message: str) -> str:
    return _("Ligne %(n)d : %(message)s", n=number, message=message)


def _check_columns(kind: str, keys: list[str], report: ImportReport) -> None:
    expected = SESSION_COLUMNS if kind == "sessions" else SPEAKER_COLUMNS
    known = {column_key(c) for c in expected}
    missing = [c for c in REQUIRED_COLUMNS[kind] if c not in keys]
    if missing:
        raise ImportFileError(
            _(
                "Le fichier n'a pas de colonne « %(missing)s ». La première ligne doit donner le nom des colonnes : "
                "%(expected)s. Téléchargez le fichier d'exemple pour partir d'un modèle.",
                missing=", ".join(missing),
                expected=", ".join(expected),
            )
        )
    for key in keys:
        if key and key not in known:
            report.warnings.append(_("La colonne « %(name)s » n'est pas connue : elle est ignorée.", name=key))


def _int(text: str) -> int:
    """A whole number from a cell: "90", "90.0", "90 min", "25 places". Raises ValueError."""
    cleaned = re.sub(r"\s*(minutes?|min|places?)$", "", _fold(text)).replace(",", ".").replace(" ", "")
    number = float(cleaned)
    if not number.is_integer():
        raise ValueError(text)
    return int(number)


def _length(value: str, limit: int, what: str, problems: list[str]) -> None:
    if len(value) > limit:
        problems.append(_("%(what)s fait %(n)d caractères ; %(limit)d au plus.", what=what, n=len(value), limit=limit))


# --- sessions --------------------------------------------------------------------------------------

ROLE_ALIASES = {
    SpeakerRole.moderator: ("moderation", "moderateur", "moderatrice", "moderateurice", "moderator"),
    SpeakerRole.panelist: ("intervenantedetableronde", "intervenantdetableronde", "paneliste", "panelist"),
    SpeakerRole.facilitator: (
        "animation", "animateur", "animatrice", "animateurice", "facilitateur", "facilitatrice", "facilitator",
    ),
    SpeakerRole.speaker: ("orateur", "oratrice", "speaker"),
}  # fmt: skip
GENERIC_ROLES = ("", "intervenant", "intervenante", "intervenants", "intervention")
STATE_ALIASES = {
    SessionState.confirmed: ("confirmee", "confirme", "confirmed"),
    SessionState.accepted: ("acceptee", "accepte", "accepted"),
    SessionState.submitted: ("proposee", "propose", "soumise", "submitted"),
}


def _role_of(text: str, kind) -> SpeakerRole | None:
    """A role from its French name, or the format's usual role for "intervenant·e" and an empty cell."""
    key = _compact(text)
    if key in {_compact(g) for g in GENERIC_ROLES}:
        return session_services.default_role(kind)
    for role, aliases in ROLE_ALIASES.items():
        if key in aliases or key == _compact(role.title):
            return role
    return None


def _state_of(text: str) -> SessionState | None:
    if not text:
        return SessionState.confirmed
    key = _compact(text)
    for state, aliases in STATE_ALIASES.items():
        if key in aliases or key == _compact(state.title):
            return state
    return None


@dataclass
class SessionRow:
    line: int
    details: session_services.SessionDetails
    state: SessionState
    entries: list[SessionSpeakerData]


def _session_row(
    line: int,
    row: dict[str, str],
    formats: dict[str, SessionFormat],
    themes: dict[str, Theme],
) -> tuple[SessionRow | None, list[str]]:
    problems: list[str] = []
    title = row.get("titre", "")
    if not title:
        problems.append(_("le titre est vide. Chaque session a besoin d'un titre."))
    _length(title, LIMITS["title"], _("le titre"), problems)
    summary = row.get("resume", "")
    _length(summary, LIMITS["summary"], _("le résumé"), problems)

    format_names = ", ".join(f.name for f in formats.values())
    fmt = formats.get(_fold(row.get("format", "")))
    if not row.get("format"):
        problems.append(_("le format est vide. Formats possibles : %(names)s.", names=format_names))
    elif fmt is None:
        problems.append(
            _(
                "le format « %(value)s » n'existe pas pour cet événement. Formats possibles : %(names)s.",
                value=row["format"],
                names=format_names,
            )
        )

    theme = None
    if row.get("theme"):
        theme = themes.get(_fold(row["theme"]))
        if theme is None:
            if themes:
                problems.append(
                    _(
                        "le thème « %(value)s » n'existe pas pour cet événement. Thèmes possibles : %(names)s "
                        "(ou laissez la case vide).",
                        value=row["theme"],
                        names=", ".join(t.name for t in themes.values()),
                    )
                )
            else:
                problems.append(
                    _(
                        "cet événement n'a pas encore de thème : laissez la case « thème » vide, "
                        "ou créez d'abord le thème."
                    )
                )

    duration = None
    if row.get("duree"):
        try:
            duration = _int(row["duree"])
            if not 1 <= duration <= 600:
                raise ValueError(duration)
        except ValueError:
            duration = None
            problems.append(
                _("la durée « %(value)s » n'est pas un nombre de minutes entre 1 et 600.", value=row["duree"])
            )
    seats = None
    if row.get("places"):
        try:
            seats = _int(row["places"])
            if not 1 <= seats <= 100000:
                raise ValueError(seats)
        except ValueError:
            seats = None
            problems.append(
                _("le nombre de places « %(value)s » n'est pas un nombre entier supérieur à zéro.", value=row["places"])
            )

    state = _state_of(row.get("etat", ""))
    if state is None:
        problems.append(
            _(
                "l'état « %(value)s » n'est pas possible ici. États possibles : %(names)s (vide : Confirmée).",
                value=row["etat"],
                names=", ".join(s.title for s in IMPORT_STATES),
            )
        )

    entries = []
    for i in range(1, MAX_SPEAKER_COLUMNS + 1):
        name = row.get(f"intervenant_{i}_nom", "")
        email = row.get(f"intervenant_{i}_email", "").lower()
        role_text = row.get(f"intervenant_{i}_role", "")
        if not (name or email or role_text):
            continue
        if not name:
            problems.append(_("l'intervenant·e %(i)d n'a pas de nom (colonne intervenant_%(i)d_nom).", i=i))
        _length(name, LIMITS["name"], _("le nom de l'intervenant·e %(i)d", i=i), problems)
        if not email:
            problems.append(_("l'intervenant·e %(i)d n'a pas d'adresse e-mail (colonne intervenant_%(i)d_email).", i=i))
        elif not session_services.is_valid_email(email):
            problems.append(
                _(
                    "l'adresse e-mail « %(value)s » de l'intervenant·e %(i)d n'est pas valide "
                    "(exemple : nom@exemple.fr).",
                    value=email,
                    i=i,
                )
            )
        role = _role_of(role_text, fmt.kind if fmt else None) if fmt or role_text else None
        if role is None and fmt is not None:
            problems.append(
                _(
                    "le rôle « %(value)s » de l'intervenant·e %(i)d n'existe pas. Rôles possibles : %(names)s.",
                    value=role_text,
                    i=i,
                    names=", ".join(r.title for r in SpeakerRole),
                )
            )
        if name and email and role is not None:
            entries.append(SessionSpeakerData(full_name=name, email=email, role=role))

    if fmt is not None and not problems:
        problems += session_services.session_problems(fmt.kind, entries, seats)
    if problems or fmt is None or state is None:
        return None, problems
    details = session_services.SessionDetails(
        format=fmt,
        theme=theme,
        title=title,
        summary=summary,
        description=row.get("description", ""),
        duration=duration,
        seat_capacity=seats,
    )
    return SessionRow(line, details, state, entries), []


def check_sessions(event: Event, rows: list[tuple[int, dict[str, str]]], report: ImportReport) -> list[SessionRow]:
    formats = {}
    for fmt in sorted(event.formats, key=lambda f: f.id):
        formats.setdefault(_fold(fmt.kind.title), fmt)  # "Table ronde" works for the round tables
    formats.update({_fold(f.name): f for f in event.formats})
    themes = {_fold(t.name): t for t in event.themes}
    existing = {
        _fold(title): title
        for title in db.session.scalars(sa.select(Session.title).where(Session.event_id == event.id))
    }
    seen: dict[str, int] = {}
    valid = []
    for line, row in rows:
        parsed, problems = _session_row(line, row, formats, themes)
        key = _fold(row.get("titre", ""))
        if key and key in existing:
            problems.append(
                _(
                    "une session « %(title)s » existe déjà pour cet événement. "
                    "Retirez cette ligne, ou changez le titre.",
                    title=existing[key],
                )
            )
        elif key and key in seen:
            problems.append(
                _(
                    "ce titre est déjà celui de la ligne %(n)d : deux sessions ne peuvent pas avoir le même titre.",
                    n=seen[key],
                )
            )
        seen.setdefault(key, line)
        if problems:
            report.invalid_rows += 1
            report.problems += [_line(line, p) for p in problems]
        else:
            valid.append(parsed)
    return valid


def _apply_sessions(event: Event, actor: User | None, rows: list[SessionRow], report: ImportReport) -> None:
    now = utcnow()
    known = set(db.session.scalars(sa.select(SpeakerProfile.email).where(SpeakerProfile.event_id == event.id)))
    for row in rows:
        session = Session(event=event, state=row.state)
        session_services.apply_details(session, row.details)
        if row.state == SessionState.submitted:
            session.submitted_at = now
        else:
            session.decided_at = now
            if row.state == SessionState.confirmed:
                session.confirmed_at = now
        db.session.add(session)
        for entry in row.entries:
            if entry.email not in known:
                known.add(entry.email)
                report.new_speakers += 1
        session_services.set_speakers(session, event, row.entries)
        report.created += 1


# --- speakers --------------------------------------------------------------------------------------


def _structure_aliases() -> dict[str, StructureType]:
    aliases = {
        "epn": StructureType.epn,
        "cyberbase": StructureType.epn,
        "collectivite": StructureType.local_authority,
        "tierslieu": StructureType.third_place,
        "reseau": StructureType.network,
        "independant": StructureType.independent,
        "independante": StructureType.independent,
    }
    for kind in StructureType:
        title = kind.title
        for variant in (kind.value, title, title.split("/")[0], title.split(",")[0]):
            aliases.setdefault(_compact(variant), kind)
    return aliases


@dataclass
class SpeakerRow:
    line: int
    values: dict[str, object]


def check_speakers(event: Event, rows: list[tuple[int, dict[str, str]]], report: ImportReport) -> list[SpeakerRow]:
    aliases = _structure_aliases()
    seen: dict[str, int] = {}
    valid = []
    for line, row in rows:
        problems: list[str] = []
        name, email = row.get("nom", ""), row.get("email", "").lower()
        if not name:
            problems.append(_("le nom est vide."))
        _length(name, LIMITS["name"], _("le nom"), problems)
        if not email:
            problems.append(_("l'adresse e-mail est vide."))
        elif not session_services.is_valid_email(email):
            problems.append(
                _("l'adresse e-mail « %(value)s » n'est pas valide (exemple : nom@exemple.fr).", value=email)
            )
        elif email in seen:
            problems.append(_("l'adresse %(email)s est déjà celle de la ligne %(n)d.", email=email, n=seen[email]))
        seen.setdefault(email, line)
        for key, limit_key, what in (
            ("structure", "structure", _("la structure")),
            ("territoire", "territory", _("le territoire")),
            ("bio", "bio", _("la présentation (bio)")),
        ):
            _length(row.get(key, ""), LIMITS[limit_key], what, problems)
        kind = None
        if row.get("type_structure"):
            kind = aliases.get(_compact(row["type_structure"]))
            if kind is None:
                problems.append(
                    _(
                        "le type de structure « %(value)s » n'existe pas. Types possibles : %(names)s.",
                        value=row["type_structure"],
                        names=", ".join(k.title for k in StructureType),
                    )
                )
        if problems:
            report.invalid_rows += 1
            report.problems += [_line(line, p) for p in problems]
            continue
        values: dict[str, object] = {
            "full_name": name,
            "structure": row.get("structure", ""),
            "territory": row.get("territoire", ""),
            "bio": row.get("bio", ""),
            "structure_type": kind,
        }
        valid.append(SpeakerRow(line, {"email": email, **values}))
    return valid


def _apply_speakers(event: Event, rows: list[SpeakerRow], report: ImportReport) -> None:
    """Create the new addresses; update the known ones with the cells that are filled in."""
    existing = {
        p.email: p for p in db.session.scalars(sa.select(SpeakerProfile).where(SpeakerProfile.event_id == event.id))
    }
    for row in rows:
        values = dict(row.values)
        email = values.pop("email")
        profile = existing.get(email)
        if profile is None:
            profile = SpeakerProfile(event=event, email=email, structure_type=StructureType.other)
            db.session.add(profile)
            existing[email] = profile
            report.created += 1
        else:
            report.updated += 1
        for attribute, value in values.items():
            if value:  # an empty cell keeps what the profile says
                setattr(profile, attribute, value)


# --- running an import -------------------------------------------------------------------------------


def run_import(
    event: Event, actor: User | None, kind: str, data: bytes, filename: str, *, only_valid: bool = False
) -> ImportReport:
    """Check every row; apply (add to db.session) when all are valid, or the valid ones on request.

    Raises ImportFileError when the file itself cannot be used. The caller commits when report.applied.
    """
    if kind not in IMPORT_KINDS:
        raise ImportFileError(_("Choisissez ce que contient le fichier : des sessions ou des intervenant·es."))
    report = ImportReport(kind=kind)
    keys, rows = read_rows(data, filename)
    _check_columns(kind, keys, report)
    report.rows = len(rows)
    if not rows:
        raise ImportFileError(_("Le fichier ne contient aucune ligne à importer sous la ligne des titres de colonnes."))
    valid = check_sessions(event, rows, report) if kind == "sessions" else check_speakers(event, rows, report)
    if report.problems and not only_valid:
        return report
    if not valid:
        return report
    if kind == "sessions":
        _apply_sessions(event, actor, valid, report)
    else:
        _apply_speakers(event, valid, report)
    db.session.flush()
    report.applied = True
    log_action(
        f"import.{kind}",
        actor=actor,
        event=event,
        target=event,
        filename=filename[:200],
        created=report.created,
        updated=report.updated,
        skipped=report.invalid_rows,
    )
    return report


# --- example files -----------------------------------------------------------------------------------


def example_table(event: Event, kind: str) -> tuple[list[str], list[list[object]]]:
    """A small example built from the event's own formats and themes, for people to start from."""
    if kind == "speakers":
        return SPEAKER_COLUMNS, [
            ["Camille Exemple", "camille.exemple@example.org", "Centre social Le Lien", "Centre social",
             "Chalais (Charente)", "Anime des ateliers numériques pour les familles."],
            ["Yann Modèle", "yann.modele@example.org", "Communauté de communes des Deux Vallées",
             "Collectivité territoriale", "Montmoreau (Charente)", "Conseiller numérique itinérant."],
        ]  # fmt: skip
    by_kind = {}
    for fmt in sorted(event.formats, key=lambda f: f.id):
        by_kind.setdefault(fmt.kind.value, fmt)
    theme = event.themes[0].name if event.themes else ""
    blank = [""] * 3
    rows = []
    round_table = by_kind.get("round_table")
    if round_table:
        rows.append(
            ["Le métier de médiateur numérique", round_table.name, theme,
             "Statut, formation et compétences d'un métier encore jeune.", "", "75", "", "Confirmée",
             "Camille Exemple", "camille.exemple@example.org", "Modération",
             "Yann Modèle", "yann.modele@example.org", "Intervenant·e de table ronde",
             "Inès Témoin", "ines.temoin@example.org", "Intervenant·e de table ronde"] + blank * 3
        )  # fmt: skip
    workshop = by_kind.get("workshop")
    if workshop:
        rows.append(
            ["Animer un réseau local", workshop.name, theme, "Méthodes et outils pour faire coopérer des structures.",
             "", "120", "25", "Acceptée", "Camille Exemple", "camille.exemple@example.org", "Animation"] + blank * 5
        )  # fmt: skip
    if not rows and event.formats:
        fmt = event.formats[0]
        rows.append(
            ["Ouverture", fmt.name, theme, "", "", str(fmt.default_duration), "", "Confirmée",
             "Camille Exemple", "camille.exemple@example.org", ""] + blank * 5
        )  # fmt: skip
    return SESSION_COLUMNS, rows


# --- exports ----------------------------------------------------------------------------------------

EXPORTS = ("proposals", "speakers", "reviews")
EXPORT_FILE_NAMES = {"proposals": "propositions", "speakers": "intervenants", "reviews": "evaluations"}


def _local(instant: datetime | None, event: Event) -> str:
    return to_local(instant, event.timezone).strftime("%Y-%m-%d %H:%M") if instant else ""


def _review_mark(review: Review, criteria: dict[int, ReviewCriterion]) -> float | None:
    """A review's weighted total on 0–100, the same figure as on the proposals page."""
    total = review_total(review, criteria)
    return round(total, 1) if total is not None else None


def _criteria(event: Event) -> dict[int, ReviewCriterion]:
    query = sa.select(ReviewCriterion).where(ReviewCriterion.event_id == event.id)
    return {c.id: c for c in db.session.scalars(query.order_by(ReviewCriterion.position, ReviewCriterion.id))}


def _reviews(event: Event) -> list[Review]:
    query = (
        sa.select(Review)
        .join(Review.session)
        .where(Session.event_id == event.id)
        .options(
            selectinload(Review.scores),
            joinedload(Review.reviewer),
            joinedload(Review.session).joinedload(Session.format),
        )
        .order_by(sa.func.lower(Session.title), Session.id, Review.created_at, Review.id)
    )
    return list(db.session.scalars(query).unique())


def review_marks(event: Event) -> dict[int, list[float]]:
    """Per session id: the marks (0–100) of its reviews that have scores."""
    criteria = _criteria(event)
    marks: dict[int, list[float]] = {}
    for review in _reviews(event):
        mark = _review_mark(review, criteria)
        if mark is not None:
            marks.setdefault(review.session_id, []).append(mark)
    return marks


def _questions_and_answers(event: Event, target: QuestionTarget) -> tuple[list[Question], dict]:
    """The event's custom questions for this target, and {(question id, owner id): French answer}."""
    questions = list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.event_id == event.id, Question.target == target)
            .order_by(Question.position, Question.id)
        )
    )
    owner = Answer.session_id if target == QuestionTarget.proposal else Answer.speaker_id
    by_id = {q.id: q for q in questions}
    answers = {}
    if questions:
        for answer in db.session.scalars(sa.select(Answer).where(Answer.question_id.in_(by_id), owner.is_not(None))):
            owner_id = answer.session_id if target == QuestionTarget.proposal else answer.speaker_id
            answers[(answer.question_id, owner_id)] = display_answer(by_id[answer.question_id], answer.value)
    return questions, answers


def _proposals_table(event: Event) -> tuple[list[str], list[list[object]]]:
    columns = [
        _("Numéro"), _("Titre"), _("Format"), _("Thème"), _("État"), _("Durée (minutes)"), _("Places"),
        _("Intervenant·es"), _("E-mails des intervenant·es"), _("Proposée le"), _("Note moyenne (sur 100)"),
        _("Note médiane (sur 100)"),
        _("Nombre d'évaluations"), _("Résumé"), _("Public"), _("Niveau"), _("Besoins"),
    ]  # fmt: skip
    questions, answers = _questions_and_answers(event, QuestionTarget.proposal)
    columns += [q.label for q in questions]
    marks = review_marks(event)
    rows = []
    for session in session_services.list_sessions(event):
        people = [
            f"{p.speaker.full_name} ({p.role.title}{', ' + p.speaker.structure if p.speaker.structure else ''})"
            for p in session.speakers
        ]
        values = marks.get(session.id, [])
        rows.append(
            [
                session.id,
                session.title,
                session.format.name,
                session.theme.name if session.theme else "",
                session.state.title,
                session.duration,
                session.seat_capacity if session.seat_capacity is not None else "",
                " ; ".join(people),
                " ; ".join(p.speaker.email for p in session.speakers),
                _local(session.submitted_at, event),
                round(statistics.fmean(values), 1) if values else "",
                round(statistics.median(values), 1) if values else "",
                len(values),
                session.summary,
                session.audience,
                session.level.title,
                session.needs,
                *[answers.get((q.id, session.id), "") for q in questions],
            ]
        )
    return columns, rows


def _speakers_table(event: Event) -> tuple[list[str], list[list[object]]]:
    columns = [
        _("Nom"), _("E-mail"), _("Structure"), _("Type de structure"), _("Territoire"), _("Bio"), _("Sessions"),
        _("Compte relié"), _("Profil public"), _("Profil complet"),
    ]  # fmt: skip
    yes, no = _("oui"), _("non")
    questions, answers = _questions_and_answers(event, QuestionTarget.speaker)
    columns += [q.label for q in questions]
    rows = []
    for profile in session_services.list_speakers(event):
        sessions = [f"{p.session.title} ({p.role.title}, {p.session.state.title})" for p in profile.sessions]
        rows.append(
            [
                profile.full_name,
                profile.email,
                profile.structure,
                profile.structure_type.title,
                profile.territory,
                profile.bio,
                " ; ".join(sessions),
                yes if profile.user_id else no,
                yes if profile.publish_consent else no,
                yes if profile_is_complete(profile) else no,
                *[answers.get((q.id, profile.id), "") for q in questions],
            ]
        )
    return columns, rows


def _reviews_table(event: Event) -> tuple[list[str], list[list[object]]]:
    """Every review with the reviewer's name: exports are for organisers, who see everything."""
    criteria = _criteria(event)
    columns = [_("Session"), _("Format"), _("État"), _("Relecteur ou relectrice"), _("E-mail")]
    columns += [_("%(name)s (sur %(max)d)", name=c.name, max=c.max_score) for c in criteria.values()]
    columns += [_("Note (sur 100)"), _("Commentaire"), _("Date")]
    rows = []
    for review in _reviews(event):
        scores = {s.criterion_id: s.value for s in review.scores}
        rows.append(
            [review.session.title, review.session.format.name, review.session.state.title,
             review.reviewer.full_name, review.reviewer.email]
            + [scores.get(cid, "") for cid in criteria]
            + [_mark_cell(_review_mark(review, criteria)), review.comment, _local(review.updated_at, event)]
        )  # fmt: skip
    return columns, rows


def _mark_cell(mark: float | None) -> object:
    return "" if mark is None else mark


EXPORT_TABLES: dict[str, Callable[[Event], tuple[list[str], list[list[object]]]]] = {
    "proposals": _proposals_table,
    "speakers": _speakers_table,
    "reviews": _reviews_table,
}


def export_table(event: Event, what: str) -> tuple[list[str], list[list[object]]]:
    return EXPORT_TABLES[what](event)


def export_filename(event: Event, name: str, fmt: str, today: date) -> str:
    return f"{event.slug}-{name}-{today.isoformat()}.{fmt}"
