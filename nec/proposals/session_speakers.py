"""The rules of an NEC about a session's speakers (SessionSpeaker rows), shared by every feature of proposals:
the roles each kind of session offers, how many people it takes, and the data of one speaker typed in a form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from nec.events.models import FormatKind
from nec.proposals.models import InvitationState, SpeakerRole

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


def _role_of(session_speaker) -> SpeakerRole:
    if isinstance(session_speaker, tuple):  # (role, anything)
        session_speaker = session_speaker[0]
    return SpeakerRole(session_speaker if isinstance(session_speaker, str) else session_speaker.role)


NOT_CHECKED = object()


def session_speaker_problems(
    format_kind: FormatKind, session_speakers: Iterable, *, seat_capacity=NOT_CHECKED
) -> list[str]:
    """What the lineup breaks of the format's rules, as French sentences (empty: the lineup is fine).

    `parts` are SpeakerRole values, (role, anything) pairs or objects with a `role` (SessionSpeaker
    rows, SessionSpeakerData). A workshop also needs a seat capacity: pass `seat_capacity` to check it too.
    """
    kind = FormatKind(format_kind)
    roles = [_role_of(p) for p in session_speakers]
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
        if seat_capacity is not NOT_CHECKED and (not seat_capacity or seat_capacity <= 0):
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


@dataclass(frozen=True)
class SessionSpeakerData:
    """One person of a session (a SessionSpeaker to be): typed in the proposal form, the organisers' form or a file."""

    full_name: str
    email: str
    role: SpeakerRole


# --- the format's speaker count, as a warning ------------------------------------------------------

# For each kind of session: the roles counted and how many of them the format asks (None: no maximum).
SPEAKER_COUNT_RULES: dict[FormatKind, tuple[tuple[SpeakerRole, ...], int, int | None]] = {
    FormatKind.round_table: ((SpeakerRole.panelist,), MIN_PANELISTS, MAX_PANELISTS),
    FormatKind.workshop: ((SpeakerRole.facilitator,), 1, None),
    FormatKind.talk: ((SpeakerRole.speaker,), 1, 2),
    FormatKind.plenary: ((SpeakerRole.speaker,), 1, None),
}


def speaker_count_range(kind: FormatKind) -> tuple[int, int | None]:
    """How many speakers (in the counted roles) the kind of session asks: (minimum, maximum or None)."""
    _roles, minimum, maximum = SPEAKER_COUNT_RULES[FormatKind(kind)]
    return minimum, maximum


def taking_part(session) -> list:
    """The session's speakers who have not declined (invited ones still count: they may accept)."""
    return [part for part in session.speakers if part.invitation_state != InvitationState.declined]


def declined(session) -> list:
    """The session's speakers who declined their invitation."""
    return [part for part in session.speakers if part.invitation_state == InvitationState.declined]


def speaker_count(session) -> int:
    """How many of the session's speakers taking part count for its format's rule (a round table: its panelists)."""
    kind = FormatKind(session.format.kind)
    if kind is FormatKind.talk:  # a talk counts everyone, whatever their role
        return len(taking_part(session))
    roles = SPEAKER_COUNT_RULES[kind][0]
    return sum(1 for part in taking_part(session) if SpeakerRole(part.role) in roles)


def speaker_range_text(kind: FormatKind) -> str:
    """What the kind of session asks, in French: "de 2 à 5 intervenant·es", "au moins 1 intervenant·e"."""
    minimum, maximum = speaker_count_range(kind)
    if maximum is None:
        return ngettext("au moins %(num)d intervenant·e", "au moins %(num)d intervenant·es", minimum)
    return _("de %(min)d à %(max)d intervenant·es", min=minimum, max=maximum)


def speaker_count_warning(session) -> str | None:
    """Whether the session's speakers (those taking part) break its format's count, as a French sentence.

    E.g. "Table ronde : 2 à 5 intervenant·es attendu·es, 1 seul·e prévu·e". None when the count is fine.
    `session` needs its format and speakers loaded. A session with nobody listed at all (one the organisers
    programmed without entering its people yet) is not checked: there is no lineup to compare.
    """
    if not session.speakers:
        return None
    minimum, maximum = speaker_count_range(session.format.kind)
    count = speaker_count(session)
    if minimum <= count and (maximum is None or count <= maximum):
        return None
    if maximum is None:
        expected = ngettext(
            "au moins %(num)d intervenant·e attendu·e", "au moins %(num)d intervenant·es attendu·es", minimum
        )
    else:
        expected = _("%(min)d à %(max)d intervenant·es attendu·es", min=minimum, max=maximum)
    if count == 0:
        found = _("aucun·e prévu·e")
    elif count == 1:
        found = _("1 seul·e prévu·e")
    else:
        found = ngettext("%(num)d prévu·e", "%(num)d prévu·es", count)
    return _("%(format)s : %(expected)s, %(found)s", format=session.format.name, expected=expected, found=found)
