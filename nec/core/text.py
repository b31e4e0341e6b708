"""Text as people type it, made safe for every place it goes: pages, XML (Atom, frab), spreadsheets, mail
headers, iCalendar, PostgreSQL.

Control characters other than tab and newline have no use in what people write, and each output refuses
some of them: XML and openpyxl every C0 control, a mail header CR and LF, PostgreSQL NUL. Input loses them
(the forms of nec.core.forms, the request of nec.core.web, the database guard below); outputs drop them
again, for what was stored before or written by other means.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import Session

#: C0 controls but tab, LF and CR; DEL and the C1 controls (NEL among them); the two non-characters XML
#: refuses; lone surrogates.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029]")


def without_control(text: str) -> str:
    """`text` without the control characters no output accepts (tab, LF and CR stay)."""
    return CONTROL_CHARACTERS.sub("", text)


def clean_text(text: str, *, single_line: bool = False) -> str:
    """What a person meant to type: no control characters, line breaks as LF (CRLF from browsers), or,
    for a single-line text (a title, a name, a mail subject), spaces instead of line breaks."""
    text = without_control(_LINE_BREAKS.sub("\n", text))
    return text.replace("\n", " ") if single_line else text


def clean_data(value):
    """Every string in a decoded JSON document (or a plain value) through clean_text."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_data(item) for item in value]
    if isinstance(value, dict):
        return {clean_data(key): clean_data(item) for key, item in value.items()}
    return value


@sa.event.listens_for(Session, "before_flush")
def _strip_control_characters(session: Session, flush_context, instances) -> None:
    """The database guard: no String or Text column receives a control character from the ORM, whatever
    the path (a service, the CLI, an import, the demo), so PostgreSQL never refuses a NUL and outputs
    never meet one. Only the values already loaded are looked at (nothing is fetched)."""
    for instance in (*session.new, *session.dirty):
        state = sa.inspect(instance)
        for column_attr in state.mapper.column_attrs:
            value = state.dict.get(column_attr.key)
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                column = column_attr.columns[0]
                if isinstance(column.type, sa.String):
                    setattr(instance, column_attr.key, without_control(value))


def fold(text: str) -> str:
    """Lower case without accents, for a search where « Médiation » finds « mediation »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
