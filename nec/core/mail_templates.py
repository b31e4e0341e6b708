"""E-mails whose wording the organisers edit per event, with {placeholders}.

Each kind has a default French wording here; an organiser's MailTemplate row replaces it for their
event. The body is plain text: the HTML part is made from it (paragraphs, links), escaped.
"""

from __future__ import annotations

import string

import sqlalchemy as sa

from nec.core.mail import queue_mail
from nec.core.models import MailTemplate, MailTemplateKind, OutboxMessage
from nec.extensions import db

K = MailTemplateKind

# Placeholders every kind offers, then those of each kind.
COMMON_PLACEHOLDERS = ("event_title", "event_url", "person_name")
PLACEHOLDERS: dict[MailTemplateKind, tuple[str, ...]] = {
    K.acknowledgement: ("session_title", "proposal_url"),
    K.co_speaker_invitation: ("session_title", "inviter_name", "invitation_url"),
    K.accepted: ("session_title", "confirmation_url"),
    K.rejected: ("session_title",),
    K.confirmation_reminder: ("session_title", "confirmation_url"),
    K.profile_reminder: ("profile_url",),
    K.availability_reminder: ("availability_url",),
}

DEFAULTS: dict[MailTemplateKind, tuple[str, str]] = {
    K.acknowledgement: (
        "Votre proposition « {session_title} » est bien reçue",
        "Bonjour {person_name},\n\n"
        "Merci ! Votre proposition « {session_title} » pour {event_title} est bien enregistrée.\n\n"
        "Vous pouvez la relire et la modifier jusqu'à la clôture de l'appel :\n{proposal_url}\n\n"
        "Nous vous écrirons dès que l'équipe aura fait son choix.\n\nL'équipe organisatrice",
    ),
    K.co_speaker_invitation: (
        "{inviter_name} vous invite à intervenir à {event_title}",
        "Bonjour {person_name},\n\n"
        "{inviter_name} propose la session « {session_title} » pour {event_title} et vous invite à y "
        "intervenir.\n\nPour accepter ou décliner, et compléter votre profil, ouvrez ce lien :\n"
        "{invitation_url}\n\nL'équipe organisatrice",
    ),
    K.accepted: (
        "Votre proposition « {session_title} » est retenue",
        "Bonjour {person_name},\n\n"
        "Bonne nouvelle : la session « {session_title} » est retenue pour {event_title}.\n\n"
        "Merci de confirmer votre participation (ou de nous dire si vous ne pouvez plus venir) :\n"
        "{confirmation_url}\n\nL'équipe organisatrice",
    ),
    K.rejected: (
        "Votre proposition « {session_title} »",
        "Bonjour {person_name},\n\n"
        "Merci pour votre proposition « {session_title} » pour {event_title}. Nous avons reçu beaucoup "
        "de propositions et ne pouvons malheureusement pas la retenir cette fois-ci.\n\n"
        "Nous espérons vous compter parmi les participants : {event_url}\n\nL'équipe organisatrice",
    ),
    K.confirmation_reminder: (
        "Rappel : confirmez votre participation à {event_title}",
        "Bonjour {person_name},\n\n"
        "La session « {session_title} » attend encore votre confirmation :\n{confirmation_url}\n\n"
        "L'équipe organisatrice",
    ),
    K.profile_reminder: (
        "Rappel : complétez votre profil pour {event_title}",
        "Bonjour {person_name},\n\n"
        "Votre profil d'intervenant·e n'est pas encore complet. Il sert au programme : merci de le "
        "compléter ici :\n{profile_url}\n\nL'équipe organisatrice",
    ),
    K.availability_reminder: (
        "Rappel : indiquez vos disponibilités pour {event_title}",
        "Bonjour {person_name},\n\n"
        "Pour construire le programme, nous avons besoin de savoir quand vous êtes disponible :\n"
        "{availability_url}\n\nL'équipe organisatrice",
    ),
}


def placeholders_for(kind: MailTemplateKind) -> tuple[str, ...]:
    return COMMON_PLACEHOLDERS + PLACEHOLDERS[kind]


def _fields(text: str):
    """(literal, name, format spec, conversion) pieces of a wording; ValueError when braces do not pair."""
    return list(string.Formatter().parse(text))


def unknown_placeholders(kind: MailTemplateKind, text: str) -> list[str]:
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


def get_template(event, kind: MailTemplateKind) -> MailTemplate | None:
    return db.session.scalar(
        sa.select(MailTemplate).where(MailTemplate.event_id == event.id, MailTemplate.kind == kind)
    )


def wording(event, kind: MailTemplateKind) -> tuple[str, str]:
    """The (subject, body) in force for this event: the organiser's, else the default."""
    row = get_template(event, kind)
    return (row.subject, row.body) if row else DEFAULTS[kind]


def save_wording(event, kind: MailTemplateKind, subject: str, body: str) -> MailTemplate:
    row = get_template(event, kind) or MailTemplate(event_id=event.id, kind=kind)
    row.subject, row.body = subject.strip(), body.strip()
    db.session.add(row)
    return row


def reset_wording(event, kind: MailTemplateKind) -> None:
    row = get_template(event, kind)
    if row is not None:
        db.session.delete(row)


def queue_event_mail(
    event,
    kind: MailTemplateKind,
    to_address: str,
    *,
    to_name: str = "",
    base_url: str,
    locale: str | None = None,
    **values,
) -> OutboxMessage:
    """Queue one mail of this kind in the event's wording (in the caller's transaction).

    The wording stays as the organiser typed it; the frame around it (footer, reason) follows
    `locale`, the recipient's language (see accounts.services.mail_locales).
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
        body=fill(body, values),
    )
