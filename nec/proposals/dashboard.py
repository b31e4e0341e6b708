"""The proposals' part of the organiser's dashboard (through nec.core.hooks): the call, the decisions and
reviews waiting, and what speakers still owe (answers to invitations, confirmations, availability).

A fixed number of queries whatever the event's size: counts are made by the database, and the lists
of sessions or people concerned are read in one query each and cut to a few lines.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from nec.accounts.models import EventRole, EventRoleKind, User
from nec.accounts.services import normalise_email
from nec.core.hooks import DashboardItem, DashboardPanel
from nec.events.models import Event
from nec.extensions import db
from nec.proposals.call import services as call_rules
from nec.proposals.models import (
    Availability,
    InvitationState,
    Review,
    ReviewCriterion,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
)
from nec.proposals.review import services as review

#: At most this many sessions or people are named under a line; the rest is counted.
DETAILS_SHOWN = 5
#: The sessions whose co-speakers' answers still matter (not drafts, not withdrawn, refused or cancelled).
LIVE_STATES = (SessionState.submitted, SessionState.accepted, SessionState.confirmed)
PROGRAMME_STATES = review.PROGRAMME_STATES


def panels(event: Event, now: datetime) -> list[DashboardPanel]:
    counts = _session_counts(event)
    return [_call_panel(event, now, counts), _review_panel(event, counts), _speakers_panel(event)]


def _session_counts(event: Event) -> Counter:
    """How many sessions per state, and how many awaiting a decision have one staged (one query)."""
    rows = db.session.execute(
        sa.select(Session.state, Session.staged_decision.is_not(None), sa.func.count(Session.id))
        .where(Session.event_id == event.id)
        .group_by(Session.state, Session.staged_decision.is_not(None))
    ).all()
    counts: Counter = Counter()
    for state, staged, n in rows:
        counts[state] += n
        if staged and state == SessionState.submitted:
            counts["staged"] += n
    return counts


def _details(entries: list[tuple[str, str | None]]) -> tuple[tuple[str, str | None], ...]:
    """The first few entries, and a last line counting the others."""
    shown = entries[:DETAILS_SHOWN]
    if len(entries) > DETAILS_SHOWN:
        rest = len(entries) - DETAILS_SHOWN
        shown.append((ngettext("… et %(num)d autre", "… et %(num)d autres", rest), None))
    return tuple(shown)


# --- the call ------------------------------------------------------------------------------------------


def _call_panel(event: Event, now: datetime, counts: Counter) -> DashboardPanel:
    call = call_rules.get_call(event)
    items: list[DashboardItem] = []
    if call is None or not call.formats:
        items.append(
            DashboardItem(
                _("L'appel à participation n'est pas prêt : choisissez ses formats et ses dates pour l'ouvrir."),
                "info",
                url=url_for("proposals_call.manage_call"),
                link_label=_("Préparer l'appel"),
            )
        )
    else:
        status = call_rules.call_status(call, event, None, now)
        items.append(DashboardItem(status.message, "ok" if status.is_open else "info"))
    received = sum(counts[state] for state in SessionState if state != SessionState.draft)
    drafts = counts[SessionState.draft]
    if received or drafts:
        text = ngettext("%(num)d proposition reçue", "%(num)d propositions reçues", received)
        if drafts:
            text += " · " + ngettext(
                "%(num)d brouillon pas encore envoyé", "%(num)d brouillons pas encore envoyés", drafts
            )
        items.append(DashboardItem(text, "info", count=received))
    return DashboardPanel(
        "call",
        _("Appel à participation"),
        tuple(items),
        url_for("proposals_call.manage_call"),
        _("Régler l'appel"),
    )


# --- decisions and reviews -----------------------------------------------------------------------------


def _review_panel(event: Event, counts: Counter) -> DashboardPanel:
    waiting = counts[SessionState.submitted]
    items: list[DashboardItem] = []
    if waiting:
        items.append(
            DashboardItem(
                ngettext(
                    "%(num)d proposition attend une décision",
                    "%(num)d propositions attendent une décision",
                    waiting,
                ),
                "action",
                count=waiting,
                url=url_for("proposals_review.proposals", show="todo"),
                link_label=_("Les voir"),
            )
        )
    else:
        items.append(DashboardItem(_("Aucune proposition n'attend de décision."), "ok", count=0))
    if counts["staged"]:
        items.append(
            DashboardItem(
                ngettext(
                    "%(num)d décision préparée n'est pas encore appliquée (les intervenant·es ne savent rien)",
                    "%(num)d décisions préparées ne sont pas encore appliquées (les intervenant·es ne savent rien)",
                    counts["staged"],
                ),
                "action",
                count=counts["staged"],
                url=url_for("proposals_review.decisions"),
                link_label=_("Appliquer les décisions"),
            )
        )
    if waiting:
        items.extend(_review_items(event, waiting))
    return DashboardPanel(
        "review",
        _("Propositions et relecture"),
        tuple(items),
        url_for("proposals_review.proposals"),
        _("Toutes les propositions"),
    )


def _review_items(event: Event, waiting: int) -> list[DashboardItem]:
    """Proposals awaiting a decision with no review, and what each reviewer has left to review (4 queries)."""
    open_ids = sa.select(Session.id).where(Session.event_id == event.id, Session.state == SessionState.submitted)
    reviews = db.session.execute(
        sa.select(Review.session_id, Review.reviewer_id).where(Review.session_id.in_(open_ids))
    )
    reviewed_by: dict[int, set[int]] = {}
    reviewed_sessions: set[int] = set()
    for session_id, reviewer_id in reviews:
        reviewed_by.setdefault(reviewer_id, set()).add(session_id)
        reviewed_sessions.add(session_id)
    items: list[DashboardItem] = []
    if not db.session.scalar(sa.select(sa.func.count(ReviewCriterion.id)).where(ReviewCriterion.event_id == event.id)):
        items.append(
            DashboardItem(
                _("Aucun critère d'évaluation : les relecteur·rices ne peuvent pas encore noter."),
                "warning",
                url=url_for("proposals_review.criteria"),
                link_label=_("Définir les critères"),
            )
        )
    unreviewed = waiting - len(reviewed_sessions)
    if unreviewed:
        items.append(
            DashboardItem(
                ngettext(
                    "%(num)d proposition en attente n'a encore aucune évaluation",
                    "%(num)d propositions en attente n'ont encore aucune évaluation",
                    unreviewed,
                ),
                "warning",
                count=unreviewed,
            )
        )
    reviewers = db.session.execute(
        sa.select(User.id, User.full_name, User.email)
        .join(EventRole, EventRole.user_id == User.id)
        .where(EventRole.event_id == event.id, EventRole.role == EventRoleKind.reviewer)
        .order_by(User.full_name, User.id)
    ).all()
    if not reviewers:
        items.append(
            DashboardItem(
                _("Personne ne relit les propositions : invitez des relecteur·rices dans l'équipe."),
                "info",
                url=url_for("accounts.team"),
                link_label=_("Équipe"),
            )
        )
        return items
    own = _own_sessions(event, {r.id for r in reviewers}, {normalise_email(r.email): r.id for r in reviewers})
    to_do = [
        (r.full_name or r.email, waiting - len(reviewed_by.get(r.id, set()) | own.get(r.id, set()))) for r in reviewers
    ]
    late = [(name, n) for name, n in to_do if n > 0]
    if late:
        total = sum(n for _name, n in late)
        items.append(
            DashboardItem(
                ngettext(
                    "%(num)d évaluation attendue des relecteur·rices",
                    "%(num)d évaluations attendues des relecteur·rices",
                    total,
                ),
                "warning",
                count=total,
                details=_details(
                    [
                        (ngettext("%(name)s : %(num)d à évaluer", "%(name)s : %(num)d à évaluer", n, name=name), None)
                        for name, n in late
                    ]
                ),
            )
        )
    return items


def _own_sessions(event: Event, user_ids: set[int], by_email: dict[str, int]) -> dict[int, set[int]]:
    """Per reviewer, the sessions awaiting a decision they proposed or speak in (they do not review them)."""
    own: dict[int, set[int]] = {}
    rows = db.session.execute(
        sa.select(Session.id, Session.submitted_by_id, SpeakerProfile.user_id, SpeakerProfile.email)
        .outerjoin(SessionSpeaker, SessionSpeaker.session_id == Session.id)
        .outerjoin(SpeakerProfile, SpeakerProfile.id == SessionSpeaker.speaker_id)
        .where(Session.event_id == event.id, Session.state == SessionState.submitted)
    )
    for session_id, submitter_id, profile_user_id, email in rows:
        for user_id in (submitter_id, profile_user_id, by_email.get(normalise_email(email or ""))):
            if user_id in user_ids:
                own.setdefault(user_id, set()).add(session_id)
    return own


# --- what speakers still owe ---------------------------------------------------------------------------


def _speakers_panel(event: Event) -> DashboardPanel:
    items = _invitation_items(event) + _programme_speaker_items(event)
    if not items:
        items = [DashboardItem(_("Les intervenant·es n'ont rien en attente."), "ok")]
    return DashboardPanel(
        "speakers",
        _("Intervenant·es"),
        tuple(items),
        url_for("proposals_review.decisions", _anchor="reminders"),
        _("Relancer les intervenant·es"),
    )


def _invitation_items(event: Event) -> list[DashboardItem]:
    """Co-speakers who have not answered, or declined, in sessions that still count (one query)."""
    rows = db.session.execute(
        sa.select(Session.id, Session.title, SpeakerProfile.full_name, SessionSpeaker.invitation_state)
        .join(SessionSpeaker, SessionSpeaker.session_id == Session.id)
        .join(SpeakerProfile, SpeakerProfile.id == SessionSpeaker.speaker_id)
        .where(
            Session.event_id == event.id,
            Session.state.in_(LIVE_STATES),
            SessionSpeaker.invitation_state.in_((InvitationState.invited, InvitationState.declined)),
        )
        .order_by(Session.title, Session.id, SessionSpeaker.position)
    ).all()
    invited = [row for row in rows if row.invitation_state == InvitationState.invited]
    declined = [row for row in rows if row.invitation_state == InvitationState.declined]
    items = []
    if invited:
        text = ngettext(
            "%(num)d co-intervenant·e n'a pas répondu à son invitation",
            "%(num)d co-intervenant·es n'ont pas répondu à leur invitation",
            len(invited),
        )
        items.append(DashboardItem(text, "warning", count=len(invited), details=_people_in_sessions(invited)))
    if declined:
        text = ngettext(
            "%(num)d co-intervenant·e a décliné son invitation : sa session compte une personne de moins",
            "%(num)d co-intervenant·es ont décliné leur invitation : leurs sessions comptent moins de personnes",
            len(declined),
        )
        items.append(DashboardItem(text, "warning", count=len(declined), details=_people_in_sessions(declined)))
    return items


def _people_in_sessions(rows) -> tuple[tuple[str, str | None], ...]:
    return _details(
        [
            (
                _("%(name)s, « %(title)s »", name=row.full_name, title=row.title),
                url_for("proposals_review.proposal", session_id=row.id),
            )
            for row in rows
        ]
    )


def _programme_speaker_items(event: Event) -> list[DashboardItem]:
    """Accepted sessions not confirmed yet, and speakers of the programme without availability (2 queries)."""
    unconfirmed = db.session.execute(
        sa.select(Session.id, Session.title)
        .where(Session.event_id == event.id, Session.state == SessionState.accepted)
        .order_by(Session.title, Session.id)
    ).all()
    items = []
    reminders = url_for("proposals_review.decisions", _anchor="reminders")
    if unconfirmed:
        items.append(
            DashboardItem(
                ngettext(
                    "%(num)d session acceptée n'est pas encore confirmée par ses intervenant·es",
                    "%(num)d sessions acceptées ne sont pas encore confirmées par leurs intervenant·es",
                    len(unconfirmed),
                ),
                "action",
                count=len(unconfirmed),
                url=reminders,
                link_label=_("Relancer"),
                details=_details(
                    [(row.title, url_for("proposals_review.proposal", session_id=row.id)) for row in unconfirmed]
                ),
            )
        )
    without = db.session.scalars(
        sa.select(SpeakerProfile.full_name)
        .where(
            SpeakerProfile.id.in_(review.programme_speaker_ids(event)),
            ~sa.exists().where(Availability.speaker_id == SpeakerProfile.id),
        )
        .order_by(SpeakerProfile.full_name, SpeakerProfile.id)
    ).all()
    if without:
        items.append(
            DashboardItem(
                ngettext(
                    "%(num)d intervenant·e du programme n'a pas donné ses disponibilités",
                    "%(num)d intervenant·es du programme n'ont pas donné leurs disponibilités",
                    len(without),
                ),
                "warning",
                count=len(without),
                url=reminders,
                link_label=_("Relancer"),
                details=_details([(name, None) for name in without]),
            )
        )
    return items
