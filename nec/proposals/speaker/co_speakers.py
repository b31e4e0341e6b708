"""Co-speakers invited by e-mail (/<ev>/invitations/<token>): the signed link, accepting, declining."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from nec.accounts.models import User
from nec.accounts.services import create_user, link_may_sign_in, prove_address, record_login
from nec.core.audit import log_action
from nec.core.links import base_url, external_url
from nec.core.mail_templates import queue_event_mail
from nec.core.tokens import InvalidLink, sign, unsign
from nec.events.models import Event
from nec.extensions import db
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import (
    InvitationState,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
)
from nec.proposals.speaker.errors import ProposalError, normalise_email

INVITATION_PURPOSE = "co-speaker-invitation"  # signed links, no database row: accepting twice is harmless


def invitation_token(session_speaker: SessionSpeaker) -> str:
    return sign({"part": session_speaker.id, "email": session_speaker.speaker.email}, INVITATION_PURPOSE)


def invitation_url(session_speaker: SessionSpeaker) -> str:
    """The link a co-speaker follows to accept or decline (endpoint proposals.invitation)."""
    return external_url(
        "proposals_speaker.invitation", ev=session_speaker.session.event.slug, token=invitation_token(session_speaker)
    )


def invitation_from_token(token: str) -> dict:
    """{"part": SessionSpeaker id, "email": invited address}; raises InvalidLink."""
    max_age = current_app.config["NEC_CO_SPEAKER_INVITATION_MAX_AGE"]
    return unsign(token, INVITATION_PURPOSE, max_age)


# --- co-speaker invitations ----------------------------------------------------------------------

ANSWERABLE_STATES = (SessionState.submitted, SessionState.accepted, SessionState.confirmed)


def _gone_invitation() -> InvalidLink:
    return InvalidLink(
        _(
            "Cette invitation n'existe plus : la personne qui vous a invité·e a peut-être modifié la session. "
            "Contactez-la, ou écrivez à l'équipe organisatrice."
        )
    )


def invitation_for(event: Event, token: str) -> SessionSpeaker:
    """The part a link invites to; raises InvalidLink (French message) when altered, old or gone."""
    data = invitation_from_token(token)
    if not isinstance(data, dict) or not isinstance(data.get("part"), int):
        raise _gone_invitation()
    session_speaker = db.session.get(SessionSpeaker, data["part"])
    if (
        session_speaker is None
        or session_speaker.session.event_id != event.id
        or session_speaker.speaker.email != normalise_email(data.get("email"))
    ):
        raise _gone_invitation()
    return session_speaker


def invitation_problem(session_speaker: SessionSpeaker) -> str | None:
    """Why the invitation can no longer be answered (French), or None."""
    if session_speaker.session.state not in ANSWERABLE_STATES:
        return _(
            "La session « %(title)s » est à l'état « %(state)s » : il n'y a plus de réponse à donner à cette "
            "invitation.",
            title=session_speaker.session.title,
            state=session_speaker.session.state.title,
        )
    return None


def accept_invitation(session_speaker: SessionSpeaker, user: User | None) -> tuple[User, bool]:
    """Accept an invitation; the link proves the address, so its account is found or created.

    `user` is the signed-in person, if any: it must be the invited address. Returns the account and
    whether the link may sign it in: only for the first answer to the invitation (one request wins,
    by a conditional UPDATE), when nobody is signed in, and only into an account the invitation alone
    could have made (see accounts.services.link_may_sign_in).
    """
    problem = invitation_problem(session_speaker)
    if problem:
        raise ProposalError(problem)
    profile = session_speaker.speaker
    if user is not None and user.email != profile.email:
        raise ProposalError(_wrong_account_message(profile.email))
    signed_out = user is None
    if user is None:
        user = db.session.scalar(sa.select(User).where(User.email == profile.email))
    if user is None:
        user = create_user(profile.email, profile.full_name, email_confirmed=True)
    if not user.is_active_account:
        raise ProposalError(_("Ce compte est désactivé. Écrivez à l'équipe organisatrice."))
    prove_address(user, via="co_speaker_invitation", actor=user)  # the link reached this mailbox
    other = db.session.scalar(
        sa.select(SpeakerProfile).where(
            SpeakerProfile.event_id == profile.event_id,
            SpeakerProfile.user_id == user.id,
            SpeakerProfile.id != profile.id,
        )
    )
    if other is not None:
        raise ProposalError(
            _(
                "Votre compte a déjà un autre profil d'intervenant·e pour cet événement : "
                "écrivez à l'équipe organisatrice."
            )
        )
    profile.user_id = user.id
    first_answer = (
        db.session.execute(
            sa.update(SessionSpeaker)
            .where(SessionSpeaker.id == session_speaker.id, SessionSpeaker.invitation_state == InvitationState.invited)
            .values(invitation_state=InvitationState.accepted)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    db.session.expire(session_speaker, ["invitation_state"])
    if (
        first_answer or session_speaker.invitation_state is not InvitationState.accepted
    ):  # or declined before, accepted now
        session_speaker.invitation_state = InvitationState.accepted
        log_action("invitation.accepted", actor=user, event=profile.event, target=session_speaker.session)
    sign_in = signed_out and first_answer and link_may_sign_in(user)
    if sign_in:
        record_login(user)
    return user, sign_in


def decline_invitation(session_speaker: SessionSpeaker, user: User | None) -> None:
    problem = invitation_problem(session_speaker)
    if problem:
        raise ProposalError(problem)
    if user is not None and user.email != session_speaker.speaker.email:
        raise ProposalError(_wrong_account_message(session_speaker.speaker.email))
    if session_speaker.invitation_state is not InvitationState.declined:
        session_speaker.invitation_state = InvitationState.declined
        log_action(
            "invitation.declined", actor=user, event=session_speaker.session.event, target=session_speaker.session
        )
        _tell_the_submitter(session_speaker)


def _tell_the_submitter(session_speaker: SessionSpeaker) -> None:
    """The person who proposed the session hears of the refusal (in the caller's transaction)."""
    session = session_speaker.session
    submitter = session.submitted_by
    if submitter is None or not submitter.email:
        return
    queue_event_mail(
        session.event,
        MailTemplateKind.co_speaker_declined,
        submitter.email,
        to_name=submitter.full_name,
        base_url=base_url(),
        locale=submitter.locale,
        session_title=session.title,
        co_speaker_name=session_speaker.speaker.full_name,
        proposal_url=external_url("proposals_speaker.edit_proposal", ev=session.event.slug, session_id=session.id),
    )


def _wrong_account_message(email: str) -> str:
    return _(
        "Cette invitation est adressée à %(email)s, mais vous êtes connecté·e avec un autre compte. "
        "Déconnectez-vous, puis ouvrez à nouveau le lien reçu par e-mail.",
        email=email,
    )
