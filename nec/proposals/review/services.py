"""Review and decisions: criteria, reviewers' scores, the organisers' table, staged decisions and their mails.

Plain functions that add to db.session and write the audit log; the caller commits once. A change
that cannot be made raises ReviewError before touching anything, with a French message.

How a proposal's score is computed (explained to organisers on the proposals page):
- each review gets a weighted total from 0 to 100: the sum over its criteria of score / max × weight,
  divided by the sum of those criteria's weights, times 100 (criteria left unscored do not count);
- a proposal's mean and median are those of its reviews' weighted totals.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from nec.accounts.models import EventRoleKind, User
from nec.accounts.permissions import has_event_role
from nec.accounts.services import mail_locales, normalise_email
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.errors import UserError
from nec.core.links import external_url
from nec.core.mail_templates import queue_event_mail
from nec.core.text import fold
from nec.core.web import parse_id
from nec.events.models import Event, SessionFormat, Theme
from nec.extensions import db
from nec.proposals.call.services import get_call
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import (
    Availability,
    Call,
    Decision,
    InvitationState,
    Review,
    ReviewCriterion,
    ReviewScore,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
)
from nec.proposals.speaker.confirmation import confirmation_url

#: Reviewers see these proposals; only `submitted` ones can still be scored and decided.
REVIEW_STATES = (
    SessionState.submitted,
    SessionState.accepted,
    SessionState.rejected,
    SessionState.confirmed,
    SessionState.declined,
)
#: The organisers' table shows every proposal but drafts (not proposed yet).
TABLE_STATES = tuple(s for s in SessionState if s != SessionState.draft)
#: Sessions of the programme-to-be, whose speakers get profile and availability reminders.
PROGRAMME_STATES = (SessionState.accepted, SessionState.confirmed)

MAX_COMMENT_LENGTH = 5000


class ReviewError(UserError):
    """An action that cannot be done; `message` (French) says why and what to do, `field` where."""


# --- the call's review settings ------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewSettings:
    blind_review: bool = False
    reviews_visible_after_own: bool = True


def review_settings(event: Event) -> ReviewSettings:
    """The call's settings, or the defaults when the event has no call yet (not blind, visible after own)."""
    call: Call | None = get_call(event)
    if call is None:
        return ReviewSettings()
    return ReviewSettings(call.blind_review, call.reviews_visible_after_own)


# --- criteria ------------------------------------------------------------------------------------


def list_criteria(event: Event) -> list[ReviewCriterion]:
    query = sa.select(ReviewCriterion).where(ReviewCriterion.event_id == event.id)
    return list(db.session.scalars(query.order_by(ReviewCriterion.position, ReviewCriterion.id)))


def get_criterion(event: Event, criterion_id: int) -> ReviewCriterion | None:
    criterion = db.session.get(ReviewCriterion, criterion_id)
    return criterion if criterion is not None and criterion.event_id == event.id else None


def _criterion_fields(event, criterion, name, description, max_score, weight) -> dict:
    name = (name or "").strip()
    if not name:
        raise ReviewError(_("Indiquez le nom du critère."), "name")
    if len(name) > 120:
        raise ReviewError(_("Le nom du critère ne doit pas dépasser 120 caractères."), "name")
    taken = sa.select(ReviewCriterion.id).where(
        ReviewCriterion.event_id == event.id, sa.func.lower(ReviewCriterion.name) == name.lower()
    )
    if criterion is not None:
        taken = taken.where(ReviewCriterion.id != criterion.id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise ReviewError(_("Un critère s'appelle déjà « %(name)s ». Choisissez un autre nom.", name=name), "name")
    if max_score is None or not 1 <= max_score <= 10:
        raise ReviewError(_("La note maximale doit être un nombre entre 1 et 10."), "max_score")
    if weight is None or not 1 <= weight <= 10:
        raise ReviewError(_("Le poids doit être un nombre entre 1 et 10."), "weight")
    description = (description or "").strip()
    if len(description) > 600:
        raise ReviewError(_("La description ne doit pas dépasser 600 caractères."), "description")
    return {"name": name, "description": description, "max_score": max_score, "weight": weight}


def add_criterion(
    event: Event, actor: User, *, name: str, description: str = "", max_score: int = 5, weight: int = 1
) -> ReviewCriterion:
    fields = _criterion_fields(event, None, name, description, max_score, weight)
    last = db.session.scalar(
        sa.select(sa.func.max(ReviewCriterion.position)).where(ReviewCriterion.event_id == event.id)
    )
    criterion = ReviewCriterion(event_id=event.id, position=(last + 1) if last is not None else 0, **fields)
    db.session.add(criterion)
    db.session.flush()
    log_action("review_criterion.added", actor=actor, event=event, target=criterion, name=criterion.name)
    return criterion


def update_criterion(
    criterion: ReviewCriterion, actor: User, *, name: str, description: str = "", max_score: int, weight: int
) -> ReviewCriterion:
    event = db.session.get(Event, criterion.event_id)
    fields = _criterion_fields(event, criterion, name, description, max_score, weight)
    highest = db.session.scalar(
        sa.select(sa.func.max(ReviewScore.value)).where(ReviewScore.criterion_id == criterion.id)
    )
    if highest is not None and highest > fields["max_score"]:
        raise ReviewError(
            _(
                "Des notes déjà données à ce critère vont jusqu'à %(highest)d. "
                "Choisissez une note maximale d'au moins %(highest)d.",
                highest=highest,
            ),
            "max_score",
        )
    for key, value in fields.items():
        setattr(criterion, key, value)
    log_action("review_criterion.updated", actor=actor, event=event, target=criterion, **fields)
    return criterion


def count_scores(criterion: ReviewCriterion) -> int:
    return db.session.scalar(sa.select(sa.func.count(ReviewScore.id)).where(ReviewScore.criterion_id == criterion.id))


def delete_criterion(criterion: ReviewCriterion, actor: User) -> None:
    """Deletes the criterion and the scores given to it (the reviews themselves stay)."""
    event = db.session.get(Event, criterion.event_id)
    db.session.execute(
        sa.delete(ReviewScore)
        .where(ReviewScore.criterion_id == criterion.id)
        .execution_options(synchronize_session="fetch")
    )
    log_action("review_criterion.deleted", actor=actor, event=event, target=criterion, name=criterion.name)
    db.session.delete(criterion)


def move_criterion(criterion: ReviewCriterion, actor: User, direction: str) -> bool:
    """Swap with the neighbour (up or down) and number every position 0..n-1; False at an end."""
    siblings = list(
        db.session.scalars(
            sa.select(ReviewCriterion)
            .where(ReviewCriterion.event_id == criterion.event_id)
            .order_by(ReviewCriterion.position, ReviewCriterion.id)
        )
    )
    index = siblings.index(criterion)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
    log_action(
        "review_criterion.moved",
        actor=actor,
        event=db.session.get(Event, criterion.event_id),
        target=criterion,
        direction=direction,
    )
    return True


# --- reviewers -----------------------------------------------------------------------------------


def can_review(user, event: Event) -> bool:
    return has_event_role(user, event, EventRoleKind.reviewer, EventRoleKind.organiser)


def _speaker_session_ids(user, event: Event) -> set[int]:
    """Sessions of this event the person proposed or speaks in (they may not review those).

    A speaker is matched by account and by address: a co-speaker named by e-mail who has not accepted
    (or not yet claimed the profile) is this person as much as an accepted one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    spoken = (
        sa.select(SessionSpeaker.session_id)
        .join(SpeakerProfile, SpeakerProfile.id == SessionSpeaker.speaker_id)
        .where(
            SpeakerProfile.event_id == event.id,
            sa.or_(SpeakerProfile.user_id == user.id, SpeakerProfile.email == normalise_email(user.email)),
        )
    )
    query = sa.select(Session.id).where(
        Session.event_id == event.id, sa.or_(Session.submitted_by_id == user.id, Session.id.in_(spoken))
    )
    return set(db.session.scalars(query))


def is_speaker_of(user, session: Session) -> bool:
    return session.id in _speaker_session_ids(user, session.event)


@dataclass
class ReviewerRow:
    session: Session
    reviewed: bool
    own_proposal: bool

    @property
    def open(self) -> bool:
        return self.session.state == SessionState.submitted

    @property
    def to_do(self) -> bool:
        """This reviewer still has to review it: awaiting a decision, not reviewed, not their own."""
        return self.open and not self.reviewed and not self.own_proposal


def reviewer_list(event: Event, reviewer: User) -> list[ReviewerRow]:
    """The proposals a reviewer sees, the ones left to review first, then oldest first (5 queries)."""
    sessions = db.session.scalars(
        sa.select(Session)
        .where(Session.event_id == event.id, Session.state.in_(REVIEW_STATES))
        .options(
            selectinload(Session.format),
            selectinload(Session.theme),
            selectinload(Session.speakers).selectinload(SessionSpeaker.speaker),
        )
        .order_by(Session.submitted_at.is_(None), Session.submitted_at, Session.id)
    ).all()
    reviewed = set(
        db.session.scalars(
            sa.select(Review.session_id)
            .join(Session, Session.id == Review.session_id)
            .where(Session.event_id == event.id, Review.reviewer_id == reviewer.id)
        )
    )
    own = _speaker_session_ids(reviewer, event)
    rows = [ReviewerRow(s, s.id in reviewed, s.id in own) for s in sessions]
    return sorted(rows, key=lambda row: not row.to_do)  # stable: arrival order within each group


def get_reviewable(event: Event, session_id: int) -> Session | None:
    """A proposal reviewers may open (None: not this event's, or not proposed)."""
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id or session.state not in REVIEW_STATES:
        return None
    return session


def get_review(session: Session, reviewer: User) -> Review | None:
    return db.session.scalar(
        sa.select(Review)
        .where(Review.session_id == session.id, Review.reviewer_id == reviewer.id)
        .options(selectinload(Review.scores))
    )


def reviews_of(session: Session) -> list[Review]:
    """Every review of a proposal, with its scores and reviewer, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Review)
            .where(Review.session_id == session.id)
            .options(selectinload(Review.scores), selectinload(Review.reviewer))
            .order_by(Review.created_at, Review.id)
        )
    )


def others_visible(settings: ReviewSettings, *, has_own_review: bool, is_organiser: bool) -> bool:
    """May this person read the other reviews of a proposal?"""
    return is_organiser or has_own_review or not settings.reviews_visible_after_own


def save_review(session: Session, reviewer: User, scores: dict[int, int | None], comment: str = "") -> Review:
    """Create or update the reviewer's review: one score per criterion (0..max) and a comment."""
    if is_speaker_of(reviewer, session):
        raise ReviewError(_("Vous ne pouvez pas évaluer une proposition dont vous êtes intervenant·e."))
    if session.state != SessionState.submitted:
        raise ReviewError(_("La décision sur cette proposition est prise : son évaluation ne peut plus être modifiée."))
    criteria = list_criteria(session.event)
    if not criteria:
        raise ReviewError(_("L'équipe organisatrice n'a pas encore défini de critères d'évaluation."))
    for criterion in criteria:
        value = scores.get(criterion.id)
        if value is None or not 0 <= value <= criterion.max_score:
            raise ReviewError(
                _(
                    "Donnez au critère « %(name)s » une note entière de 0 à %(max)d.",
                    name=criterion.name,
                    max=criterion.max_score,
                ),
                f"c_{criterion.id}",
            )
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ReviewError(
            _("Le commentaire ne doit pas dépasser %(max)d caractères.", max=MAX_COMMENT_LENGTH), "comment"
        )
    review = get_review(session, reviewer)
    created = review is None
    if created:
        review = Review(session_id=session.id, reviewer_id=reviewer.id, scores=[])
        db.session.add(review)
    review.comment = comment
    review.updated_at = utcnow()
    existing = {score.criterion_id: score for score in review.scores}
    for criterion in criteria:
        if criterion.id in existing:
            existing[criterion.id].value = scores[criterion.id]
        else:
            review.scores.append(ReviewScore(criterion_id=criterion.id, value=scores[criterion.id]))
    db.session.flush()
    log_action(
        "review.created" if created else "review.updated",
        actor=reviewer,
        event=session.event,
        target=review,
        session_id=session.id,
    )
    return review


def review_total(review: Review, criteria_by_id: dict[int, ReviewCriterion]) -> float | None:
    """A review's weighted total on 0–100 (None when it has no score), as on the proposals page."""
    points = weights = 0.0
    for score in review.scores:
        criterion = criteria_by_id.get(score.criterion_id)
        if criterion is None:
            continue
        points += score.value / criterion.max_score * criterion.weight
        weights += criterion.weight
    return 100 * points / weights if weights else None


# --- the organisers' table -----------------------------------------------------------------------


# --- filtering the lists of proposals (reviewers' and organisers') ----------------------------------

SHOW_CHOICES = ("all", "todo")
MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True)
class ProposalFilter:
    """What a list of proposals is filtered by (from the query string, already checked): a state, a
    format, a theme, only the ones to do ("todo") or all, words of the title or of a speaker's name."""

    state: SessionState | None = None
    format_id: int | None = None
    theme_id: int | None = None
    show: str = "all"
    q: str = ""

    @staticmethod
    def checked(states, *, state, format_id, theme_id, show, q) -> dict:
        """The filter's fields from the query string's values; unknown or malformed ones mean no filter."""
        return {
            "state": SessionState(state) if state in {s.value for s in states} else None,
            "format_id": parse_id(format_id),
            "theme_id": parse_id(theme_id),
            "show": show if show in SHOW_CHOICES else "all",
            "q": " ".join(str(q or "").split())[:MAX_SEARCH_LENGTH],
        }

    @classmethod
    def parse(cls, args, states=REVIEW_STATES) -> ProposalFilter:
        """Read state / format / theme / show / q from a query string."""
        return cls(
            **cls.checked(
                states,
                state=args.get("state", ""),
                format_id=args.get("format"),
                theme_id=args.get("theme"),
                show=args.get("show", "all"),
                q=args.get("q", ""),
            )
        )

    def filter_args(self) -> dict[str, str]:
        return {
            "state": self.state.value if self.state else "",
            "format": self.format_id or "",
            "theme": self.theme_id or "",
            "show": self.show if self.show != "all" else "",
            "q": self.q,
        }

    def args(self, **changes) -> dict[str, str]:
        """The query string of this view of the list (with changes), for links and redirects."""
        values = {**self.filter_args(), **changes}
        return {k: str(v) for k, v in values.items() if v not in ("", None)}

    @property
    def is_filtered(self) -> bool:
        return bool(self.state or self.format_id or self.theme_id or self.show != "all" or self.q)


@dataclass
class Facets:
    """How many proposals each choice of a filter would show, the other filters kept (for the labels)."""

    total: int = 0
    shown: int = 0
    show: dict[str, int] = field(default_factory=dict)
    states: dict[SessionState, int] = field(default_factory=dict)
    formats: dict[int, int] = field(default_factory=dict)
    themes: dict[int, int] = field(default_factory=dict)


def _searchable(session: Session, with_speakers: bool) -> str:
    names = " ".join(part.speaker.full_name for part in session.speakers) if with_speakers else ""
    submitter = session.submitted_by.full_name if with_speakers and session.submitted_by else ""
    return fold(f"{session.title} {names} {submitter}")


def filter_rows(rows: list, flt: ProposalFilter, *, search_speakers: bool) -> tuple[list, Facets]:
    """The rows `flt` keeps (in their order) and the counts of each filter's choices.

    A row has `.session` and `.to_do`. The search finds every word of `flt.q`, whatever the accents
    and the case, in the title, and in the speakers' and submitter's names when `search_speakers`
    (not for reviewers of a blind review: they must not find out who proposed what)."""
    words = fold(flt.q).split()
    texts = {id(row): _searchable(row.session, search_speakers) for row in rows} if words else {}

    def keeps(row, skip: str | None = None) -> bool:
        s = row.session
        return (
            (skip == "state" or flt.state is None or s.state == flt.state)
            and (skip == "format" or flt.format_id is None or s.format_id == flt.format_id)
            and (skip == "theme" or flt.theme_id is None or s.theme_id == flt.theme_id)
            and (skip == "show" or flt.show == "all" or row.to_do)
            and all(word in texts[id(row)] for word in words)
        )

    kept = [row for row in rows if keeps(row)]
    facets = Facets(total=len(rows), shown=len(kept))
    for dimension, counter, value in (
        ("state", facets.states, lambda r: r.session.state),
        ("format", facets.formats, lambda r: r.session.format_id),
        ("theme", facets.themes, lambda r: r.session.theme_id),
    ):
        for row in rows:
            if keeps(row, dimension):
                counter[value(row)] = counter.get(value(row), 0) + 1
    others = [row for row in rows if keeps(row, "show")]
    facets.show = {"all": len(others), "todo": sum(1 for row in others if row.to_do)}
    return kept, facets


@dataclass
class ProposalRow:
    session: Session
    review_count: int = 0
    totals: list[float] = field(default_factory=list)

    @property
    def to_do(self) -> bool:
        """For the organisers: the proposal awaits a decision."""
        return self.session.state == SessionState.submitted

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.totals) if self.totals else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.totals) if self.totals else None


SORT_KEYS = {
    "title": lambda r: r.session.title.casefold(),
    "format": lambda r: r.session.format.name.casefold(),
    "theme": lambda r: r.session.theme.name.casefold() if r.session.theme else None,
    "state": lambda r: r.session.state.title.casefold(),
    "reviews": lambda r: r.review_count,
    "mean": lambda r: r.mean,
    "median": lambda r: r.median,
    "decision": lambda r: r.session.staged_decision.title.casefold() if r.session.staged_decision else None,
    "submitted": lambda r: r.session.submitted_at,
}


def _to_do_first(row: ProposalRow):
    """Waiting for a decision first, then in arrival order (sessions programmed directly last)."""
    submitted = row.session.submitted_at
    return (not row.to_do, submitted is None, submitted.timestamp() if submitted else 0.0)


SORT_KEYS["todo"] = _to_do_first


@dataclass(frozen=True)
class TableQuery(ProposalFilter):
    """What the organiser asked of the table (from the query string, already checked)."""

    sort: str = "todo"
    descending: bool = False

    @classmethod
    def parse(cls, args, states=TABLE_STATES) -> TableQuery:
        """Read sort / order and the filters; unknown values fall back to the defaults."""
        sort = args.get("sort", "todo")
        return cls(
            sort=sort if sort in SORT_KEYS else "todo",
            descending=args.get("order") == "desc",
            **cls.checked(
                states,
                state=args.get("state", ""),
                format_id=args.get("format"),
                theme_id=args.get("theme"),
                show=args.get("show", "all"),
                q=args.get("q", ""),
            ),
        )

    def args(self, **changes) -> dict[str, str]:
        """The query string of this view of the table (with changes), for links and redirects."""
        values = {
            "sort": self.sort if self.sort != "todo" else "",
            "order": "desc" if self.descending else "",
            **self.filter_args(),
        }
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in ("", None)}


def proposal_table(event: Event, query: TableQuery = TableQuery()) -> list[ProposalRow]:
    """The proposals the query keeps, sorted, with their review count, mean and median."""
    return table_view(event, query)[0]


def table_view(event: Event, query: TableQuery = TableQuery()) -> tuple[list[ProposalRow], Facets]:
    """`proposal_table` and the counts of the filters' choices.

    Five queries whatever the size: every proposal is read once, and filtered and counted here."""
    sessions_query = (
        sa.select(Session)
        .where(Session.event_id == event.id, Session.state.in_(TABLE_STATES))
        .options(
            selectinload(Session.format),
            selectinload(Session.theme),
            selectinload(Session.submitted_by),
            selectinload(Session.speakers).selectinload(SessionSpeaker.speaker),
        )
    )
    rows = {s.id: ProposalRow(s) for s in db.session.scalars(sessions_query.order_by(Session.id))}
    for session_id, total in _review_totals(event):
        row = rows.get(session_id)
        if row is None:
            continue
        row.review_count += 1
        if total is not None:
            row.totals.append(float(total))
    kept, facets = filter_rows(list(rows.values()), query, search_speakers=True)
    return sort_rows(kept, query.sort, query.descending), facets


def _review_totals(event: Event):
    """(session id, weighted total 0-100 or None) per review of the event, computed by the database."""
    weighted = sa.func.sum(sa.cast(ReviewScore.value, sa.Float) / ReviewCriterion.max_score * ReviewCriterion.weight)
    weights = sa.func.sum(ReviewCriterion.weight)
    total = sa.case((weights > 0, 100 * weighted / weights), else_=None)
    query = (
        sa.select(Review.session_id, total)
        .join(Session, Session.id == Review.session_id)
        .outerjoin(ReviewScore, ReviewScore.review_id == Review.id)
        .outerjoin(ReviewCriterion, ReviewCriterion.id == ReviewScore.criterion_id)
        .where(Session.event_id == event.id)
        .group_by(Review.id, Review.session_id)
    )
    return db.session.execute(query).all()


def sort_rows(rows: list[ProposalRow], sort: str, descending: bool) -> list[ProposalRow]:
    """Sort by a column; rows without a value (no review, no theme) always come last."""
    key = SORT_KEYS.get(sort, SORT_KEYS["todo"])
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    present.sort(key=lambda r: (key(r), r.session.id), reverse=descending)
    return present + missing


def table_filters(event: Event) -> tuple[list[SessionFormat], list[Theme]]:
    formats = db.session.scalars(
        sa.select(SessionFormat).where(SessionFormat.event_id == event.id).order_by(SessionFormat.id)
    ).all()
    themes = db.session.scalars(
        sa.select(Theme).where(Theme.event_id == event.id).order_by(Theme.position, Theme.id)
    ).all()
    return list(formats), list(themes)


def get_proposal(event: Event, session_id: int) -> Session | None:
    """A proposal of this event for the organisers (drafts are not proposals yet)."""
    session = db.session.get(Session, session_id)
    if session is None or session.event_id != event.id or session.state == SessionState.draft:
        return None
    return session


# --- staged decisions ----------------------------------------------------------------------------


@dataclass
class StagingReport:
    changed: int = 0
    skipped: int = 0


def stage_decisions(event: Event, actor: User, session_ids, decision: Decision | None) -> StagingReport:
    """Prepare (or with None, cancel) a decision for some proposals; only `submitted` ones can be decided."""
    ids = {i for i in (parse_id(v) for v in session_ids) if i is not None}
    if not ids:
        raise ReviewError(_("Cochez au moins une proposition dans le tableau, puis choisissez l'action."))
    sessions = db.session.scalars(sa.select(Session).where(Session.event_id == event.id, Session.id.in_(ids))).all()
    report = StagingReport(skipped=len(ids) - len(sessions))
    for session in sessions:
        if session.state != SessionState.submitted:
            report.skipped += 1
            continue
        if session.staged_decision != decision:
            session.staged_decision = decision
            report.changed += 1
    if report.changed:
        log_action(
            "decisions.staged",
            actor=actor,
            event=event,
            decision=decision.value if decision else None,
            sessions=sorted(s.id for s in sessions if s.state == SessionState.submitted),
        )
    return report


def stage_decision(session: Session, actor: User, decision: Decision | None) -> None:
    """One proposal's staged decision, from its page."""
    if session.state != SessionState.submitted:
        raise ReviewError(
            _(
                "Seule une proposition en attente de décision peut recevoir une décision (celle-ci est « %(state)s »).",
                state=session.state.title,
            )
        )
    stage_decisions(session.event, actor, [session.id], decision)


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str
    user_id: int | None = None  # their account, whose language the mail is written in
    is_submitter: bool = False  # the person who proposed the session (the others take part in it)


def recipient_locales(recipients) -> dict[str, str]:
    """The language to write in to each recipient, keyed by address (one query)."""
    return mail_locales((r.address, r.user_id) for r in recipients)


def recipients_of(session: Session) -> list[Recipient]:
    """Who hears about a session: its speakers with an e-mail (not those who declined the invitation),
    and the person who proposed it; each address once."""
    seen: dict[str, Recipient] = {}
    for session_speaker in session.speakers:
        if session_speaker.invitation_state == InvitationState.declined:
            continue
        email = (session_speaker.speaker.email or "").strip().lower()
        if email and email not in seen:
            seen[email] = Recipient(email, session_speaker.speaker.full_name, session_speaker.speaker.user_id)
    submitter = session.submitted_by
    if submitter is not None and submitter.email:
        seen[submitter.email.lower()] = Recipient(submitter.email.lower(), submitter.full_name, submitter.id, True)
    return list(seen.values())


# The decision mails, worded for the submitter ("Votre proposition") or for a co-speaker ("La proposition
# soumise par ..., à laquelle vous participez"): each wording is a kind the organisers may edit.
CO_SPEAKER_KINDS = {
    MailTemplateKind.accepted: MailTemplateKind.accepted_co_speaker,
    MailTemplateKind.rejected: MailTemplateKind.rejected_co_speaker,
}


def _with_recipients(query):
    return query.options(
        selectinload(Session.speakers).selectinload(SessionSpeaker.speaker),
        selectinload(Session.submitted_by),
        selectinload(Session.format),
        selectinload(Session.theme),
    )


@dataclass
class DecisionPlan:
    accept: list[Session]
    reject: list[Session]
    stale: int  # staged but no longer awaiting a decision (withdrawn meanwhile): ignored

    @property
    def empty(self) -> bool:
        return not self.accept and not self.reject

    @property
    def accept_mails(self) -> int:
        return sum(len(recipients_of(s)) for s in self.accept)

    @property
    def reject_mails(self) -> int:
        return sum(len(recipients_of(s)) for s in self.reject)


def decision_plan(event: Event) -> DecisionPlan:
    """What "Appliquer les décisions" would do now."""
    staged = db.session.scalars(
        _with_recipients(
            sa.select(Session).where(Session.event_id == event.id, Session.staged_decision.is_not(None))
        ).order_by(Session.title, Session.id)
    ).all()
    ready = [s for s in staged if s.state == SessionState.submitted]
    return DecisionPlan(
        accept=[s for s in ready if s.staged_decision == Decision.accept],
        reject=[s for s in ready if s.staged_decision == Decision.reject],
        stale=len(staged) - len(ready),
    )


@dataclass
class DecisionReport:
    accepted: int = 0
    rejected: int = 0
    mails: int = 0


def apply_decisions(event: Event, actor: User, now: datetime | None = None) -> DecisionReport:
    """Apply every staged decision: states, decided_at, one mail per person, audit log; the caller commits.

    Each session moves with a conditional UPDATE (still submitted, still staged the same way): of two
    organisers applying at the same moment, only one moves it and mails its speakers.
    """
    now = now or utcnow()
    base_url = current_app.config["NEC_BASE_URL"]
    report = DecisionReport()
    # Staged decisions on proposals that left the `submitted` state (withdrawn) can never apply.
    db.session.execute(
        sa.update(Session)
        .where(
            Session.event_id == event.id,
            Session.staged_decision.is_not(None),
            Session.state != SessionState.submitted,
        )
        .values(staged_decision=None)
        .execution_options(synchronize_session="fetch")
    )
    for decision, state, kind in (
        (Decision.accept, SessionState.accepted, MailTemplateKind.accepted),
        (Decision.reject, SessionState.rejected, MailTemplateKind.rejected),
    ):
        moved = db.session.scalars(
            sa.update(Session)
            .where(
                Session.event_id == event.id,
                Session.state == SessionState.submitted,
                Session.staged_decision == decision,
            )
            .values(state=state, decided_at=now, staged_decision=None)
            .returning(Session.id)
            .execution_options(synchronize_session="fetch")
        ).all()
        if not moved:
            continue
        sessions = db.session.scalars(
            _with_recipients(sa.select(Session).where(Session.id.in_(moved))).order_by(Session.id)
        ).all()
        locales = recipient_locales(r for session in sessions for r in recipients_of(session))
        for session in sessions:
            values = {"session_title": session.title}
            if kind == MailTemplateKind.accepted:
                values["confirmation_url"] = confirmation_url(session)
            for recipient in recipients_of(session):
                extra = {}
                if not recipient.is_submitter and session.submitted_by is not None:
                    extra["submitter_name"] = session.submitted_by.full_name
                queue_event_mail(
                    event,
                    kind if not extra else CO_SPEAKER_KINDS[kind],
                    recipient.address,
                    to_name=recipient.name,
                    base_url=base_url,
                    locale=locales[recipient.address],
                    **values,
                    **extra,
                )
                report.mails += 1
            log_action(
                "session.accepted" if state == SessionState.accepted else "session.rejected",
                actor=actor,
                event=event,
                target=session,
            )
        if state == SessionState.accepted:
            report.accepted = len(sessions)
        else:
            report.rejected = len(sessions)
    if report.accepted or report.rejected:
        log_action(
            "decisions.applied",
            actor=actor,
            event=event,
            accepted=report.accepted,
            rejected=report.rejected,
            mails=report.mails,
        )
    return report


# --- reminders -----------------------------------------------------------------------------------


REMINDER_KINDS = ("confirmation", "profile", "availability")


@dataclass
class ReminderPlan:
    unconfirmed: list[Session]  # accepted, not confirmed yet
    incomplete_profiles: list[SpeakerProfile]  # no bio or no structure
    no_availability: list[SpeakerProfile]

    @property
    def confirmation_mails(self) -> int:
        return sum(len(recipients_of(s)) for s in self.unconfirmed)

    def count(self, kind: str) -> int:
        return {
            "confirmation": self.confirmation_mails,
            "profile": len(self.incomplete_profiles),
            "availability": len(self.no_availability),
        }[kind]


def programme_speaker_ids(event: Event) -> sa.Select:
    """The speakers (profile ids) taking part in the event's accepted or confirmed sessions, as a subquery."""
    return (
        sa.select(SessionSpeaker.speaker_id)
        .join(Session, Session.id == SessionSpeaker.session_id)
        .where(
            Session.event_id == event.id,
            Session.state.in_(PROGRAMME_STATES),
            SessionSpeaker.invitation_state != InvitationState.declined,
        )
    )


def reminder_plan(event: Event) -> ReminderPlan:
    """Who the reminders would reach: speakers of accepted (or confirmed) sessions, as the case may be."""
    unconfirmed = db.session.scalars(
        _with_recipients(
            sa.select(Session).where(Session.event_id == event.id, Session.state == SessionState.accepted)
        ).order_by(Session.title, Session.id)
    ).all()
    speakers = db.session.scalars(
        sa.select(SpeakerProfile)
        .where(SpeakerProfile.id.in_(programme_speaker_ids(event)), SpeakerProfile.email != "")
        .order_by(SpeakerProfile.full_name, SpeakerProfile.id)
    ).all()
    available = set(
        db.session.scalars(
            sa.select(Availability.speaker_id).where(Availability.speaker_id.in_([s.id for s in speakers]))
        )
    )
    return ReminderPlan(
        unconfirmed=list(unconfirmed),
        incomplete_profiles=[s for s in speakers if not s.bio.strip() or not s.structure.strip()],
        no_availability=[s for s in speakers if s.id not in available],
    )


def send_reminders(event: Event, actor: User, kinds) -> dict[str, int]:
    """Queue the chosen reminders; returns the number of mails per kind. The caller commits."""
    kinds = [k for k in REMINDER_KINDS if k in set(kinds)]
    if not kinds:
        raise ReviewError(_("Cochez au moins une relance à envoyer."))
    base_url = current_app.config["NEC_BASE_URL"]
    plan = reminder_plan(event)
    locales = recipient_locales(
        [r for session in plan.unconfirmed for r in recipients_of(session)]
        + [Recipient(s.email, s.full_name, s.user_id) for s in plan.incomplete_profiles + plan.no_availability]
    )
    sent = dict.fromkeys(kinds, 0)
    if "confirmation" in kinds:
        for session in plan.unconfirmed:
            url = confirmation_url(session)
            for recipient in recipients_of(session):
                queue_event_mail(
                    event,
                    MailTemplateKind.confirmation_reminder,
                    recipient.address,
                    to_name=recipient.name,
                    base_url=base_url,
                    locale=locales[recipient.address],
                    session_title=session.title,
                    confirmation_url=url,
                )
                sent["confirmation"] += 1
    if "profile" in kinds and plan.incomplete_profiles:
        url = external_url("proposals_speaker.profile", ev=event.slug)
        for speaker in plan.incomplete_profiles:
            queue_event_mail(
                event,
                MailTemplateKind.profile_reminder,
                speaker.email,
                to_name=speaker.full_name,
                base_url=base_url,
                locale=locales[normalise_email(speaker.email)],
                profile_url=url,
            )
            sent["profile"] += 1
    if "availability" in kinds and plan.no_availability:
        url = external_url("proposals_speaker.availability", ev=event.slug)
        for speaker in plan.no_availability:
            queue_event_mail(
                event,
                MailTemplateKind.availability_reminder,
                speaker.email,
                to_name=speaker.full_name,
                base_url=base_url,
                locale=locales[normalise_email(speaker.email)],
                availability_url=url,
            )
            sent["availability"] += 1
    if any(sent.values()):
        log_action("speakers.reminded", actor=actor, event=event, **sent)
    return sent
