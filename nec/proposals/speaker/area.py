"""The speaker's area (/<ev>/me/): the next steps of each session, and who has an area at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from nec.extensions import db
from nec.proposals.models import (
    InvitationState,
    Session,
    SessionState,
    SpeakerProfile,
)
from nec.proposals.session_speakers import declined, speaker_count, speaker_count_range, speaker_range_text
from nec.proposals.speaker.confirmation import confirmation_token
from nec.proposals.speaker.profiles import profile_is_complete
from nec.proposals.speaker.submission import editing_status, is_submitter, session_speaker_of

# --- the speaker's area --------------------------------------------------------------------------


@dataclass
class NextStep:
    label: str
    endpoint: str | None  # None: a link elsewhere (`href`) or, without one, words only
    values: dict = field(default_factory=dict)
    detail: str = ""  # why, said before the step's button
    href: str = ""


def replace_declined_step(session: Session, user, now: datetime) -> NextStep | None:
    """For the submitter: a co-speaker declined and the session is left below its format's count."""
    if not is_submitter(session, user) or session.state not in (
        SessionState.submitted,
        SessionState.accepted,
        SessionState.confirmed,
    ):
        return None
    gone = declined(session)
    minimum, _maximum = speaker_count_range(session.format.kind)
    count = speaker_count(session)
    if not gone or count >= minimum:
        return None
    names = ", ".join(part.speaker.full_name for part in gone)
    detail = " ".join(
        (
            ngettext(
                "%(names)s a décliné l'invitation.", "%(names)s ont décliné l'invitation.", len(gone), names=names
            ),
            ngettext(
                "Le format « %(format)s » demande %(range)s : il en reste %(num)d.",
                "Le format « %(format)s » demande %(range)s : il en reste %(num)d.",
                count,
                format=session.format.name,
                range=speaker_range_text(session.format.kind),
            ),
        )
    )
    if editing_status(session, now)[0]:
        return NextStep(
            _("Inviter une autre personne"), "proposals_speaker.edit_proposal", {"session_id": session.id}, detail
        )
    contact = session.event.contact_email
    detail += " " + _("La proposition ne se modifie plus : demandez à l'équipe organisatrice d'ajouter quelqu'un.")
    if contact:
        return NextStep(_("Écrire à l'équipe organisatrice"), None, {}, detail, f"mailto:{contact}")
    return NextStep("", None, {}, detail)


def next_steps(session: Session, user, profile: SpeakerProfile | None, now: datetime) -> list[NextStep]:
    """What the person should do next for this session, most urgent first (endpoints of this module)."""
    steps: list[NextStep] = []
    state = session.state
    session_speaker = session_speaker_of(session, user)
    if session_speaker is not None and session_speaker.invitation_state is InvitationState.declined:
        return steps
    if state is SessionState.draft and is_submitter(session, user):
        if editing_status(session, now)[0]:
            steps.append(
                NextStep(
                    _("Terminer et envoyer la proposition"),
                    "proposals_speaker.edit_proposal",
                    {"session_id": session.id},
                )
            )
        return steps
    if state in (SessionState.withdrawn, SessionState.rejected, SessionState.declined, SessionState.cancelled):
        return steps
    replace = replace_declined_step(session, user, now)
    if replace is not None:
        steps.append(replace)
    if state is SessionState.accepted:
        steps.append(
            NextStep(
                _("Confirmer votre participation"), "proposals_speaker.confirm", {"token": confirmation_token(session)}
            )
        )
    if not profile_is_complete(profile):
        steps.append(NextStep(_("Compléter votre profil"), "proposals_speaker.profile"))
    if profile is not None and not profile.availabilities:
        steps.append(NextStep(_("Indiquer vos disponibilités"), "proposals_speaker.availability"))
    if (
        session_speaker is not None
        and state in (SessionState.accepted, SessionState.confirmed)
        and session_speaker.recording_consent is None
    ):
        steps.append(
            NextStep(
                _("Répondre pour l'enregistrement vidéo"), "proposals_speaker.consents", {"session_id": session.id}
            )
        )
    return steps


def is_speaker_of(user, event) -> bool:
    """Whether this person has a speaker profile on the event (their area works before publication)."""
    if user is None or not user.is_authenticated:
        return False
    query = sa.select(SpeakerProfile.id).where(SpeakerProfile.event_id == event.id, SpeakerProfile.user_id == user.id)
    return db.session.scalar(query.limit(1)) is not None
