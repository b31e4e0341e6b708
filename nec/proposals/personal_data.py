"""The proposals' part of a person's data: speaker profiles, sessions, answers, reviews; the purge of
proposals not retained. Registered with nec.core.hooks from nec/proposals/__init__.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePosixPath

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from nec.accounts.personal_data import AFTER_EVENT_RETENTION, event_summary, when
from nec.core.hooks import PersonalData, RetentionPurge
from nec.events.models import Event
from nec.extensions import db
from nec.proposals.models import (
    Answer,
    Availability,
    Question,
    Review,
    ReviewScore,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
)

# The proposals "not retained": never accepted (a declined or cancelled session was in the programme).
NOT_RETAINED_STATES = (SessionState.draft, SessionState.submitted, SessionState.rejected, SessionState.withdrawn)


def export_speaker(user) -> dict[str, list]:
    uid = user.id
    own_profiles = sa.select(SpeakerProfile.id).where(SpeakerProfile.user_id == uid)
    own_sessions = sa.select(Session.id).where(Session.submitted_by_id == uid)
    profiles = db.session.scalars(
        sa.select(SpeakerProfile)
        .join(SpeakerProfile.event)
        .where(SpeakerProfile.user_id == uid)
        .options(contains_eager(SpeakerProfile.event), selectinload(SpeakerProfile.availabilities))
        .order_by(Event.start_date, SpeakerProfile.id)
    ).all()
    parts = db.session.scalars(
        sa.select(SessionSpeaker)
        .join(SessionSpeaker.speaker)
        .join(SessionSpeaker.session)
        .join(Session.event)
        .where(SpeakerProfile.user_id == uid)
        .options(contains_eager(SessionSpeaker.session).contains_eager(Session.event))
        .order_by(Event.start_date, Session.id)
    ).all()
    answers = db.session.execute(
        sa.select(Answer, Question, Event, Session.title)
        .join(Answer.question)
        .join(Question.event)
        .outerjoin(Session, Session.id == Answer.session_id)
        .where(sa.or_(Answer.speaker_id.in_(own_profiles), Answer.session_id.in_(own_sessions)))
        .order_by(Event.start_date, Question.position, Question.id, Answer.id)
    ).all()
    return {
        "speaker_profiles": [
            {
                "event": event_summary(profile.event),
                "full_name": profile.full_name,
                "email": profile.email,
                "structure": profile.structure,
                "structure_type": profile.structure_type.value,
                "territory": profile.territory,
                "bio": profile.bio,
                "photo_file": PurePosixPath(profile.photo_path).name if profile.photo_path else None,
                "publish_consent": profile.publish_consent,
                "created_at": when(profile.created_at),
                "updated_at": when(profile.updated_at),
                "availability": [
                    {"starts_at": when(a.starts_at), "ends_at": when(a.ends_at)} for a in profile.availabilities
                ],
            }
            for profile in profiles
        ],
        "sessions": [
            {
                "event": event_summary(part.session.event),
                "title": part.session.title,
                "state": part.session.state.value,
                "role": part.role.value,
                "invitation_state": part.invitation_state.value,
                "submitted_by_me": part.session.submitted_by_id == uid,
                "recording_consent": part.recording_consent,
                "replay_consent": part.replay_consent,
                "consent_updated_at": when(part.consent_updated_at),
            }
            for part in parts
        ],
        "answers": [
            {
                "event": event_summary(event),
                "question": question.label,
                "about": "speaker" if answer.speaker_id is not None else "session",
                "session": session_title,
                "value": answer.value,
            }
            for answer, question, event, session_title in answers
        ],
    }


def export_reviews(user) -> dict[str, list]:
    reviews = db.session.scalars(
        sa.select(Review)
        .join(Review.session)
        .join(Session.event)
        .where(Review.reviewer_id == user.id)
        .options(
            contains_eager(Review.session).contains_eager(Session.event),
            selectinload(Review.scores).joinedload(ReviewScore.criterion),
        )
        .order_by(Event.start_date, Review.id)
    ).all()
    return {
        "reviews": [
            {
                "event": event_summary(review.session.event),
                "session": review.session.title,
                "comment": review.comment,
                "scores": [
                    {"criterion": s.criterion.name, "value": s.value, "max": s.criterion.max_score}
                    for s in sorted(review.scores, key=lambda s: (s.criterion.position, s.criterion.id))
                ],
                "created_at": when(review.created_at),
                "updated_at": when(review.updated_at),
            }
            for review in reviews
        ]
    }


def erase_speaker(ids: list[int]) -> list[str]:
    """A person's profiles go with their answers, availabilities and parts in sessions; the sessions
    stay (they belong to the event), only who proposed them is forgotten. Returns the photo files."""
    profiles = sa.select(SpeakerProfile.id).where(SpeakerProfile.user_id.in_(ids))
    photos = [
        p for p in db.session.scalars(sa.select(SpeakerProfile.photo_path).where(SpeakerProfile.user_id.in_(ids))) if p
    ]
    statements = [
        sa.delete(Answer).where(Answer.speaker_id.in_(profiles)),
        sa.delete(Availability).where(Availability.speaker_id.in_(profiles)),
        sa.delete(SessionSpeaker).where(SessionSpeaker.speaker_id.in_(profiles)),
        sa.delete(SpeakerProfile).where(SpeakerProfile.user_id.in_(ids)),
        sa.update(Session)
        .where(Session.submitted_by_id.in_(ids))
        .values(submitted_by_id=None, updated_at=Session.updated_at),
    ]
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
    return photos


def erase_reviews(ids: list[int]) -> list[str]:
    """reviews.reviewer_id is NOT NULL: a review cannot outlive its author, it goes with them."""
    reviews = sa.select(Review.id).where(Review.reviewer_id.in_(ids))
    for statement in (
        sa.delete(ReviewScore).where(ReviewScore.review_id.in_(reviews)),
        sa.delete(Review).where(Review.reviewer_id.in_(ids)),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    return []


def purge_not_retained(now: datetime, dry_run: bool) -> int:
    """A year after an event, its proposals never accepted are deleted (ORM deletes: a session's
    speakers, answers and reviews go with it, by their cascades)."""
    past_events = sa.select(Event.id).where(Event.end_date < (now - AFTER_EVENT_RETENTION).date())
    old = sa.and_(Session.event_id.in_(past_events), Session.state.in_(NOT_RETAINED_STATES))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Session).where(old)) or 0
    if not dry_run:
        for session in db.session.scalars(sa.select(Session).where(old)).all():
            db.session.delete(session)
    return count


SPEAKER_DATA = PersonalData(
    name="proposals.speaker",
    position=20,
    export=export_speaker,
    erase=erase_speaker,
    holders=lambda: [SpeakerProfile.user_id],
)
REVIEW_DATA = PersonalData(
    name="proposals.reviews",
    position=40,
    export=export_reviews,
    erase=erase_reviews,
    holders=lambda: [Review.reviewer_id],
)
NOT_RETAINED_PURGE = RetentionPurge(
    name="proposals.not_retained",
    position=10,
    label="propositions non retenues d'événements finis depuis plus d'un an",
    run=purge_not_retained,
)
