"""Accepted speakers confirm or decline their session (/<ev>/confirm/<token>) through a signed link."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from nec.accounts.models import User
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.links import external_url
from nec.core.tokens import InvalidLink, sign, unsign
from nec.events.models import Event
from nec.extensions import db
from nec.proposals.models import (
    InvitationState,
    Session,
    SessionState,
)
from nec.proposals.speaker.errors import ProposalError
from nec.proposals.speaker.submission import is_submitter, session_speaker_of

# Signed links sent by e-mail (no database row: accepting twice is harmless and idempotent).
CONFIRMATION_PURPOSE = "session-confirmation"


def confirmation_token(session: Session) -> str:
    return sign({"session": session.id}, CONFIRMATION_PURPOSE)


def confirmation_url(session: Session) -> str:
    """The link an accepted session's speakers follow to confirm or decline (endpoint proposals.confirm)."""
    return external_url("proposals_speaker.confirm", ev=session.event.slug, token=confirmation_token(session))


def session_id_from_confirmation(token: str) -> int:
    """Raises nec.core.tokens.InvalidLink (with a French message) when altered or too old."""
    max_age = current_app.config["NEC_CONFIRMATION_MAX_AGE"]
    return int(unsign(token, CONFIRMATION_PURPOSE, max_age)["session"])


# --- confirmation by accepted speakers -----------------------------------------------------------


def session_for_confirmation(event: Event, token: str) -> Session:
    session_id = session_id_from_confirmation(token)
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id:
        raise InvalidLink(_("Cette session n'existe plus. Écrivez à l'équipe organisatrice."))
    return session


def can_confirm(session: Session, user) -> bool:
    """A speaker of the session (not one who declined the invitation), or the submitter."""
    if is_submitter(session, user):
        return True
    session_speaker = session_speaker_of(session, user)
    return session_speaker is not None and session_speaker.invitation_state is not InvitationState.declined


def confirmation_problem(session: Session, *, confirm: bool) -> str | None:
    state = session.state
    if state is SessionState.accepted or (state is SessionState.confirmed and not confirm):
        return None
    if state is SessionState.confirmed:
        return None  # confirming again changes nothing
    if state is SessionState.declined:
        return _(
            "La participation à cette session a déjà été déclinée. Si vous pouvez finalement venir, "
            "écrivez vite à l'équipe organisatrice."
        )
    if state is SessionState.submitted:
        return _("Cette proposition n'a pas encore reçu de réponse : il n'y a rien à confirmer pour l'instant.")
    return _(
        "Cette session est à l'état « %(state)s » : il n'y a rien à confirmer. Pour toute question, écrivez à "
        "l'équipe organisatrice.",
        state=state.title,
    )


def confirm_session(session: Session, user: User, *, confirm: bool, now: datetime | None = None) -> bool:
    """Confirm (or decline) an accepted session; returns whether anything changed. Idempotent."""
    if not can_confirm(session, user):
        raise ProposalError(_("Seul·es les intervenant·es de cette session peuvent répondre."))
    problem = confirmation_problem(session, confirm=confirm)
    if problem:
        raise ProposalError(problem)
    if confirm:
        if session.state is SessionState.confirmed:
            return False
        session.state = SessionState.confirmed
        session.confirmed_at = now or utcnow()
        log_action("session.confirmed", actor=user, event=session.event, target=session)
    else:
        session.state = SessionState.declined
        log_action("session.declined", actor=user, event=session.event, target=session)
    return True
