"""The call for sessions: when it is open (per format), its custom questions and their answers.

Plain functions, used by the organiser pages (call_views), the speaker pages (views) and review.
Instants are UTC; messages show them in the event's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from nec.accounts.models import User
from nec.core.audit import log_action
from nec.core.errors import UserError
from nec.core.forms import NecForm
from nec.core.mail_templates import (
    decorated_placeholders,
    fill,
    get_template,
    placeholders_for,
    reset_wording,
    save_wording,
    unknown_placeholders,
)
from nec.core.models import MailTemplate
from nec.core.time import to_local
from nec.core.web import clock_text
from nec.events.models import Event, SessionFormat
from nec.extensions import db
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import (
    Answer,
    Call,
    CallFormat,
    Question,
    QuestionKind,
    QuestionTarget,
    Session,
    SpeakerProfile,
)

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 5000
YES, NO = "oui", "non"


class CallStatus(NamedTuple):
    is_open: bool
    message: str  # French, e.g. "L'appel est ouvert jusqu'au 3 mars à 18h00."


# --- the call and its deadlines --------------------------------------------------------------------


def get_call(event: Event) -> Call | None:
    return db.session.scalar(sa.select(Call).where(Call.event_id == event.id))


def get_or_create_call(event: Event) -> Call:
    """The event's call; a new one (closed: no dates, no formats) is added to the session if missing."""
    call = get_call(event)
    if call is None:
        call = Call(event_id=event.id, event=event, introduction="", blind_review=False, reviews_visible_after_own=True)
        db.session.add(call)
    return call


def _call_format(call: Call, fmt: SessionFormat) -> CallFormat | None:
    return next((cf for cf in call.formats if cf.format_id == fmt.id), None)


def deadline_for(event: Event, fmt: SessionFormat | None) -> datetime | None:
    """The closing instant for proposals of this format (its own, else the call's); fmt None: the call's."""
    call = get_call(event)
    if call is None:
        return None
    if fmt is not None:
        cf = _call_format(call, fmt)
        if cf is not None and cf.closes_at is not None:
            return cf.closes_at
    return call.closes_at


def format_instant(instant: datetime, tz_name: str, now: datetime | None = None) -> str:
    """'3 mars à 18h00' in the event's time zone (the year is added when it is not now's year)."""
    local = to_local(instant, tz_name)
    show_year = now is None or to_local(now, tz_name).year != local.year
    day = format_date(local.date(), "d MMMM y" if show_year else "d MMMM")
    if local.day == 1 and str(get_locale() or "fr").startswith("fr"):
        day = "1er" + day[1:]
    hour = clock_text(local.replace(tzinfo=None))
    return _("%(day)s à %(time)s", day=day, time=hour)


def _status(call: Call, cf: CallFormat, event: Event, now: datetime) -> CallStatus:
    tz = event.timezone
    if call.opens_at is None:
        return CallStatus(False, _("L'appel à participation n'est pas encore ouvert."))
    if now < call.opens_at:
        return CallStatus(
            False, _("L'appel à participation ouvrira le %(when)s.", when=format_instant(call.opens_at, tz, now))
        )
    deadline = cf.closes_at or call.closes_at
    if deadline is not None and now >= deadline:
        return CallStatus(
            False, _("L'appel à participation est clos depuis le %(when)s.", when=format_instant(deadline, tz, now))
        )
    if deadline is None:
        return CallStatus(True, _("L'appel à participation est ouvert."))
    return CallStatus(
        True, _("L'appel à participation est ouvert jusqu'au %(when)s.", when=format_instant(deadline, tz, now))
    )


def status_for(event: Event, fmt: SessionFormat | None, now: datetime) -> CallStatus:
    """Whether proposals of this format (fmt None: of any format) can be sent at `now`, and why."""
    return call_status(get_call(event), event, fmt, now)


def call_status(call: Call | None, event: Event, fmt: SessionFormat | None, now: datetime) -> CallStatus:
    """`status_for` with the call already loaded (lists of events read their calls in one query)."""
    not_open = CallStatus(False, _("L'appel à participation n'est pas ouvert."))
    if call is None or not call.formats:
        return not_open
    if fmt is not None:
        cf = _call_format(call, fmt)
        if cf is None:
            return CallStatus(False, _("L'appel à participation n'est pas ouvert pour ce format."))
        return _status(call, cf, event, now)

    # The call as a whole: open while one of its formats is open, until the latest of their deadlines.
    tz = event.timezone
    open_deadlines = [cf.closes_at or call.closes_at for cf in call.formats if _status(call, cf, event, now).is_open]
    if open_deadlines:
        if any(d is None for d in open_deadlines):
            return CallStatus(True, _("L'appel à participation est ouvert."))
        latest = max(open_deadlines)
        return CallStatus(
            True, _("L'appel à participation est ouvert jusqu'au %(when)s.", when=format_instant(latest, tz, now))
        )
    if call.opens_at is None or now < call.opens_at:
        return _status(call, call.formats[0], event, now)
    latest = max(cf.closes_at or call.closes_at for cf in call.formats)
    return CallStatus(
        False, _("L'appel à participation est clos depuis le %(when)s.", when=format_instant(latest, tz, now))
    )


def call_phase(call: Call | None, status: CallStatus, now: datetime) -> str:
    """ "open", "before" (not open yet: come back) or "closed" (over: it can no longer be answered)."""
    if status.is_open:
        return "open"
    if call is None or call.opens_at is None or now < call.opens_at:
        return "before"
    return "closed"


def offered_formats(event: Event) -> list[SessionFormat]:
    """The formats the call offers, whatever their deadline."""
    call = get_call(event)
    if call is None:
        return []
    return sorted((cf.format for cf in call.formats), key=lambda f: f.id)


def open_formats(event: Event, now: datetime) -> list[SessionFormat]:
    """The offered formats whose proposals can be sent at `now`."""
    return [fmt for fmt in offered_formats(event) if status_for(event, fmt, now).is_open]


# --- custom questions ------------------------------------------------------------------------------


def all_questions(event: Event, target: QuestionTarget | None = None) -> list[Question]:
    """Every question of the event (for the organiser), in order."""
    query = sa.select(Question).where(Question.event_id == event.id)
    if target is not None:
        query = query.where(Question.target == target)
    return list(db.session.scalars(query.order_by(Question.position, Question.id)))


def questions_for(event: Event, target: QuestionTarget, fmt: SessionFormat | None = None) -> list[Question]:
    """The questions to ask: those for every format, plus those of `fmt` (fmt None: only the former)."""
    query = sa.select(Question).where(Question.event_id == event.id, Question.target == target)
    if fmt is None:
        query = query.where(Question.format_id.is_(None))
    else:
        query = query.where(sa.or_(Question.format_id.is_(None), Question.format_id == fmt.id))
    return list(db.session.scalars(query.order_by(Question.position, Question.id)))


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (no JavaScript, large targets)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _required_message() -> str:
    return _("Cette question demande une réponse.")


class _Required(InputRequired):
    """InputRequired that also refuses an answer made only of spaces."""

    def __call__(self, form, field):
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data.strip():
            field.errors[:] = []
            raise StopValidation(self.message)


class _AtLeastOne(InputRequired):
    """Required for a checkbox group, without the HTML `required` flag (which would demand every box)."""

    def __init__(self, message=None):
        super().__init__(message)
        self.field_flags = {}

    def __call__(self, form, field):
        if not field.data:
            field.errors[:] = []
            raise StopValidation(self.message)


class _AmongChoices:
    def __init__(self, values):
        self.values = set(values)

    def __call__(self, form, field):
        data = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in self.values for value in data if value not in (None, "")):
            raise ValidationError(_("Choisissez parmi les réponses proposées."))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _field_for(question: Question):
    label = question.label
    description = question.help_text or ""
    kind = question.kind
    if kind == QuestionKind.multiple_choice:
        presence = [_AtLeastOne(_required_message())] if question.required else [Optional()]
    else:
        presence = [_Required(_required_message())] if question.required else [Optional()]
    if kind == QuestionKind.short_text:
        too_long = _("Écrivez au plus %(max)d caractères.", max=SHORT_TEXT_MAX)
        return StringField(
            label,
            [*presence, Length(max=SHORT_TEXT_MAX, message=too_long)],
            description=description,
            filters=[_strip],
        )
    if kind == QuestionKind.long_text:
        too_long = _("Écrivez au plus %(max)d caractères.", max=LONG_TEXT_MAX)
        return TextAreaField(
            label,
            [*presence, Length(max=LONG_TEXT_MAX, message=too_long)],
            description=description,
            filters=[_strip],
        )
    if kind == QuestionKind.choice:
        return RadioField(
            label,
            [*presence, _AmongChoices(question.choices or [])],
            choices=[SelectChoice(c) for c in question.choices or []],
            description=description,
            validate_choice=False,
        )
    if kind == QuestionKind.multiple_choice:
        return MultiCheckboxField(
            label,
            [*presence, _AmongChoices(question.choices or [])],
            choices=[SelectChoice(c) for c in question.choices or []],
            description=description,
            validate_choice=False,
        )
    if kind == QuestionKind.yes_no:
        return RadioField(
            label,
            [*presence, _AmongChoices([YES, NO])],
            choices=[SelectChoice(YES, _("Oui")), SelectChoice(NO, _("Non"))],
            description=description,
            validate_choice=False,
        )
    raise ValueError(f"unknown question kind {kind!r}")


def field_name(question: Question) -> str:
    return f"q_{question.id}"


def add_question_fields(form_class: type[NecForm], questions: list[Question]) -> type[NecForm]:
    """A subclass of form_class with one field per question, named q_<id>, in the questions' order."""
    attrs = {field_name(q): _field_for(q) for q in questions}
    return type(f"{form_class.__name__}WithQuestions", (form_class,), attrs)


def question_fields(form, questions: list[Question]) -> list:
    """The bound fields of the questions, in order (for templates)."""
    return [form[field_name(q)] for q in questions]


def answers_from_form(form, questions: list[Question]) -> dict[int, object]:
    """question id -> value to store: str, list[str] or bool; None when left empty."""
    values: dict[int, object] = {}
    for question in questions:
        data = form[field_name(question)].data
        if question.kind in (QuestionKind.short_text, QuestionKind.long_text):
            values[question.id] = (data or "").strip() or None
        elif question.kind == QuestionKind.choice:
            values[question.id] = data or None
        elif question.kind == QuestionKind.multiple_choice:
            values[question.id] = [c for c in question.choices if c in (data or [])] or None
        elif question.kind == QuestionKind.yes_no:
            values[question.id] = {YES: True, NO: False}.get(data)
    return values


def form_data_from_answers(questions: list[Question], answers: dict[int, object]) -> dict[str, object]:
    """Stored answers as form data (pass as `data=` to the form) so a proposal can be edited."""
    data: dict[str, object] = {}
    for question in questions:
        value = answers.get(question.id)
        if value is None:
            continue
        if question.kind == QuestionKind.yes_no:
            data[field_name(question)] = YES if value else NO
        else:
            data[field_name(question)] = value
    return data


def display_answer(question: Question, value: object) -> str:
    """An answer as French text, for reviewers and exports."""
    if value is None or value == "" or value == []:
        return ""
    if question.kind == QuestionKind.yes_no:
        return _("Oui") if value else _("Non")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _owner_clause(session: Session | None, speaker: SpeakerProfile | None):
    if (session is None) == (speaker is None):
        raise ValueError("give exactly one of session and speaker")
    if session is not None:
        if session.id is None:
            db.session.flush()
        return Answer.session_id == session.id
    if speaker.id is None:
        db.session.flush()
    return Answer.speaker_id == speaker.id


def answers_of(*, session: Session | None = None, speaker: SpeakerProfile | None = None) -> dict[int, object]:
    """question id -> stored value, for one proposal or one speaker."""
    clause = _owner_clause(session, speaker)
    return {a.question_id: a.value for a in db.session.scalars(sa.select(Answer).where(clause))}


def save_answers(
    questions: list[Question],
    values: dict[int, object],
    *,
    session: Session | None = None,
    speaker: SpeakerProfile | None = None,
) -> None:
    """Store the answers to these questions (an empty value removes the answer), in the caller's transaction."""
    clause = _owner_clause(session, speaker)
    ids = [q.id for q in questions]
    existing = {
        a.question_id: a for a in db.session.scalars(sa.select(Answer).where(clause, Answer.question_id.in_(ids)))
    }
    for question in questions:
        value = values.get(question.id)
        row = existing.get(question.id)
        if value is None or value == "" or value == []:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = Answer(
                question_id=question.id,
                session_id=session.id if session is not None else None,
                speaker_id=speaker.id if speaker is not None else None,
            )
            db.session.add(row)
        row.value = value


# --- the organiser's changes -----------------------------------------------------------------------


class CallError(UserError):
    """A change that cannot be made; `message` (French) says why and what to do, `field` where."""


def _to_utc(local: datetime | None, tz_name: str) -> datetime | None:
    """A wall-clock date and time in the event's time zone (naive) as a UTC instant."""
    if local is None:
        return None
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def update_call(
    event: Event,
    actor: User,
    *,
    opens_at: datetime | None,
    closes_at: datetime | None,
    introduction: str = "",
    blind_review: bool = False,
    reviews_visible_after_own: bool = True,
    formats: dict[int, datetime | None],
) -> Call:
    """Save the call's settings. Dates are naive wall-clock times in the event's time zone (or aware).

    `formats` maps each offered format's id to its own closing date-time (None: the call's).
    """
    tz = event.timezone
    opens, closes = _to_utc(opens_at, tz), _to_utc(closes_at, tz)
    if opens is not None and closes is not None and closes <= opens:
        raise CallError(_("La clôture de l'appel doit être après son ouverture."), "closes_at")
    own = {format_id: _to_utc(value, tz) for format_id, value in formats.items()}
    event_formats = {fmt.id: fmt for fmt in event.formats}
    for format_id, deadline in own.items():
        if format_id not in event_formats:
            raise CallError(_("Ce format n'existe pas (ou plus) pour cet événement. Rechargez la page."))
        if deadline is not None and opens is not None and deadline <= opens:
            raise CallError(
                _(
                    "La clôture propre au format « %(name)s » doit être après l'ouverture de l'appel.",
                    name=event_formats[format_id].name,
                ),
                f"closes_{format_id}",
            )

    call = get_or_create_call(event)
    call.opens_at, call.closes_at = opens, closes
    call.introduction = (introduction or "").strip()
    call.blind_review = bool(blind_review)
    call.reviews_visible_after_own = bool(reviews_visible_after_own)
    current = {cf.format_id: cf for cf in call.formats}
    for format_id, cf in current.items():
        if format_id not in own:
            call.formats.remove(cf)
    for format_id, deadline in own.items():
        cf = current.get(format_id)
        if cf is None:
            cf = CallFormat(format_id=format_id, format=event_formats[format_id])
            call.formats.append(cf)
        cf.closes_at = deadline
    db.session.flush()
    log_action(
        "call.updated",
        actor=actor,
        event=event,
        target=call,
        opens_at=opens.isoformat() if opens else None,
        closes_at=closes.isoformat() if closes else None,
        formats={str(k): (v.isoformat() if v else None) for k, v in own.items()},
        blind_review=call.blind_review,
        reviews_visible_after_own=call.reviews_visible_after_own,
    )
    return call


CHOICE_KINDS = (QuestionKind.choice, QuestionKind.multiple_choice)


def get_question(event: Event, question_id: int) -> Question | None:
    question = db.session.get(Question, question_id)
    return question if question is not None and question.event_id == event.id else None


def count_answers(question: Question) -> int:
    return db.session.scalar(sa.select(sa.func.count(Answer.id)).where(Answer.question_id == question.id)) or 0


def answer_counts(event: Event) -> dict[int, int]:
    """question id -> number of answers, for the event's questions (one query)."""
    rows = db.session.execute(
        sa.select(Answer.question_id, sa.func.count(Answer.id))
        .join(Question, Question.id == Answer.question_id)
        .where(Question.event_id == event.id)
        .group_by(Answer.question_id)
    )
    return {question_id: n for question_id, n in rows}


def _question_fields(
    event: Event,
    question: Question | None,
    *,
    target: QuestionTarget,
    kind: QuestionKind,
    label: str,
    help_text: str = "",
    choices: list[str] | None = None,
    required: bool = False,
    format_id: int | None = None,
) -> dict:
    label = (label or "").strip()
    if not label:
        raise CallError(_("Écrivez la question."), "label")
    if len(label) > 300:
        raise CallError(_("La question ne doit pas dépasser 300 caractères."), "label")
    help_text = (help_text or "").strip()
    if len(help_text) > 600:
        raise CallError(_("L'aide ne doit pas dépasser 600 caractères."), "help_text")
    kind, target = QuestionKind(kind), QuestionTarget(target)
    cleaned: list[str] = []
    if kind in CHOICE_KINDS:
        cleaned = [c.strip() for c in choices or [] if c and c.strip()]
        if len(cleaned) < 2:
            raise CallError(_("Écrivez au moins deux réponses proposées, une par ligne."), "choices")
        if len({c.casefold() for c in cleaned}) != len(cleaned):
            raise CallError(_("Chaque réponse proposée ne doit figurer qu'une fois."), "choices")
        if any(len(c) > 200 for c in cleaned):
            raise CallError(_("Une réponse proposée ne doit pas dépasser 200 caractères."), "choices")
    if format_id is not None and format_id not in {fmt.id for fmt in event.formats}:
        raise CallError(_("Choisissez un format de cet événement."), "format_id")
    if question is not None and (kind != question.kind or target != question.target):
        answered = count_answers(question)
        if answered:
            raise CallError(
                ngettext(
                    "Cette question a déjà %(num)d réponse : son type et ses destinataires ne peuvent plus changer. "
                    "Ajoutez plutôt une nouvelle question.",
                    "Cette question a déjà %(num)d réponses : son type et ses destinataires ne peuvent plus changer. "
                    "Ajoutez plutôt une nouvelle question.",
                    answered,
                ),
                "kind",
            )
    return {
        "target": target,
        "kind": kind,
        "label": label,
        "help_text": help_text,
        "choices": cleaned,
        "required": bool(required),
        "format_id": format_id,
    }


def add_question(event: Event, actor: User, **fields) -> Question:
    values = _question_fields(event, None, **fields)
    position = db.session.scalar(sa.select(sa.func.max(Question.position)).where(Question.event_id == event.id))
    question = Question(event_id=event.id, position=(position if position is not None else -1) + 1, **values)
    db.session.add(question)
    db.session.flush()
    log_action("question.created", actor=actor, event=event, target=question, label=question.label)
    return question


def update_question(question: Question, actor: User, **fields) -> Question:
    values = _question_fields(question.event, question, **fields)
    for key, value in values.items():
        setattr(question, key, value)
    log_action("question.updated", actor=actor, event=question.event, target=question, label=question.label)
    return question


def delete_question(question: Question, actor: User) -> int:
    """Delete a question and its answers; returns how many answers went with it."""
    answers = count_answers(question)
    log_action(
        "question.deleted", actor=actor, event=question.event, target=question, label=question.label, answers=answers
    )
    # Explicit rather than left to ON DELETE CASCADE, which SQLite applies only with foreign keys on.
    db.session.execute(sa.delete(Answer).where(Answer.question_id == question.id))
    db.session.delete(question)
    return answers


def move_question(question: Question, actor: User, direction: str) -> bool:
    """Swap a question with its neighbour among those of the same target; False at an end."""
    siblings = all_questions(question.event, question.target)
    index = siblings.index(question)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    log_action("question.moved", actor=actor, event=question.event, target=question, direction=direction)
    return True


# --- e-mail wordings -------------------------------------------------------------------------------


def check_wording(kind: MailTemplateKind, subject: str, body: str) -> None:
    """Refuse placeholders this kind of e-mail does not offer, with a French message."""
    for field, text in (("subject", subject), ("body", body)):
        unknown = unknown_placeholders(kind, text or "")
        if unknown == ["{"]:
            raise CallError(
                _("Une accolade est seule : écrivez chaque repère entre { et }, par exemple {person_name}."), field
            )
        decorated = decorated_placeholders(text or "")
        if decorated:
            raise CallError(
                _(
                    "Un repère s'écrit avec son seul nom entre accolades, par exemple {event_title} : "
                    "retirez ce qui suit le nom dans %(names)s.",
                    names=", ".join(decorated),
                ),
                field,
            )
        if unknown:
            raise CallError(
                ngettext(
                    "Ce repère n'existe pas pour cet e-mail : %(names)s. Repères possibles : %(allowed)s.",
                    "Ces repères n'existent pas pour cet e-mail : %(names)s. Repères possibles : %(allowed)s.",
                    len(unknown),
                    names=", ".join("{" + n + "}" for n in unknown),
                    allowed=", ".join("{" + n + "}" for n in placeholders_for(kind)),
                ),
                field,
            )


def update_wording(event: Event, actor: User, kind: MailTemplateKind, subject: str, body: str) -> None:
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise CallError(_("Écrivez l'objet de l'e-mail."), "subject")
    if not body:
        raise CallError(_("Écrivez le texte de l'e-mail."), "body")
    check_wording(kind, subject, body)
    row = save_wording(event, kind, subject, body)
    db.session.flush()
    log_action("mail_template.updated", actor=actor, event=event, target=row, kind=kind.value)


def restore_default_wording(event: Event, actor: User, kind: MailTemplateKind) -> bool:
    """Back to the platform's wording; False when it was already in force."""
    if get_template(event, kind) is None:
        return False
    reset_wording(event, kind)
    log_action("mail_template.reset", actor=actor, event=event, kind=kind.value)
    return True


def is_customised(event: Event) -> set[MailTemplateKind]:
    """The kinds whose wording the organisers changed for this event."""
    return set(db.session.scalars(sa.select(MailTemplate.kind).where(MailTemplate.event_id == event.id)))


def example_values(event: Event, base_url: str) -> dict[str, str]:
    """Values that show an organiser what a mail will look like."""
    root = f"{base_url.rstrip('/')}/{event.slug}"
    return {
        "event_title": event.title,
        "event_url": f"{root}/",
        "person_name": "Camille Martin",
        "session_title": _("Les tiers-lieux, moteurs de l'inclusion numérique"),
        "inviter_name": "Dominique Bernard",
        "proposal_url": f"{root}/me/proposals/1",
        "invitation_url": f"{root}/invitations/exemple",
        "confirmation_url": f"{root}/confirm/exemple",
        "profile_url": f"{root}/me/profile",
        "availability_url": f"{root}/me/availability",
    }


def preview(event: Event, kind: MailTemplateKind, subject: str, body: str, base_url: str) -> tuple[str, str]:
    values = example_values(event, base_url)
    return fill(subject, values).replace("\n", " ").strip(), fill(body, values)
