"""Translations: lazy texts that stay text, and catalogs compiled when missing.

French is the language of the msgids and needs no catalog; nec/translations/<lang>/LC_MESSAGES/
messages.po holds the other languages (English). scripts/test and scripts/run compile them too.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

log = logging.getLogger(__name__)


class LazyText(LazyString):
    """A translation made when it is shown, which is text and never markup.

    Flask-Babel's lazy string declares itself HTML (`__html__` returns it as is), so a name put into it
    (`_l("« %(name)s »", name=criterion.name)`) reached a label, an option or a mail unescaped. This
    one is escaped wherever markup is made of it (Jinja, WTForms labels and options, markupsafe)."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> LazyText:
    """The project's `_l`: `from nec.core.i18n import lazy_gettext as _l` (never Flask-Babel's)."""
    return LazyText(gettext, string, **variables)


def compile_missing_catalogs(translations_dir: str | os.PathLike) -> list[Path]:
    """Compile every messages.po whose .mo is missing or older; return the .mo files written.

    Writes to a temporary file then renames it, so several workers starting at once never read a
    half-written catalog. A read-only installation only logs a warning (the catalog stays French).
    """
    written: list[Path] = []
    for po_path in sorted(Path(translations_dir).glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        tmp = None
        try:
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=po_path.parent.parent.name)
            fd, tmp = tempfile.mkstemp(dir=mo_path.parent, prefix=".messages-", suffix=".mo")
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog, use_fuzzy=False)
            os.replace(tmp, mo_path)
            tmp = None
            written.append(mo_path)
        except OSError as error:
            log.warning("Could not compile %s: %s", po_path, error)
        finally:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
    return written
