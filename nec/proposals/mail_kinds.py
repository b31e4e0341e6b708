"""The proposals' mails whose wording organisers edit: their kinds, placeholders and default French
wordings. Declared to core.mail_templates from nec/proposals/__init__.py."""

from __future__ import annotations

from nec.core.db import N_, LabelledEnum


class MailTemplateKind(LabelledEnum):
    acknowledgement = "acknowledgement"
    co_speaker_invitation = "co_speaker_invitation"
    accepted = "accepted"
    rejected = "rejected"
    confirmation_reminder = "confirmation_reminder"
    profile_reminder = "profile_reminder"
    availability_reminder = "availability_reminder"
    accepted_co_speaker = "accepted_co_speaker"
    rejected_co_speaker = "rejected_co_speaker"
    co_speaker_declined = "co_speaker_declined"

    __titles__ = {
        "acknowledgement": N_("Accusé de réception d'une proposition"),
        "co_speaker_invitation": N_("Invitation d'un·e co-intervenant·e"),
        "accepted": N_("Proposition acceptée (demande de confirmation)"),
        "rejected": N_("Proposition refusée"),
        "confirmation_reminder": N_("Relance : confirmer sa participation"),
        "profile_reminder": N_("Relance : compléter son profil"),
        "availability_reminder": N_("Relance : indiquer ses disponibilités"),
        "accepted_co_speaker": N_("Proposition acceptée, aux co-intervenant·es (demande de confirmation)"),
        "rejected_co_speaker": N_("Proposition refusée, aux co-intervenant·es"),
        "co_speaker_declined": N_("Un·e co-intervenant·e décline l'invitation"),
    }


K = MailTemplateKind

# Placeholders of each kind, beside the common ones (core.mail_templates.COMMON_PLACEHOLDERS).
PLACEHOLDERS: dict[MailTemplateKind, tuple[str, ...]] = {
    K.acknowledgement: ("session_title", "proposal_url"),
    K.co_speaker_invitation: ("session_title", "inviter_name", "invitation_url"),
    K.accepted: ("session_title", "confirmation_url"),
    K.rejected: ("session_title",),
    K.confirmation_reminder: ("session_title", "confirmation_url"),
    K.profile_reminder: ("profile_url",),
    K.availability_reminder: ("availability_url",),
    K.accepted_co_speaker: ("session_title", "submitter_name", "confirmation_url"),
    K.rejected_co_speaker: ("session_title", "submitter_name"),
    K.co_speaker_declined: ("session_title", "co_speaker_name", "proposal_url"),
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
    K.accepted_co_speaker: (
        "La proposition « {session_title} », à laquelle vous participez, est retenue",
        "Bonjour {person_name},\n\n"
        "Bonne nouvelle : la proposition « {session_title} » soumise par {submitter_name}, à laquelle vous "
        "participez, est retenue pour {event_title}.\n\n"
        "Merci de confirmer votre participation (ou de nous dire si vous ne pouvez plus venir) :\n"
        "{confirmation_url}\n\nL'équipe organisatrice",
    ),
    K.rejected_co_speaker: (
        "La proposition « {session_title} », à laquelle vous participez",
        "Bonjour {person_name},\n\n"
        "La proposition « {session_title} » soumise par {submitter_name}, à laquelle vous participez, "
        "n'a malheureusement pas pu être retenue pour {event_title} : nous avons reçu beaucoup de "
        "propositions.\n\nNous espérons vous compter parmi les participants : {event_url}\n\n"
        "L'équipe organisatrice",
    ),
    K.co_speaker_declined: (
        "{co_speaker_name} ne participera pas à « {session_title} »",
        "Bonjour {person_name},\n\n"
        "{co_speaker_name} a décliné votre invitation à intervenir dans « {session_title} » pour "
        "{event_title}.\n\nVérifiez que la session réunit encore assez de personnes pour son format, et "
        "invitez quelqu'un d'autre si besoin :\n{proposal_url}\n\nL'équipe organisatrice",
    ),
}
