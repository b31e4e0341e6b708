"""Proposals and speakers: submission, co-speakers, profiles, availability, consents, confirmation.

Plain functions that add to db.session and never commit: the view commits once per user action.
What a person can fix comes back as ProposalError, with a French message that says what to do.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from nec.accounts.models import User
from nec.accounts.services import create_user, link_may_sign_in, mail_locale, prove_address, record_login
from nec.core import storage
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.errors import UserError
from nec.core.links import base_url, external_url
from nec.core.mail_templates import queue_event_mail
from nec.core.time import localize
from nec.core.tokens import InvalidLink, sign, unsign
from nec.events.models import Event, FormatKind, SessionFormat, Theme
from nec.extensions import db
from nec.proposals import call as call_rules
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import (
    AttendanceMode,
    Availability,
    InvitationState,
    Level,
    QuestionTarget,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
    StructureType,
)

# Signed links sent by e-mail (no database row: accepting twice is harmless and idempotent).
CONFIRMATION_PURPOSE = "session-confirmation"
INVITATION_PURPOSE = "co-speaker-invitation"


def confirmation_token(session: Session) -> str:
    return sign({"session": session.id}, CONFIRMATION_PURPOSE)


def confirmation_url(session: Session) -> str:
    """The link an accepted session's speakers follow to confirm or decline (endpoint proposals.confirm)."""
    return external_url("proposals.confirm", ev=session.event.slug, token=confirmation_token(session))


def session_id_from_confirmation(token: str) -> int:
    """Raises nec.core.tokens.InvalidLink (with a French message) when altered or too old."""
    max_age = current_app.config["NEC_CONFIRMATION_MAX_AGE"]
    return int(unsign(token, CONFIRMATION_PURPOSE, max_age)["session"])


def invitation_token(part: SessionSpeaker) -> str:
    return sign({"part": part.id, "email": part.speaker.email}, INVITATION_PURPOSE)


def invitation_url(part: SessionSpeaker) -> str:
    """The link a co-speaker follows to accept or decline (endpoint proposals.invitation)."""
    return external_url("proposals.invitation", ev=part.session.event.slug, token=invitation_token(part))


def invitation_from_token(token: str) -> dict:
    """{"part": SessionSpeaker id, "email": invited address}; raises InvalidLink."""
    max_age = current_app.config["NEC_CO_SPEAKER_INVITATION_MAX_AGE"]
    return unsign(token, INVITATION_PURPOSE, max_age)


class ProposalError(UserError):
    """Something the speaker can fix; the message is in French and says what to do."""


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


# --- the rules of an NEC ---------------------------------------------------------------------------

# The roles a person can hold in each kind of session, the first being the usual one.
ROLES_BY_KIND: dict[FormatKind, tuple[SpeakerRole, ...]] = {
    FormatKind.round_table: (SpeakerRole.panelist, SpeakerRole.moderator),
    FormatKind.workshop: (SpeakerRole.facilitator, SpeakerRole.speaker),
    FormatKind.talk: (SpeakerRole.speaker,),
    FormatKind.plenary: (SpeakerRole.speaker, SpeakerRole.moderator),
}
MAX_PANELISTS = 5
MIN_PANELISTS = 2


def roles_for(kind: FormatKind) -> tuple[SpeakerRole, ...]:
    return ROLES_BY_KIND[FormatKind(kind)]


def _role_of(part) -> SpeakerRole:
    if isinstance(part, tuple):  # (role, anything)
        part = part[0]
    return SpeakerRole(part if isinstance(part, str) else part.role)


_NOT_CHECKED = object()


def lineup_problems(format_kind: FormatKind, parts: Iterable, *, seat_capacity=_NOT_CHECKED) -> list[str]:
    """What the lineup breaks of the format's rules, as French sentences (empty: the lineup is fine).

    `parts` are SpeakerRole values, (role, anything) pairs or objects with a `role` (SessionSpeaker
    rows, LineupEntry). A workshop also needs a seat capacity: pass `seat_capacity` to check it too.
    """
    kind = FormatKind(format_kind)
    roles = [_role_of(p) for p in parts]
    count = {role: roles.count(role) for role in SpeakerRole}
    problems: list[str] = []
    allowed = set(roles_for(kind))
    for role in SpeakerRole:
        if count[role] and role not in allowed:
            problems.append(
                _(
                    "Le rôle « %(role)s » n'existe pas dans ce format (%(kind)s) : choisissez un autre rôle.",
                    role=role.title,
                    kind=kind.title.lower(),
                )
            )
    if kind is FormatKind.round_table:
        if count[SpeakerRole.moderator] == 0:
            problems.append(
                _(
                    "Une table ronde a besoin d'une personne à la modération, qui anime les échanges : "
                    "donnez ce rôle à l'une des personnes."
                )
            )
        elif count[SpeakerRole.moderator] > 1:
            problems.append(
                _(
                    "Une table ronde a une seule personne à la modération (ici %(n)d) : "
                    "donnez aux autres le rôle d'intervenant·e.",
                    n=count[SpeakerRole.moderator],
                )
            )
        panelists = count[SpeakerRole.panelist]
        if panelists < MIN_PANELISTS:
            problems.append(
                _(
                    "Une table ronde réunit de %(min)d à %(max)d intervenant·es en plus de la modération "
                    "(ici %(n)d) : ajoutez des co-intervenant·es.",
                    min=MIN_PANELISTS,
                    max=MAX_PANELISTS,
                    n=panelists,
                )
            )
        elif panelists > MAX_PANELISTS:
            problems.append(
                _(
                    "Une table ronde réunit de %(min)d à %(max)d intervenant·es en plus de la modération "
                    "(ici %(n)d) : retirez-en, ou proposez une seconde table ronde.",
                    min=MIN_PANELISTS,
                    max=MAX_PANELISTS,
                    n=panelists,
                )
            )
    elif kind is FormatKind.workshop:
        if count[SpeakerRole.facilitator] == 0:
            problems.append(
                _("Un atelier a besoin d'au moins une personne à l'animation : donnez ce rôle à l'une des personnes.")
            )
        if seat_capacity is not _NOT_CHECKED and (not seat_capacity or seat_capacity <= 0):
            problems.append(
                _("Indiquez le nombre de places de l'atelier : c'est le nombre de participants qui peuvent s'inscrire.")
            )
    elif kind is FormatKind.talk:
        if not 1 <= len(roles) <= 2:
            problems.append(
                _("Une intervention se fait à une ou deux personnes (ici %(n)d) : ajustez la liste.", n=len(roles))
            )
    elif kind is FormatKind.plenary:
        if count[SpeakerRole.speaker] == 0:
            problems.append(_("Une plénière a besoin d'au moins un·e intervenant·e : ajoutez-en un·e."))
        if count[SpeakerRole.moderator] > 1:
            problems.append(_("Une plénière a au plus une personne à la modération : ajustez les rôles."))
    return problems


# --- speaker profiles ------------------------------------------------------------------------------


def profile_for(event: Event, user) -> SpeakerProfile | None:
    """The person's profile for this event, if they have one (by account, or by a proven address)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    profile = db.session.scalar(
        sa.select(SpeakerProfile).where(SpeakerProfile.event_id == event.id, SpeakerProfile.user_id == user.id)
    )
    if profile is None and user.email_confirmed_at is not None:
        profile = db.session.scalar(
            sa.select(SpeakerProfile).where(
                SpeakerProfile.event_id == event.id,
                SpeakerProfile.email == user.email,
                SpeakerProfile.user_id.is_(None),
            )
        )
    return profile


def profile_refusal(event: Event, user: User) -> str | None:
    """For an account without a profile in this event (profile_for gave None): why none can be made
    (its address belongs to a profile it has not proven), else None. Reads only: a page shows it
    before anything is created."""
    taken = db.session.scalar(
        sa.select(SpeakerProfile.id).where(SpeakerProfile.event_id == event.id, SpeakerProfile.email == user.email)
    )
    if taken is None:
        return None
    return _(
        "Un profil d'intervenant·e existe déjà pour votre adresse e-mail. Pour le retrouver, "
        "ouvrez le lien d'invitation reçu par e-mail, ou connectez-vous avec un lien de connexion."
    )


def get_or_create_profile(event: Event, user: User) -> SpeakerProfile:
    """The person's profile for this event, created from their account on first use.

    A profile made for a co-speaker (no account yet) is claimed only by an account whose address
    is proven (a link followed): anyone can type any address when signing up.
    """
    profile = profile_for(event, user)
    if profile is not None:
        if profile.user_id is None:
            profile.user_id = user.id
        return profile
    refusal = profile_refusal(event, user)
    if refusal is not None:
        raise ProposalError(refusal)
    profile = SpeakerProfile(event_id=event.id, user_id=user.id, full_name=user.full_name, email=user.email)
    db.session.add(profile)
    db.session.flush()
    return profile


def update_profile(
    profile: SpeakerProfile,
    *,
    full_name: str,
    structure: str = "",
    structure_type: StructureType | str = StructureType.other,
    territory: str = "",
    bio: str = "",
    publish_consent: bool = False,
) -> SpeakerProfile:
    full_name = (full_name or "").strip()
    if not full_name:
        raise ProposalError(_("Indiquez votre prénom et votre nom."), "full_name")
    profile.full_name = full_name
    profile.structure = (structure or "").strip()
    profile.structure_type = StructureType(structure_type)
    profile.territory = (territory or "").strip()
    profile.bio = (bio or "").strip()
    profile.publish_consent = bool(publish_consent)
    return profile


def profile_is_complete(profile: SpeakerProfile | None) -> bool:
    """What the programme needs to present a speaker: a name, a structure and a few words."""
    return bool(profile and profile.full_name and profile.structure and profile.bio)


# --- photos --------------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 4000
PHOTO_STORED_SIDE = 800
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_FOLDER = "photos"


def _photo_refused() -> ProposalError:
    return ProposalError(
        _("Ce fichier n'est pas une image JPEG, PNG ou WebP lisible. Choisissez une photo dans l'un de ces formats."),
        "photo",
    )


def prepare_photo(data: bytes) -> bytes:
    """Check an uploaded photo by its content and re-encode it as a JPEG of at most 800 px.

    Re-encoding drops whatever else the file carried (metadata, a script hidden after the image).
    """
    from PIL import Image, ImageOps

    if len(data) > PHOTO_MAX_BYTES:
        raise ProposalError(_("Cette photo dépasse 5 Mo : choisissez une image plus légère."), "photo")
    if not data:
        raise _photo_refused()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in PHOTO_FORMATS:
                    raise _photo_refused()
                width, height = probe.size
                if width > PHOTO_MAX_SIDE or height > PHOTO_MAX_SIDE:
                    raise ProposalError(
                        _(
                            "Cette photo mesure %(w)d × %(h)d pixels : elle ne doit pas dépasser %(max)d pixels "
                            "de côté. Choisissez une image plus petite.",
                            w=width,
                            h=height,
                            max=PHOTO_MAX_SIDE,
                        ),
                        "photo",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image = ImageOps.exif_transpose(image)
                image.thumbnail((PHOTO_STORED_SIDE, PHOTO_STORED_SIDE))
                if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
                    image = image.convert("RGBA")
                    background = Image.new("RGB", image.size, (255, 255, 255))
                    background.paste(image, mask=image.getchannel("A"))
                    image = background
                else:
                    image = image.convert("RGB")
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=85, optimize=True)
    except ProposalError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ProposalError(_("Cette image est trop grande : choisissez une photo plus petite."), "photo") from None
    except Exception:  # Pillow signals a damaged or disguised file with many exception types
        raise _photo_refused() from None
    return out.getvalue()


def set_photo(profile: SpeakerProfile, data: bytes) -> str | None:
    """Store a new photo; returns the previous file, for the caller to delete once committed."""
    prepared = prepare_photo(data)
    previous = profile.photo_path
    profile.photo_path = storage.save(prepared, folder=PHOTO_FOLDER, suffix=".jpg")
    return previous


def remove_photo(profile: SpeakerProfile) -> str | None:
    previous, profile.photo_path = profile.photo_path, None
    return previous


PHOTO_DIGEST_LENGTH = 16


def photo_digest(profile: SpeakerProfile) -> str | None:
    """A short name of the profile's current photo, for addresses that change with it (None: no photo).

    `set_photo` stores each new photo under a new random name, so a digest of that name changes with
    every photo: no version to keep on the profile, and the stored name itself never leaves the server.
    """
    if not profile.photo_path:
        return None
    return hashlib.sha256(profile.photo_path.encode()).hexdigest()[:PHOTO_DIGEST_LENGTH]


# --- availability --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HalfDay:
    key: str  # "2025-01-28-am": what the form sends back
    day: date
    label: str  # "Matin", "Après-midi"
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC


NOON = time(12, 0)


def half_days(event: Event) -> list[HalfDay]:
    """The mornings and afternoons of the event, from each day's opening hours and lunch break."""
    result = []
    for day in event.days:
        split_start = day.lunch_start or NOON
        split_end = day.lunch_end or NOON
        periods = []
        if day.opens_at < split_start:
            periods.append(("am", _("Matin"), day.opens_at, min(split_start, day.closes_at)))
        if split_end < day.closes_at:
            periods.append(("pm", _("Après-midi"), max(split_end, day.opens_at), day.closes_at))
        for suffix, label, start, end in periods:
            result.append(
                HalfDay(
                    key=f"{day.date.isoformat()}-{suffix}",
                    day=day.date,
                    label=label,
                    starts_at=localize(day.date, start, event.timezone),
                    ends_at=localize(day.date, end, event.timezone),
                )
            )
    return result


def available_keys(profile: SpeakerProfile | None, periods: list[HalfDay]) -> set[str]:
    """The half-days an availability of the speaker covers entirely."""
    if profile is None:
        return set()
    rows = [(a.starts_at, a.ends_at) for a in profile.availabilities]
    return {p.key for p in periods if any(s <= p.starts_at and p.ends_at <= e for s, e in rows)}


def save_availability(profile: SpeakerProfile, event: Event, keys: Iterable[str]) -> list[Availability]:
    """Replace the speaker's availability by the chosen half-days (unknown keys are ignored)."""
    chosen = set(keys)
    periods = [p for p in half_days(event) if p.key in chosen]
    profile.availabilities.clear()
    db.session.flush()
    rows = [Availability(starts_at=p.starts_at, ends_at=p.ends_at) for p in periods]
    profile.availabilities.extend(rows)
    return rows


# --- proposals -----------------------------------------------------------------------------------


@dataclass
class LineupEntry:
    """A co-speaker typed in the proposal form."""

    name: str
    email: str
    role: SpeakerRole


@dataclass
class ProposalData:
    title: str
    summary: str = ""
    description: str = ""
    theme_id: int | None = None
    duration: int | None = None
    audience: str = ""
    level: Level = Level.beginner
    language: str = "fr"
    attendance_mode: AttendanceMode = AttendanceMode.either
    seat_capacity: int | None = None
    needs: str = ""
    needs_accessible_room: bool = False
    own_role: SpeakerRole = SpeakerRole.speaker
    co_speakers: list[LineupEntry] = field(default_factory=list)
    answers: dict[int, object] = field(default_factory=dict)


EDITABLE_STATES = (SessionState.draft, SessionState.submitted)
WITHDRAWABLE_STATES = (SessionState.draft, SessionState.submitted)


def _accessible_clause(user):
    own_parts = (
        sa.select(SessionSpeaker.session_id)
        .join(SpeakerProfile, SpeakerProfile.id == SessionSpeaker.speaker_id)
        .where(SpeakerProfile.user_id == user.id)
    )
    return sa.or_(Session.submitted_by_id == user.id, Session.id.in_(own_parts))


def sessions_of(event: Event, user) -> list[Session]:
    """The sessions the person proposed or speaks in (declined invitations included), newest first."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.event_id == event.id, _accessible_clause(user))
            .options(
                selectinload(Session.format),
                selectinload(Session.speakers).selectinload(SessionSpeaker.speaker),
            )
            .order_by(Session.created_at.desc(), Session.id.desc())
        )
    )


def get_own_session(event: Event, user, session_id: int) -> Session | None:
    """A session of this event that the person proposed or speaks in; None otherwise."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(Session).where(Session.id == session_id, Session.event_id == event.id, _accessible_clause(user))
    )


def part_of(session: Session, user) -> SessionSpeaker | None:
    """The person's own part in a session (their role, their consents)."""
    if user is None or not user.is_authenticated:
        return None
    return next((p for p in session.speakers if p.speaker.user_id == user.id), None)


def is_submitter(session: Session, user) -> bool:
    return bool(user and user.is_authenticated and session.submitted_by_id == user.id)


def open_invitations(event: Event, user) -> list[SessionSpeaker]:
    """Invitations waiting for this person's answer, in sessions still under consideration."""
    if user is None or not user.is_authenticated:
        return []
    mine = SpeakerProfile.user_id == user.id
    if user.email_confirmed_at is not None:
        mine = sa.or_(mine, sa.and_(SpeakerProfile.user_id.is_(None), SpeakerProfile.email == user.email))
    return list(
        db.session.scalars(
            sa.select(SessionSpeaker)
            .join(SessionSpeaker.speaker)
            .join(SessionSpeaker.session)
            .where(
                SpeakerProfile.event_id == event.id,
                mine,
                SessionSpeaker.invitation_state == InvitationState.invited,
                Session.state.in_((SessionState.submitted, SessionState.accepted, SessionState.confirmed)),
            )
            .order_by(SessionSpeaker.id)
        )
    )


def editing_status(session: Session, now: datetime) -> tuple[bool, str]:
    """Whether the proposal can still be changed, and if not, why (in French)."""
    if session.state not in EDITABLE_STATES:
        return False, _(
            "Cette proposition est à l'état « %(state)s » : elle ne peut plus être modifiée. "
            "Pour tout changement, écrivez à l'équipe organisatrice.",
            state=session.state.title,
        )
    status = call_rules.status_for(session.event, session.format, now)
    if not status.is_open:
        return False, _(
            "L'appel est clos pour ce format : la proposition ne peut plus être modifiée. %(detail)s "
            "Pour tout changement, écrivez à l'équipe organisatrice.",
            detail=status.message,
        )
    return True, ""


def _check_can_edit(session: Session, now: datetime) -> None:
    editable, why = editing_status(session, now)
    if not editable:
        raise ProposalError(why)


def _check_format_open(event: Event, fmt: SessionFormat, now: datetime) -> None:
    if fmt.event_id != event.id or fmt not in call_rules.open_formats(event, now):
        status = call_rules.status_for(event, fmt, now)
        raise ProposalError(
            _("Ce format ne reçoit pas de propositions en ce moment. %(detail)s", detail=status.message), "format"
        )


def _check_data(event: Event, fmt: SessionFormat, data: ProposalData) -> None:
    if not (data.title or "").strip():
        raise ProposalError(_("Donnez un titre à votre session."), "title")
    if data.theme_id is not None and db.session.get(Theme, data.theme_id) not in event.themes:
        raise ProposalError(_("Choisissez une thématique de la liste."), "theme_id")
    if data.duration is not None and not 1 <= data.duration <= 600:
        raise ProposalError(_("Indiquez une durée entre 1 et 600 minutes."), "duration")
    if data.seat_capacity is not None and data.seat_capacity <= 0:
        raise ProposalError(_("Le nombre de places doit être d'au moins 1."), "seat_capacity")
    allowed = roles_for(fmt.kind)
    if SpeakerRole(data.own_role) not in allowed:
        raise ProposalError(_("Choisissez votre rôle dans la liste."), "own_role")
    seen: set[str] = set()
    for entry in data.co_speakers:
        email = _normalise_email(entry.email)
        if not entry.name.strip() or "@" not in email.strip("@"):
            raise ProposalError(
                _("Pour chaque co-intervenant·e, indiquez un nom et une adresse e-mail valide."), "co_speakers"
            )
        if SpeakerRole(entry.role) not in allowed:
            raise ProposalError(
                _("Le rôle de %(name)s n'existe pas dans ce format : choisissez-en un autre.", name=entry.name),
                "co_speakers",
            )
        if email in seen:
            raise ProposalError(
                _("L'adresse %(email)s apparaît deux fois : chaque personne n'est invitée qu'une fois.", email=email),
                "co_speakers",
            )
        seen.add(email)


def _apply_fields(session: Session, fmt: SessionFormat, data: ProposalData) -> None:
    session.title = data.title.strip()
    session.summary = (data.summary or "").strip()
    session.description = (data.description or "").strip()
    session.theme_id = data.theme_id
    session.duration = data.duration or fmt.default_duration
    session.audience = (data.audience or "").strip()
    session.level = Level(data.level)
    session.language = (data.language or "fr").strip() or "fr"
    session.attendance_mode = AttendanceMode(data.attendance_mode)
    session.seat_capacity = data.seat_capacity if fmt.has_seats else None
    session.needs = (data.needs or "").strip()
    session.needs_accessible_room = data.needs_accessible_room


def _profile_for_invitee(event: Event, entry: LineupEntry) -> SpeakerProfile:
    email = _normalise_email(entry.email)
    profile = db.session.scalar(
        sa.select(SpeakerProfile).where(SpeakerProfile.event_id == event.id, SpeakerProfile.email == email)
    )
    if profile is None:
        profile = SpeakerProfile(event_id=event.id, user_id=None, full_name=entry.name.strip(), email=email)
        db.session.add(profile)
    return profile


def _apply_lineup(session: Session, own: SpeakerProfile, data: ProposalData) -> list[SessionSpeaker]:
    """Make the session's parts match the form; returns the parts added for co-speakers.

    A co-speaker already in the lineup keeps their answer and consents; one removed loses their part.
    """
    if any(_normalise_email(e.email) == own.email for e in data.co_speakers):
        raise ProposalError(
            _("Vous faites déjà partie de la session : ne vous ajoutez pas parmi les co-intervenant·es."),
            "co_speakers",
        )
    existing = {p.speaker.email: p for p in session.speakers}
    own_part = existing.pop(own.email, None)
    if own_part is None:
        own_part = SessionSpeaker(speaker=own, invitation_state=InvitationState.accepted)
        session.speakers.append(own_part)
    own_part.role = SpeakerRole(data.own_role)
    own_part.position = 0
    added = []
    for position, entry in enumerate(data.co_speakers, start=1):
        email = _normalise_email(entry.email)
        part = existing.pop(email, None)
        if part is None:
            part = SessionSpeaker(
                speaker=_profile_for_invitee(session.event, entry), invitation_state=InvitationState.invited
            )
            session.speakers.append(part)
            added.append(part)
        part.role = SpeakerRole(entry.role)
        part.position = position
    for part in existing.values():  # removed from the lineup
        session.speakers.remove(part)
        _forget_if_unused(part.speaker, part)
    return added


def _forget_if_unused(profile: SpeakerProfile, removed: SessionSpeaker) -> None:
    """A co-speaker's profile made from someone else's form, now in no session and never claimed: their
    name and address are not kept (RGPD: nothing is kept without a purpose)."""
    if profile.user_id is not None or profile.publish_consent:
        return
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(SessionSpeaker)
        .where(SessionSpeaker.speaker_id == profile.id, SessionSpeaker.id != removed.id)
    )
    if not others and profile.id is not None:
        db.session.delete(profile)


def _active_parts(session: Session) -> list[SessionSpeaker]:
    return [p for p in session.speakers if p.invitation_state is not InvitationState.declined]


def _queue_invitation(part: SessionSpeaker, inviter: User) -> None:
    queue_event_mail(
        part.session.event,
        MailTemplateKind.co_speaker_invitation,
        part.speaker.email,
        to_name=part.speaker.full_name,
        base_url=base_url(),
        locale=mail_locale(part.speaker.email, part.speaker.user_id),
        session_title=part.session.title,
        inviter_name=inviter.full_name,
        invitation_url=invitation_url(part),
    )


def proposal_url(session: Session) -> str:
    return external_url("proposals.edit_proposal", ev=session.event.slug, session_id=session.id)


def save_proposal(
    event: Event,
    user: User,
    fmt: SessionFormat,
    data: ProposalData,
    *,
    session: Session | None = None,
    submit: bool = False,
    now: datetime | None = None,
) -> Session:
    """Create or change a proposal, as a draft or submitted, with its lineup and its answers.

    Submitting checks the format's rules and deadline, then queues the acknowledgement to the
    submitter and an invitation to each co-speaker not invited yet, all in the caller's transaction.
    """
    now = now or utcnow()
    if session is None:
        _check_format_open(event, fmt, now)
    else:
        if session.event_id != event.id or session.submitted_by_id != user.id:
            raise ProposalError(_("Seule la personne qui a proposé la session peut la modifier."))
        _check_can_edit(session, now)
        fmt = session.format
    _check_data(event, fmt, data)
    own = get_or_create_profile(event, user)
    first_submission = False
    if session is None:
        session = Session(event=event, format=fmt, submitted_by_id=user.id, state=SessionState.draft)
        db.session.add(session)
    _apply_fields(session, fmt, data)
    added = _apply_lineup(session, own, data)
    if submit or session.state is SessionState.submitted:
        problems = lineup_problems(fmt.kind, _active_parts(session), seat_capacity=session.seat_capacity)
        if problems:
            raise ProposalError(" ".join(problems), "lineup")
        if session.state is SessionState.draft:
            first_submission = True
            session.state = SessionState.submitted
            session.submitted_at = now
            session.submitted_by_id = user.id
    db.session.flush()  # ids for the answers and the signed links
    questions = call_rules.questions_for(event, QuestionTarget.proposal, fmt)
    call_rules.save_answers(questions, data.answers, session=session)
    if first_submission:
        invited = [p for p in session.speakers if p.invitation_state is InvitationState.invited]
        queue_event_mail(
            event,
            MailTemplateKind.acknowledgement,
            user.email,
            to_name=user.full_name,
            base_url=base_url(),
            locale=user.locale,
            session_title=session.title,
            proposal_url=proposal_url(session),
        )
        log_action("session.submitted", actor=user, event=event, target=session)
    elif session.state is SessionState.submitted:
        invited = added
        log_action("session.updated", actor=user, event=event, target=session)
    else:
        invited = []
        log_action("session.draft_saved", actor=user, event=event, target=session)
    for part in invited:
        _queue_invitation(part, user)
    return session


def withdraw(session: Session, user: User) -> None:
    """The submitter takes the proposal back, before the organisers' decision."""
    if session.submitted_by_id != user.id:
        raise ProposalError(_("Seule la personne qui a proposé la session peut la retirer."))
    if session.state is SessionState.withdrawn:
        return
    if session.state not in WITHDRAWABLE_STATES:
        raise ProposalError(
            _(
                "Cette proposition est à l'état « %(state)s » : elle ne peut plus être retirée ici. "
                "Écrivez à l'équipe organisatrice.",
                state=session.state.title,
            )
        )
    session.state = SessionState.withdrawn
    log_action("session.withdrawn", actor=user, event=session.event, target=session)


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
    part = db.session.get(SessionSpeaker, data["part"])
    if part is None or part.session.event_id != event.id or part.speaker.email != _normalise_email(data.get("email")):
        raise _gone_invitation()
    return part


def invitation_problem(part: SessionSpeaker) -> str | None:
    """Why the invitation can no longer be answered (French), or None."""
    if part.session.state not in ANSWERABLE_STATES:
        return _(
            "La session « %(title)s » est à l'état « %(state)s » : il n'y a plus de réponse à donner à cette "
            "invitation.",
            title=part.session.title,
            state=part.session.state.title,
        )
    return None


def accept_invitation(part: SessionSpeaker, user: User | None) -> tuple[User, bool]:
    """Accept an invitation; the link proves the address, so its account is found or created.

    `user` is the signed-in person, if any: it must be the invited address. Returns the account and
    whether the link may sign it in: only for the first answer to the invitation (one request wins,
    by a conditional UPDATE), when nobody is signed in, and only into an account the invitation alone
    could have made (see accounts.services.link_may_sign_in).
    """
    problem = invitation_problem(part)
    if problem:
        raise ProposalError(problem)
    profile = part.speaker
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
            .where(SessionSpeaker.id == part.id, SessionSpeaker.invitation_state == InvitationState.invited)
            .values(invitation_state=InvitationState.accepted)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    db.session.expire(part, ["invitation_state"])
    if first_answer or part.invitation_state is not InvitationState.accepted:  # or declined before, accepted now
        part.invitation_state = InvitationState.accepted
        log_action("invitation.accepted", actor=user, event=profile.event, target=part.session)
    sign_in = signed_out and first_answer and link_may_sign_in(user)
    if sign_in:
        record_login(user)
    return user, sign_in


def decline_invitation(part: SessionSpeaker, user: User | None) -> None:
    problem = invitation_problem(part)
    if problem:
        raise ProposalError(problem)
    if user is not None and user.email != part.speaker.email:
        raise ProposalError(_wrong_account_message(part.speaker.email))
    if part.invitation_state is not InvitationState.declined:
        part.invitation_state = InvitationState.declined
        log_action("invitation.declined", actor=user, event=part.session.event, target=part.session)


def _wrong_account_message(email: str) -> str:
    return _(
        "Cette invitation est adressée à %(email)s, mais vous êtes connecté·e avec un autre compte. "
        "Déconnectez-vous, puis ouvrez à nouveau le lien reçu par e-mail.",
        email=email,
    )


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
    part = part_of(session, user)
    return part is not None and part.invitation_state is not InvitationState.declined


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


# --- consents ------------------------------------------------------------------------------------


def set_consents(
    part: SessionSpeaker, *, recording: bool | None, replay: bool | None, now: datetime | None = None
) -> bool:
    """Record the speaker's two separate consents; returns whether they changed."""
    if recording is False:
        replay = False  # nothing recorded, nothing to publish
    if (part.recording_consent, part.replay_consent) == (recording, replay):
        return False
    part.recording_consent = recording
    part.replay_consent = replay
    part.consent_updated_at = now or utcnow()
    log_action(
        "consent.updated",
        actor=part.speaker.user,
        event=part.session.event,
        target=part.session,
        recording=recording,
        replay=replay,
    )
    return True


# --- the speaker's area --------------------------------------------------------------------------


@dataclass
class NextStep:
    label: str
    endpoint: str
    values: dict = field(default_factory=dict)


def next_steps(session: Session, user, profile: SpeakerProfile | None, now: datetime) -> list[NextStep]:
    """What the person should do next for this session, most urgent first (endpoints of this module)."""
    steps: list[NextStep] = []
    state = session.state
    part = part_of(session, user)
    if part is not None and part.invitation_state is InvitationState.declined:
        return steps
    if state is SessionState.draft and is_submitter(session, user):
        if editing_status(session, now)[0]:
            steps.append(
                NextStep(_("Terminer et envoyer la proposition"), "proposals.edit_proposal", {"session_id": session.id})
            )
        return steps
    if state in (SessionState.withdrawn, SessionState.rejected, SessionState.declined, SessionState.cancelled):
        return steps
    if state is SessionState.accepted:
        steps.append(
            NextStep(_("Confirmer votre participation"), "proposals.confirm", {"token": confirmation_token(session)})
        )
    if not profile_is_complete(profile):
        steps.append(NextStep(_("Compléter votre profil"), "proposals.profile"))
    if profile is not None and not profile.availabilities:
        steps.append(NextStep(_("Indiquer vos disponibilités"), "proposals.availability"))
    if part is not None and state in (SessionState.accepted, SessionState.confirmed) and part.recording_consent is None:
        steps.append(
            NextStep(_("Répondre pour l'enregistrement vidéo"), "proposals.consents", {"session_id": session.id})
        )
    return steps


def is_speaker_of(user, event) -> bool:
    """Whether this person has a speaker profile on the event (their area works before publication)."""
    if user is None or not user.is_authenticated:
        return False
    query = sa.select(SpeakerProfile.id).where(SpeakerProfile.event_id == event.id, SpeakerProfile.user_id == user.id)
    return db.session.scalar(query.limit(1)) is not None
