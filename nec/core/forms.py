"""The base of every form of the application: its text fields lose control characters.

`NecForm` (a Flask-WTF form, with its CSRF token) for a page's form, `NecSubForm` for a row inside it (a
FieldList of FormField). Every text field (StringField and its kinds: e-mail, search, hidden...,
TextAreaField) filters what is submitted through nec.core.text.clean_text before any validator or
service sees it: a TextAreaField keeps its line breaks (as LF), any other text field turns them into
spaces. Passwords are left as typed (they are only hashed). tests/core/test_forms.py fails when a form
of `nec` is built on anything else.
"""

from __future__ import annotations

from functools import partial

import wtforms
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import FileField, IntegerField, PasswordField, StringField, TextAreaField

from nec.core.i18n import lazy_gettext as _l
from nec.core.text import clean_text


def _clean(value, *, single_line: bool):
    return clean_text(value, single_line=single_line) if isinstance(value, str) else value


class _CleanTextMeta:
    """WTForms' Meta hook: every text field gets the filter first, before the field's own filters."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            single_line = not issubclass(field_class, TextAreaField)
            own = unbound_field.kwargs.get("filters") or ()
            options = {**options, "filters": [partial(_clean, single_line=single_line), *own]}
        return super().bind_field(form, unbound_field, options)


class _PageMeta(_CleanTextMeta, FlaskForm.Meta):
    def wrap_formdata(self, form, formdata):
        """Flask-WTF offers every uploaded file to every field: a file sent under a text field's name
        reached its validators (`len(FileStorage)`, a 500). Only file fields get files."""
        formdata = super().wrap_formdata(form, formdata)
        if not isinstance(formdata, CombinedMultiDict):
            return formdata
        file_names = {name for name, field in form._fields.items() if isinstance(field, FileField)}
        parts = []
        for part in formdata.dicts:
            if part is not None and any(hasattr(value, "stream") for value in part.values()):
                part = MultiDict([(key, value) for key, value in part.items(multi=True) if key in file_names])
            parts.append(part)
        return CombinedMultiDict(parts)


class NecForm(FlaskForm):
    """A page's form (CSRF-protected)."""

    Meta = _PageMeta


class NecSubForm(wtforms.Form):
    """A row inside a form (FormField, FieldList of FormField): no CSRF token of its own."""

    Meta = _CleanTextMeta


class WholeNumberField(IntegerField):
    """A whole number; an empty box is None (left to InputRequired or Optional), anything else a plain message."""

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Indiquez un nombre entier, en chiffres, sans virgule ni lettre."))) from None
