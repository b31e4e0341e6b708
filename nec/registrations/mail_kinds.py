"""The registrations' mails whose wording organisers edit: their kinds, placeholders and default French
wordings. Declared to core.mail_templates from nec/registrations/__init__.py."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from nec.core.db import N_, LabelledEnum
from nec.core.links import base_url
from nec.core.mail_templates import queue_event_mail


class RegistrationMailKind(LabelledEnum):
    registration_link = "registration_link"
    registration_known = "registration_known"
    registration_confirmed = "registration_confirmed"
    registration_cancelled = "registration_cancelled"
    seat_offer = "seat_offer"

    __titles__ = {
        "registration_link": N_("Inscription : lien de confirmation"),
        "registration_known": N_("Inscription : adresse déjà inscrite (lien personnel)"),
        "registration_confirmed": N_("Inscription confirmée"),
        "registration_cancelled": N_("Inscription annulée"),
        "seat_offer": N_("Liste d'attente : une place vous est proposée"),
    }


K = RegistrationMailKind

# Placeholders of each kind, beside the common ones (core.mail_templates.COMMON_PLACEHOLDERS).
PLACEHOLDERS: dict[RegistrationMailKind, tuple[str, ...]] = {
    K.registration_link: ("confirmation_url", "valid_hours"),
    K.registration_known: ("personal_url",),
    K.registration_confirmed: ("personal_url", "attendance", "event_dates", "checkin_code"),
    K.registration_cancelled: ("register_url",),
    K.seat_offer: ("session_title", "session_time", "offer_url", "offer_deadline", "personal_url"),
}

DEFAULTS: dict[RegistrationMailKind, tuple[str, str]] = {
    K.registration_link: (
        "Confirmez votre inscription à {event_title}",
        "Bonjour {person_name},\n\n"
        "Pour confirmer votre inscription à {event_title}, ouvrez ce lien puis appuyez sur le bouton "
        "« Confirmer mon inscription » :\n{confirmation_url}\n\n"
        "Le lien est valable {valid_hours} heures. Sans confirmation, l'inscription est effacée.\n\n"
        "Si vous n'avez rien demandé, ignorez ce message : personne ne sera inscrit à votre place.\n\n"
        "L'équipe organisatrice",
    ),
    K.registration_known: (
        "Votre inscription à {event_title}",
        "Bonjour {person_name},\n\n"
        "Cette adresse est déjà inscrite à {event_title}. Votre espace personnel (votre inscription, vos "
        "ateliers, votre code pour l'accueil) est ici :\n{personal_url}\n\n"
        "Gardez ce lien pour vous : il ouvre votre espace sans mot de passe.\n\n"
        "L'équipe organisatrice",
    ),
    K.registration_confirmed: (
        "Votre inscription à {event_title} est confirmée",
        "Bonjour {person_name},\n\n"
        "C'est confirmé : vous êtes inscrit·e à {event_title} ({event_dates}), {attendance}.\n\n"
        "Dans votre espace personnel, vous pouvez réserver une place dans les ateliers, retrouver votre "
        "programme et le code à montrer à l'accueil, ou annuler si vous ne pouvez plus venir :\n"
        "{personal_url}\n\n"
        "Gardez ce lien pour vous : il ouvre votre espace sans mot de passe.\n\n"
        "Votre code pour l'accueil : {checkin_code}\n"
        "Le QR code correspondant est dans votre espace personnel : montrez-le à l'accueil, sur votre "
        "téléphone ou imprimé. Si vous n'avez pas de téléphone, donnez simplement votre nom.\n\n"
        "À bientôt !\nL'équipe organisatrice",
    ),
    K.registration_cancelled: (
        "Votre inscription à {event_title} est annulée",
        "Bonjour {person_name},\n\n"
        "Votre inscription à {event_title} est annulée, ainsi que vos places dans les ateliers.\n\n"
        "Si c'est une erreur, vous pouvez vous inscrire à nouveau tant que les inscriptions sont ouvertes :\n"
        "{register_url}\n\n"
        "L'équipe organisatrice",
    ),
    K.seat_offer: (
        "Une place se libère : « {session_title} »",
        "Bonjour {person_name},\n\n"
        "Bonne nouvelle : une place s'est libérée dans l'atelier « {session_title} » ({session_time}), "
        "et elle vous est réservée.\n\n"
        "Pour la prendre, ou pour la laisser à la personne suivante, ouvrez ce lien :\n{offer_url}\n\n"
        "Répondez avant le {offer_deadline} : ensuite, la place sera proposée à la personne suivante de la "
        "liste d'attente.\n\n"
        "Votre espace personnel : {personal_url}\n\n"
        "L'équipe organisatrice",
    ),
}


# --- reminders (reminders.py, sent by the worker) ---------------------------------------------------


class ReminderMailKind(LabelledEnum):
    event_reminder = "event_reminder"
    workshop_reminder = "workshop_reminder"

    __titles__ = {
        "event_reminder": N_("Rappel avant l'événement (J-7, J-1)"),
        "workshop_reminder": N_("Rappel avant un atelier"),
    }


R = ReminderMailKind

REMINDER_PLACEHOLDERS: dict[ReminderMailKind, tuple[str, ...]] = {
    R.event_reminder: ("when", "event_dates", "attendance", "venue", "workshops", "join_link", "personal_url"),
    R.workshop_reminder: ("session_title", "session_time", "session_room", "join_link", "session_url", "personal_url"),
}

REMINDER_DEFAULTS: dict[ReminderMailKind, tuple[str, str]] = {
    R.event_reminder: (
        "Rappel : {event_title}, c'est {when}",
        "Bonjour {person_name},\n\n"
        "{event_title} a lieu {event_dates} : c'est {when}. Vous y êtes inscrit·e {attendance}.\n\n"
        "Lieu : {venue}\n\n"
        "{workshops}\n\n"
        "Pour suivre en ligne : {join_link}\n\n"
        "Votre espace personnel (vos ateliers, le code à montrer à l'accueil, ou annuler si vous ne pouvez "
        "plus venir, pour laisser votre place) :\n{personal_url}\n\n"
        "Le fichier joint ajoute l'événement et vos ateliers à votre agenda.\n\n"
        "À bientôt !\nL'équipe organisatrice",
    ),
    R.workshop_reminder: (
        "Rappel : l'atelier « {session_title} », {session_time}",
        "Bonjour {person_name},\n\n"
        "Vous avez une place dans l'atelier « {session_title} » ({event_title}), {session_time}, "
        "salle : {session_room}.\n\n"
        "Pour suivre en ligne : {join_link}\n"
        "La page de l'atelier : {session_url}\n\n"
        "Vous ne pouvez plus venir ? Libérez votre place depuis votre espace personnel : une personne de la "
        "liste d'attente la recevra aussitôt.\n{personal_url}\n\n"
        "Le fichier joint ajoute l'atelier à votre agenda.\n\n"
        "À tout bientôt !\nL'équipe organisatrice",
    ),
}


def mail_registration(registration, kind: LabelledEnum, **values):
    """Queue one of these mails to a registered person: the event's wording, in the person's language."""
    return queue_event_mail(
        registration.event,
        kind,
        registration.email,
        to_name=registration.full_name,
        base_url=base_url(),
        locale=registration.language,
        **values,
    )


def event_dates_text(event) -> str:
    """The event's days as a sentence reads them: "le jeudi 7 janvier 2027", "du jeudi 7 janvier au ..."."""
    if event.start_date == event.end_date:
        return _("le %(day)s", day=format_date(event.start_date, "EEEE d MMMM y"))
    return _(
        "du %(start)s au %(end)s",
        start=format_date(event.start_date, "EEEE d MMMM"),
        end=format_date(event.end_date, "EEEE d MMMM y"),
    )
