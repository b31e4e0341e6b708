"""E-mails whose wording the organisers edit per event, with {placeholders}.

Each module declares its kinds, their placeholders and default French wording (register_mail_kinds);
an organiser's MailTemplate row replaces the default for their event. The body is plain text: the HTML
part is made from it (paragraphs, links), escaped.
"""

from __future__ import annotations

import string
from typing import TypeAlias

import sqlalchemy as sa

from nec.core.db import LabelledEnum
from nec.core.mail import Attachment, queue_mail
from nec.core.models import MailTemplate, OutboxMessage
from nec.extensions import db

# A kind of mail whose wording organisers edit: a member of the enum a module registers.
MailKind: TypeAlias = LabelledEnum

# Placeholders every kind offers; each kind adds its own.
COMMON_PLACEHOLDERS = ("event_title", "event_url", "person_name")

# The registry: each module declares its kinds (an enum whose values are stored in mail_templates.kind),
# the placeholders each offers and its default wording, from its package's __init__ (register_mail_kinds).
PLACEHOLDERS: dict[MailKind, tuple[str, ...]] = {}
DEFAULTS: dict[MailKind, tuple[str, str]] = {}
_KINDS: dict[str, MailKind] = {}


def register_mail_kinds(
    kinds: type[MailKind], placeholders: dict[MailKind, tuple[str, ...]], defaults: dict[MailKind, tuple[str, str]]
) -> None:
    """Declare a module's mail kinds: every member needs its placeholders and its default (subject, body)."""
    missing = [kind.value for kind in kinds if kind not in placeholders or kind not in defaults]
    if missing:
        raise ValueError(f"mail kinds without placeholders or default wording: {missing}")
    taken = [kind.value for kind in kinds if _owner(_KINDS.get(kind.value, kind)) != _owner(kind)]
    if taken:
        raise ValueError(f"mail kinds already declared by another module: {taken}")
    for kind in kinds:
        _KINDS[kind.value] = kind
        PLACEHOLDERS[kind] = placeholders[kind]
        DEFAULTS[kind] = defaults[kind]


def _owner(kind: MailKind) -> str:
    return f"{type(kind).__module__}.{type(kind).__qualname__}"


def mail_kind(value: str) -> MailKind:
    """The declared kind stored as `value`; KeyError for a kind no module declares."""
    return _KINDS[value]


def mail_kinds() -> list[MailKind]:
    return list(_KINDS.values())


def placeholders_for(kind: MailKind) -> tuple[str, ...]:
    return COMMON_PLACEHOLDERS + PLACEHOLDERS[kind]


def _fields(text: str):
    """(literal, name, format spec, conversion) pieces of a wording; ValueError when braces do not pair."""
    return list(string.Formatter().parse(text))


def unknown_placeholders(kind: MailKind, text: str) -> list[str]:
    """Names between braces that this kind does not offer, or ["{"] when braces do not pair."""
    allowed = set(placeholders_for(kind))
    try:
        names = [field for _, field, _, _ in _fields(text) if field is not None]
    except ValueError:
        return ["{"]
    return sorted({n for n in names if n not in allowed})


def _as_written(name: str, spec: str | None, conversion: str | None) -> str:
    return "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"


def decorated_placeholders(text: str) -> list[str]:
    """Placeholders written with more than their name ({event_title:>1000}, {x!r}, {x.y}, {x[0]}):
    a format specification could make a megabyte of one line, so a placeholder is its name alone."""
    try:
        pieces = _fields(text)
    except ValueError:
        return []
    return [
        _as_written(name, spec, conversion)
        for _, name, spec, conversion in pieces
        if name is not None and (spec or conversion or not name.isidentifier())
    ]


def fill(text: str, values: dict[str, object]) -> str:
    """Replace {placeholders} by their values; anything else between braces (an unknown name, a format
    specification) stays as written: the mail is never longer than the wording and its values."""
    try:
        pieces = _fields(text)
    except ValueError:
        return text
    out = []
    for literal, name, spec, conversion in pieces:
        out.append(literal)
        if name is None:
            continue
        if name in values and not spec and not conversion:
            out.append(str(values[name]))
        else:
            out.append(_as_written(name, spec, conversion))
    return "".join(out)


def get_template(event, kind: MailKind) -> MailTemplate | None:
    return db.session.scalar(
        sa.select(MailTemplate).where(MailTemplate.event_id == event.id, MailTemplate.kind == kind)
    )


def wording(event, kind: MailKind) -> tuple[str, str]:
    """The (subject, body) in force for this event: the organiser's, else the default."""
    row = get_template(event, kind)
    return (row.subject, row.body) if row else DEFAULTS[kind]


def save_wording(event, kind: MailKind, subject: str, body: str) -> MailTemplate:
    row = get_template(event, kind) or MailTemplate(event_id=event.id, kind=kind)
    row.subject, row.body = subject.strip(), body.strip()
    db.session.add(row)
    return row


def reset_wording(event, kind: MailKind) -> None:
    row = get_template(event, kind)
    if row is not None:
        db.session.delete(row)


def queue_event_mail(
    event,
    kind: MailKind,
    to_address: str,
    *,
    to_name: str = "",
    base_url: str,
    locale: str | None = None,
    attachments: list[Attachment] | None = None,
    **values,
) -> OutboxMessage:
    """Queue one mail of this kind in the event's wording (in the caller's transaction).

    The wording stays as the organiser typed it; the frame around it (footer, reason) follows
    `locale`, the recipient's language (see accounts.services.mail_locales). `attachments`: small text
    files sent with it (a reminder's .ics).
    """
    values = {
        "event_title": event.title,
        "event_url": f"{base_url.rstrip('/')}/{event.slug}/",
        "person_name": to_name or to_address,
        **values,
    }
    subject, body = wording(event, kind)
    return queue_mail(
        to_address,
        "event_message",
        subject=fill(subject, values).replace("\n", " ").strip(),
        to_name=to_name,
        event=event,
        locale=locale,
        attachments=attachments,
        body=fill(body, values),
    )
