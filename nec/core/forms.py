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
from wtforms import PasswordField, StringField, TextAreaField

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


class NecForm(FlaskForm):
    """A page's form (CSRF-protected)."""

    Meta = _CleanTextMeta


class NecSubForm(wtforms.Form):
    """A row inside a form (FormField, FieldList of FormField): no CSRF token of its own."""

    Meta = _CleanTextMeta
