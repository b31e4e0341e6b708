"""The call's rules: when it is open (per format, in the event's time zone), its questions and answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, StringField, TextAreaField

from nec.core.models import AuditLogEntry, MailTemplate
from nec.events import services as event_services
from nec.events.models import FormatKind
from nec.proposals.call import services as calls
from nec.proposals.call.services import CallError, MultiCheckboxField
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import (
    Answer,
    Call,
    CallFormat,
    Question,
    QuestionKind,
    QuestionTarget,
    SessionState,
    SpeakerProfile,
)
from tests.support.data import fmt

# 1 March 2030, 17:00 UTC = 18:00 in Paris (winter time, UTC+1).
OPENS = datetime(2030, 1, 10, 8, 0, tzinfo=UTC)
CLOSES = datetime(2030, 3, 1, 17, 0, tzinfo=UTC)


@pytest.fixture
def open_call(db, event):
    """A call from OPENS to CLOSES offering round tables (own deadline 15 March) and workshops."""
    call = Call(event_id=event.id, opens_at=OPENS, closes_at=CLOSES)
    call.formats = [
        CallFormat(format_id=fmt(event, FormatKind.round_table).id, closes_at=datetime(2030, 3, 15, 17, 0, tzinfo=UTC)),
        CallFormat(format_id=fmt(event, FormatKind.workshop).id),
    ]
    db.session.add(call)
    db.session.commit()
    return call


# --- status_for ---------------------------------------------------------------------------------


def test_status_without_call_is_closed_and_says_not_open(event):
    status = calls.status_for(event, None, OPENS)
    assert status == (False, "L'appel à participation n'est pas ouvert.")
    assert calls.open_formats(event, OPENS) == []


def test_status_of_call_without_formats_is_closed(db, event):
    db.session.add(Call(event_id=event.id, opens_at=OPENS, closes_at=CLOSES))
    db.session.commit()
    assert calls.status_for(event, None, OPENS + timedelta(days=1)) == (
        False,
        "L'appel à participation n'est pas ouvert.",
    )


def test_status_before_opening_says_when_it_opens(event, open_call):
    status = calls.status_for(event, None, OPENS - timedelta(seconds=1))
    assert not status.is_open
    # 08:00 UTC is 09:00 in Paris in January.
    assert status.message == "L'appel à participation ouvrira le 10 janvier à 09h00."


def test_status_opens_exactly_at_opening(event, open_call):
    assert calls.status_for(event, fmt(event, FormatKind.workshop), OPENS).is_open


def test_status_during_call_shows_deadline_in_event_time_zone(event, open_call):
    status = calls.status_for(event, fmt(event, FormatKind.workshop), OPENS + timedelta(days=1))
    assert status == (True, "L'appel à participation est ouvert jusqu'au 1er mars à 18h00.")


def test_status_closes_exactly_at_deadline(event, open_call):
    workshop = fmt(event, FormatKind.workshop)
    assert calls.status_for(event, workshop, CLOSES - timedelta(seconds=1)).is_open
    status = calls.status_for(event, workshop, CLOSES)
    assert status == (False, "L'appel à participation est clos depuis le 1er mars à 18h00.")


def test_status_per_format_deadline_overrides_the_calls(event, open_call):
    round_table = fmt(event, FormatKind.round_table)
    after_call = CLOSES + timedelta(days=1)
    status = calls.status_for(event, round_table, after_call)
    assert status == (True, "L'appel à participation est ouvert jusqu'au 15 mars à 18h00.")
    assert not calls.status_for(event, fmt(event, FormatKind.workshop), after_call).is_open
    assert calls.open_formats(event, after_call) == [round_table]
    assert calls.deadline_for(event, round_table) == datetime(2030, 3, 15, 17, 0, tzinfo=UTC)
    assert calls.deadline_for(event, fmt(event, FormatKind.workshop)) == CLOSES


def test_status_per_format_deadline_can_close_earlier(db, event, open_call):
    workshop_cf = next(cf for cf in open_call.formats if cf.format.kind == FormatKind.workshop)
    workshop_cf.closes_at = CLOSES - timedelta(days=10)
    db.session.commit()
    assert not calls.status_for(event, workshop_cf.format, CLOSES - timedelta(days=5)).is_open
    assert calls.status_for(event, fmt(event, FormatKind.round_table), CLOSES - timedelta(days=5)).is_open


def test_status_of_whole_call_follows_latest_open_format(event, open_call):
    status = calls.status_for(event, None, CLOSES + timedelta(days=1))
    assert status == (True, "L'appel à participation est ouvert jusqu'au 15 mars à 18h00.")
    closed = calls.status_for(event, None, datetime(2030, 3, 20, tzinfo=UTC))
    assert closed == (False, "L'appel à participation est clos depuis le 15 mars à 18h00.")


def test_status_of_format_not_offered_is_closed(event, open_call):
    status = calls.status_for(event, fmt(event, FormatKind.talk), OPENS + timedelta(days=1))
    assert status == (False, "L'appel à participation n'est pas ouvert pour ce format.")


def test_status_uses_the_events_time_zone(db, event, open_call):
    event.timezone = "Indian/Reunion"  # UTC+4, no summer time
    db.session.commit()
    status = calls.status_for(event, fmt(event, FormatKind.workshop), OPENS + timedelta(days=1))
    assert status.message == "L'appel à participation est ouvert jusqu'au 1er mars à 21h00."


def test_status_in_summer_time(db, event, open_call):
    open_call.closes_at = datetime(2030, 7, 1, 16, 0, tzinfo=UTC)  # 18:00 in Paris (UTC+2)
    db.session.commit()
    status = calls.status_for(event, fmt(event, FormatKind.workshop), OPENS)
    assert status.message == "L'appel à participation est ouvert jusqu'au 1er juillet à 18h00."


def test_status_shows_the_year_when_it_is_not_this_year(event, open_call):
    status = calls.status_for(event, fmt(event, FormatKind.workshop), datetime(2029, 12, 1, tzinfo=UTC))
    assert status.message == "L'appel à participation ouvrira le 10 janvier 2030 à 09h00."


def test_status_without_opening_date_is_closed(db, event, open_call):
    open_call.opens_at = None
    db.session.commit()
    assert calls.status_for(event, None, OPENS) == (False, "L'appel à participation n'est pas encore ouvert.")


def test_status_without_deadline_stays_open(db, event, open_call):
    open_call.closes_at = None
    db.session.commit()
    status = calls.status_for(event, fmt(event, FormatKind.workshop), datetime(2031, 1, 1, tzinfo=UTC))
    assert status == (True, "L'appel à participation est ouvert.")


# --- update_call ---------------------------------------------------------------------------------


def test_update_call_converts_local_times_to_utc(db, event, organiser):
    workshop = fmt(event, FormatKind.workshop)
    calls.update_call(
        event,
        organiser,
        opens_at=datetime(2030, 1, 10, 9, 0),
        closes_at=datetime(2030, 7, 1, 18, 0),
        introduction="  Proposez !  ",
        blind_review=True,
        reviews_visible_after_own=False,
        formats={workshop.id: datetime(2030, 6, 1, 18, 0)},
    )
    db.session.commit()
    call = calls.get_call(event)
    assert call.opens_at == datetime(2030, 1, 10, 8, 0, tzinfo=UTC)
    assert call.closes_at == datetime(2030, 7, 1, 16, 0, tzinfo=UTC)
    assert call.introduction == "Proposez !"
    assert (call.blind_review, call.reviews_visible_after_own) == (True, False)
    assert [(cf.format_id, cf.closes_at) for cf in call.formats] == [
        (workshop.id, datetime(2030, 6, 1, 16, 0, tzinfo=UTC))
    ]
    assert db.session.scalar(sa.select(AuditLogEntry.action).order_by(AuditLogEntry.id.desc())) == "call.updated"


def test_update_call_removes_formats_no_longer_offered(db, event, organiser, open_call):
    talk = fmt(event, FormatKind.talk)
    calls.update_call(event, organiser, opens_at=None, closes_at=None, formats={talk.id: None})
    db.session.commit()
    assert db.session.scalars(sa.select(CallFormat.format_id)).all() == [talk.id]


@pytest.mark.parametrize(
    ("opens", "closes", "own", "message"),
    [
        (datetime(2030, 3, 1, 18), datetime(2030, 3, 1, 18), None, "La clôture de l'appel doit être après"),
        (datetime(2030, 3, 1, 18), datetime(2030, 2, 1, 18), None, "La clôture de l'appel doit être après"),
        (datetime(2030, 3, 1, 18), None, datetime(2030, 3, 1, 17), "doit être après l'ouverture de l'appel"),
    ],
)
def test_update_call_refuses_disordered_dates(db, event, organiser, opens, closes, own, message):
    workshop = fmt(event, FormatKind.workshop)
    with pytest.raises(CallError, match=message):
        calls.update_call(event, organiser, opens_at=opens, closes_at=closes, formats={workshop.id: own})
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Call.id))) == 0


def test_update_call_refuses_another_events_format(db, event, organiser, make_user):
    other = event_services.create_event(
        make_user(), title="Autre", slug="autre", start_date=date(2030, 5, 1), end_date=date(2030, 5, 1)
    )
    db.session.flush()
    with pytest.raises(CallError, match="Ce format n'existe pas"):
        calls.update_call(event, organiser, opens_at=None, closes_at=None, formats={other.formats[0].id: None})


# --- questions: fields and answers --------------------------------------------------------------


def make_question(db, event, kind, *, required=False, choices=(), target=QuestionTarget.proposal, **kw):
    question = Question(
        event_id=event.id,
        target=target,
        kind=kind,
        label=kw.pop("label", f"Question {kind.value}"),
        help_text=kw.pop("help_text", ""),
        choices=list(choices),
        required=required,
        **kw,
    )
    db.session.add(question)
    db.session.commit()
    return question


def build_form(app, questions, data: dict):
    form_class = calls.add_question_fields(FlaskForm, questions)
    with app.test_request_context(method="POST", data=MultiDict(data)):
        form = form_class()
        valid = form.validate()
        return form, valid


def test_add_question_fields_builds_one_field_per_kind(app, db, event):
    questions = [
        make_question(db, event, QuestionKind.short_text, help_text="En une phrase"),
        make_question(db, event, QuestionKind.long_text),
        make_question(db, event, QuestionKind.choice, choices=["Matin", "Après-midi"]),
        make_question(db, event, QuestionKind.multiple_choice, choices=["Vidéoprojecteur", "Tables"]),
        make_question(db, event, QuestionKind.yes_no),
    ]
    form, _ = build_form(app, questions, {})
    fields = [form[f"q_{q.id}"] for q in questions]
    assert [type(f) for f in fields] == [StringField, TextAreaField, RadioField, MultiCheckboxField, RadioField]
    assert fields[0].label.text == "Question short_text"
    assert fields[0].description == "En une phrase"
    assert [c.value for c in fields[2].choices] == ["Matin", "Après-midi"]
    assert [c.value for c in fields[3].choices] == ["Vidéoprojecteur", "Tables"]
    assert [c.label for c in fields[4].choices] == ["Oui", "Non"]
    with app.test_request_context():
        assert 'type="checkbox"' in str(fields[3])
        assert 'type="radio"' in str(fields[4])


def test_required_questions_refuse_empty_answers(app, db, event):
    questions = [
        make_question(db, event, QuestionKind.short_text, required=True),
        make_question(db, event, QuestionKind.long_text, required=True),
        make_question(db, event, QuestionKind.choice, required=True, choices=["A", "B"]),
        make_question(db, event, QuestionKind.multiple_choice, required=True, choices=["A", "B"]),
        make_question(db, event, QuestionKind.yes_no, required=True),
    ]
    form, valid = build_form(app, questions, {f"q_{questions[0].id}": "   ", f"q_{questions[1].id}": ""})
    assert not valid
    for q in questions:
        assert form[f"q_{q.id}"].errors == ["Cette question demande une réponse."]


def test_required_checkbox_group_does_not_mark_each_box_required(app, db, event):
    q = make_question(db, event, QuestionKind.multiple_choice, required=True, choices=["A", "B"])
    form, _ = build_form(app, [q], {})
    with app.test_request_context():
        assert "required" not in str(form[f"q_{q.id}"])


def test_optional_questions_accept_empty_answers(app, db, event):
    questions = [
        make_question(db, event, QuestionKind.short_text),
        make_question(db, event, QuestionKind.choice, choices=["A", "B"]),
        make_question(db, event, QuestionKind.multiple_choice, choices=["A", "B"]),
        make_question(db, event, QuestionKind.yes_no),
    ]
    form, valid = build_form(app, questions, {})
    assert valid, form.errors
    assert calls.answers_from_form(form, questions) == {q.id: None for q in questions}


def test_questions_refuse_answers_outside_choices_and_too_long_text(app, db, event):
    short = make_question(db, event, QuestionKind.short_text)
    choice = make_question(db, event, QuestionKind.choice, choices=["A", "B"])
    multi = make_question(db, event, QuestionKind.multiple_choice, choices=["A", "B"])
    yes_no = make_question(db, event, QuestionKind.yes_no)
    data = MultiDict(
        [
            (f"q_{short.id}", "x" * 301),
            (f"q_{choice.id}", "C"),
            (f"q_{multi.id}", "A"),
            (f"q_{multi.id}", "Z"),
            (f"q_{yes_no.id}", "peut-être"),
        ]
    )
    form, valid = build_form(app, [short, choice, multi, yes_no], data)
    assert not valid
    assert form[f"q_{short.id}"].errors == ["Écrivez au plus 300 caractères."]
    for q in (choice, multi, yes_no):
        assert form[f"q_{q.id}"].errors == ["Choisissez parmi les réponses proposées."]


def test_answers_from_form_gives_json_values(app, db, event):
    short = make_question(db, event, QuestionKind.short_text)
    long = make_question(db, event, QuestionKind.long_text)
    choice = make_question(db, event, QuestionKind.choice, choices=["A", "B"])
    multi = make_question(db, event, QuestionKind.multiple_choice, choices=["A", "B", "C"])
    yes = make_question(db, event, QuestionKind.yes_no)
    no = make_question(db, event, QuestionKind.yes_no)
    questions = [short, long, choice, multi, yes, no]
    data = MultiDict(
        [
            (f"q_{short.id}", "  Un tiers-lieu  "),
            (f"q_{long.id}", "Ligne 1\nLigne 2"),
            (f"q_{choice.id}", "B"),
            (f"q_{multi.id}", "C"),
            (f"q_{multi.id}", "A"),
            (f"q_{yes.id}", "oui"),
            (f"q_{no.id}", "non"),
        ]
    )
    form, valid = build_form(app, questions, data)
    assert valid, form.errors
    assert calls.answers_from_form(form, questions) == {
        short.id: "Un tiers-lieu",
        long.id: "Ligne 1\nLigne 2",
        choice.id: "B",
        multi.id: ["A", "C"],  # in the question's order
        yes.id: True,
        no.id: False,
    }


def draft_workshop(make_session):
    """A draft workshop without speakers: answers belong to a session, not to a person."""
    return make_session(
        "Fresque du numérique", kind=FormatKind.workshop, duration=120, state=SessionState.draft, speakers=()
    )


def test_save_answers_stores_updates_and_removes(db, event, make_session):
    session = draft_workshop(make_session)
    text = make_question(db, event, QuestionKind.short_text)
    multi = make_question(db, event, QuestionKind.multiple_choice, choices=["A", "B"])
    yes_no = make_question(db, event, QuestionKind.yes_no)
    questions = [text, multi, yes_no]
    calls.save_answers(questions, {text.id: "Bonjour", multi.id: ["A", "B"], yes_no.id: False}, session=session)
    db.session.commit()
    assert calls.answers_of(session=session) == {text.id: "Bonjour", multi.id: ["A", "B"], yes_no.id: False}

    calls.save_answers(questions, {text.id: "Bonsoir", multi.id: None, yes_no.id: True}, session=session)
    db.session.commit()
    db.session.expire_all()
    assert calls.answers_of(session=session) == {text.id: "Bonsoir", yes_no.id: True}
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 2


def test_answers_of_a_speaker_are_kept_apart(db, event, make_session):
    speaker = SpeakerProfile(event_id=event.id, full_name="Sam Intervenant", email="sam@example.org")
    db.session.add(speaker)
    db.session.commit()
    question = make_question(db, event, QuestionKind.yes_no, target=QuestionTarget.speaker)
    calls.save_answers([question], {question.id: True}, speaker=speaker)
    db.session.commit()
    assert calls.answers_of(speaker=speaker) == {question.id: True}
    assert calls.answers_of(session=draft_workshop(make_session)) == {}


def test_form_data_from_answers_prefills_the_form(app, db, event):
    yes_no = make_question(db, event, QuestionKind.yes_no)
    multi = make_question(db, event, QuestionKind.multiple_choice, choices=["A", "B"])
    data = calls.form_data_from_answers([yes_no, multi], {yes_no.id: False, multi.id: ["B"]})
    assert data == {f"q_{yes_no.id}": "non", f"q_{multi.id}": ["B"]}
    assert calls.display_answer(yes_no, False) == "Non"
    assert calls.display_answer(multi, ["A", "B"]) == "A, B"


def test_questions_for_filters_by_target_and_format(db, event):
    workshop, talk = fmt(event, FormatKind.workshop), fmt(event, FormatKind.talk)
    general = make_question(db, event, QuestionKind.short_text, position=2)
    for_workshops = make_question(db, event, QuestionKind.short_text, format_id=workshop.id, position=1)
    make_question(db, event, QuestionKind.short_text, target=QuestionTarget.speaker)
    assert calls.questions_for(event, QuestionTarget.proposal) == [general]
    assert calls.questions_for(event, QuestionTarget.proposal, workshop) == [for_workshops, general]
    assert calls.questions_for(event, QuestionTarget.proposal, talk) == [general]


# --- questions: the organiser's changes ---------------------------------------------------------


def question_fields(**kw):
    return {
        "target": QuestionTarget.proposal,
        "kind": QuestionKind.short_text,
        "label": "Votre structure",
        **kw,
    }


def test_add_question_appends_at_the_end(db, event, organiser):
    first = calls.add_question(event, organiser, **question_fields())
    second = calls.add_question(
        event, organiser, **question_fields(kind=QuestionKind.choice, choices=["A", " B ", ""], label="Public")
    )
    db.session.commit()
    assert (first.position, second.position) == (0, 1)
    assert second.choices == ["A", "B"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"label": "  "}, "Écrivez la question."),
        ({"kind": QuestionKind.choice, "choices": ["Seule"]}, "au moins deux réponses"),
        ({"kind": QuestionKind.multiple_choice, "choices": []}, "au moins deux réponses"),
        ({"kind": QuestionKind.choice, "choices": ["A", "a"]}, "ne doit figurer qu'une fois"),
        ({"format_id": 999999}, "Choisissez un format de cet événement."),
    ],
)
def test_add_question_refuses_bad_input(db, event, organiser, fields, message):
    with pytest.raises(CallError, match=message):
        calls.add_question(event, organiser, **question_fields(**fields))


def test_update_question_cannot_change_kind_once_answered(db, event, organiser, make_session):
    question = calls.add_question(event, organiser, **question_fields())
    session = draft_workshop(make_session)
    calls.save_answers([question], {question.id: "Un EPN"}, session=session)
    db.session.commit()
    with pytest.raises(CallError, match="a déjà 1 réponse"):
        calls.update_question(question, organiser, **question_fields(kind=QuestionKind.long_text))
    calls.update_question(question, organiser, **question_fields(label="Votre structure ?"))
    assert question.label == "Votre structure ?"


def test_delete_question_deletes_its_answers(db, event, organiser, make_session):
    question = calls.add_question(event, organiser, **question_fields())
    calls.save_answers([question], {question.id: "Un EPN"}, session=draft_workshop(make_session))
    db.session.commit()
    assert calls.delete_question(question, organiser) == 1
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Question.id))) == 0


def test_move_question_within_its_target(db, event, organiser):
    a = calls.add_question(event, organiser, **question_fields(label="A"))
    s = calls.add_question(event, organiser, **question_fields(label="S", target=QuestionTarget.speaker))
    b = calls.add_question(event, organiser, **question_fields(label="B"))
    assert calls.move_question(b, organiser, "up")
    assert not calls.move_question(b, organiser, "up")
    db.session.commit()
    assert [q.label for q in calls.all_questions(event, QuestionTarget.proposal)] == ["B", "A"]
    assert calls.all_questions(event, QuestionTarget.speaker) == [s]
    assert a.position == 1


# --- e-mail wordings ----------------------------------------------------------------------------


def test_update_wording_refuses_unknown_placeholder(db, event, organiser):
    with pytest.raises(CallError, match=r"Ce repère n'existe pas pour cet e-mail : \{prenom\}"):
        calls.update_wording(event, organiser, MailTemplateKind.rejected, "Bonjour {prenom}", "Texte")
    with pytest.raises(CallError, match="Une accolade est seule"):
        calls.update_wording(event, organiser, MailTemplateKind.rejected, "Objet", "Bonjour {person_name")
    assert db.session.scalar(sa.select(sa.func.count(MailTemplate.id))) == 0


def test_update_and_restore_wording(db, event, organiser):
    kind = MailTemplateKind.accepted
    calls.update_wording(event, organiser, kind, "Retenue : {session_title}", "Bonjour {person_name}")
    db.session.commit()
    assert calls.is_customised(event) == {kind}
    assert calls.restore_default_wording(event, organiser, kind)
    db.session.commit()
    assert calls.is_customised(event) == set()
    assert not calls.restore_default_wording(event, organiser, kind)


def test_preview_fills_example_values(app, event):
    subject, body = calls.preview(
        event, MailTemplateKind.accepted, "Bravo {person_name}", "{session_title} : {confirmation_url}", "https://x.fr"
    )
    assert subject == "Bravo Camille Martin"
    assert body == "Les tiers-lieux, moteurs de l'inclusion numérique : https://x.fr/nec-sud-charente/confirm/exemple"


def test_question_field_macro_renders_accessible_fields(app, db, event):
    from flask import render_template_string

    text = make_question(db, event, QuestionKind.short_text, required=True, help_text="Le nom exact")
    choice = make_question(db, event, QuestionKind.choice, choices=["Matin", "Soir"], label="Quand ?")
    form, _ = build_form(app, [text, choice], {})
    with app.test_request_context():
        html = render_template_string(
            '{% from "_forms.html" import any_field %}{% for f in fields %}{{ any_field(f) }}{% endfor %}',
            fields=calls.question_fields(form, [text, choice]),
        )
    assert f'<label for="q_{text.id}">' in html
    assert f'aria-describedby="q_{text.id}-hint q_{text.id}-error"' in html
    assert "Cette question demande une réponse." in html
    assert f'<fieldset class="form-field" id="q_{choice.id}">' in html
    assert "<legend>Quand ?</legend>" in html
    assert f'<label for="q_{choice.id}-1">Soir</label>' in html
