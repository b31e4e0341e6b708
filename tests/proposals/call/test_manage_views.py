"""The organiser's call pages: settings, questions, e-mail wordings; refusals, wrong users, navigation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from nec.core.models import AuditLogEntry, MailTemplate
from nec.events import services as event_services
from nec.events.models import FormatKind
from nec.proposals.call import services as calls
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import (
    Answer,
    Call,
    CallFormat,
    Question,
    QuestionKind,
    QuestionTarget,
    Session,
    SessionState,
)
from tests.support.data import fmt
from tests.support.web import log_in, page_text


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def last_action(db) -> str | None:
    return db.session.scalar(sa.select(AuditLogEntry.action).order_by(AuditLogEntry.id.desc()).limit(1))


def add_question(db, event, **kw) -> Question:
    question = Question(
        event_id=event.id,
        target=kw.pop("target", QuestionTarget.proposal),
        kind=kw.pop("kind", QuestionKind.short_text),
        label=kw.pop("label", "Votre structure"),
        choices=kw.pop("choices", []),
        **kw,
    )
    db.session.add(question)
    db.session.commit()
    return question


def answer(db, event, question, value="Un EPN") -> None:
    session = Session(
        event_id=event.id, format_id=fmt(event, FormatKind.talk).id, title="T", duration=30, state=SessionState.draft
    )
    db.session.add(session)
    db.session.flush()
    db.session.add(Answer(question_id=question.id, session_id=session.id, value=value))
    db.session.commit()


# --- who may see the pages ----------------------------------------------------------------------

PAGES = [
    ("get", "/{ev}/manage/call"),
    ("post", "/{ev}/manage/call"),
    ("get", "/{ev}/manage/questions"),
    ("post", "/{ev}/manage/questions"),
    ("get", "/{ev}/manage/questions/{q}"),
    ("post", "/{ev}/manage/questions/{q}"),
    ("get", "/{ev}/manage/questions/{q}/delete"),
    ("post", "/{ev}/manage/questions/{q}/delete"),
    ("post", "/{ev}/manage/questions/{q}/move"),
    ("get", "/{ev}/manage/mail-templates"),
    ("get", "/{ev}/manage/mail-templates/accepted"),
    ("post", "/{ev}/manage/mail-templates/accepted"),
    ("post", "/{ev}/manage/mail-templates/accepted/reset"),
]


def _url(path, event, question):
    return path.format(ev=event.slug, q=question.id)


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_pages_send_anonymous_visitors_to_login(db, client, event, method, path):
    question = add_question(db, event)
    response = getattr(client, method)(_url(path, event, question), data={"label": "x"})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert count(db, Question) == 1 and count(db, Call) == 0


@pytest.mark.parametrize("who", ["stranger", "reviewer"])
@pytest.mark.parametrize(("method", "path"), PAGES)
def test_pages_refuse_strangers_and_reviewers(db, client, event, request, who, method, path):
    question = add_question(db, event)
    log_in(client, request.getfixturevalue(who))
    data = {"label": "Piratée", "kind": "short_text", "target": "proposal", "subject": "x", "body": "y"}
    response = getattr(client, method)(_url(path, event, question), data=data)
    assert response.status_code == 403
    db.session.expire_all()
    assert question.label == "Votre structure"
    assert (count(db, Question), count(db, Call), count(db, MailTemplate)) == (1, 0, 0)


def test_organiser_of_another_event_gets_403(db, client, event, make_user):
    other = make_user("autre@example.org")
    event_services.create_event(
        other, title="Autre", slug="autre", start_date=date(2030, 5, 1), end_date=date(2030, 5, 1)
    )
    db.session.commit()
    log_in(client, other)
    assert client.get(f"/{event.slug}/manage/call").status_code == 403


def test_question_of_another_event_is_404(db, as_organiser, event, make_user):
    other = event_services.create_event(
        make_user(), title="Autre", slug="autre", start_date=date(2030, 5, 1), end_date=date(2030, 5, 1)
    )
    db.session.commit()
    foreign = add_question(db, other)
    assert as_organiser.get(f"/{event.slug}/manage/questions/{foreign.id}").status_code == 404
    assert as_organiser.post(f"/{event.slug}/manage/questions/{foreign.id}/delete").status_code == 404
    assert count(db, Question) == 1


def test_sub_navigation_links_to_the_call_pages(as_organiser, event):
    text = page_text(as_organiser.get(f"/{event.slug}/manage/"))
    for path, label in [
        ("manage/call", "Appel à participation"),
        ("manage/questions", "Questions"),
        ("manage/mail-templates", "E-mails"),
    ]:
        assert f'href="/{event.slug}/{path}">{label}</a>' in text
    text = page_text(as_organiser.get(f"/{event.slug}/manage/questions"))
    assert f'href="/{event.slug}/manage/questions" aria-current="page">Questions</a>' in text


# --- the call's settings ------------------------------------------------------------------------


def call_data(event, **kw):
    workshop, round_table = fmt(event, FormatKind.workshop), fmt(event, FormatKind.round_table)
    data = {
        "opens_at": "2030-01-10T09:00",
        "closes_at": "2030-03-01T18:00",
        "introduction": "Proposez vos ateliers et tables rondes.",
        "blind_review": "y",
        "reviews_visible_after_own": "y",
        f"offer_{workshop.id}": "y",
        f"closes_{workshop.id}": "",
        f"offer_{round_table.id}": "y",
        f"closes_{round_table.id}": "2030-03-15T18:00",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_call_page_shows_the_form_and_that_the_call_is_not_open(as_organiser, event):
    response = as_organiser.get(f"/{event.slug}/manage/call")
    text = page_text(response)
    assert response.status_code == 200
    assert "L'appel à participation n'est pas ouvert." in text
    for f in event.formats:
        assert f"Proposer le format « {f.name} »" in text
    assert 'type="datetime-local"' in text
    assert "Les relecteurs voient les autres avis seulement après avoir donné le leur" in text


def test_call_page_saves_settings_in_utc(db, as_organiser, event):
    response = as_organiser.post(f"/{event.slug}/manage/call", data=call_data(event))
    assert response.status_code == 302
    assert "Les réglages de l'appel à participation sont enregistrés." in page_text(
        as_organiser.get(response.headers["Location"])
    )
    call = calls.get_call(event)
    assert call.opens_at == datetime(2030, 1, 10, 8, 0, tzinfo=UTC)
    assert call.closes_at == datetime(2030, 3, 1, 17, 0, tzinfo=UTC)
    assert call.blind_review and call.reviews_visible_after_own
    assert call.introduction == "Proposez vos ateliers et tables rondes."
    own = {cf.format.kind: cf.closes_at for cf in call.formats}
    assert own == {FormatKind.workshop: None, FormatKind.round_table: datetime(2030, 3, 15, 17, 0, tzinfo=UTC)}
    assert last_action(db) == "call.updated"

    # The page shows the saved values back, in the event's time zone.
    text = page_text(as_organiser.get(f"/{event.slug}/manage/call"))
    assert 'value="2030-01-10T09:00"' in text
    assert 'value="2030-03-15T18:00"' in text


def test_call_page_unchecking_options_turns_them_off(db, as_organiser, event):
    as_organiser.post(f"/{event.slug}/manage/call", data=call_data(event))
    workshop = fmt(event, FormatKind.workshop)
    data = call_data(event, blind_review=None, reviews_visible_after_own=None, **{f"offer_{workshop.id}": None})
    assert as_organiser.post(f"/{event.slug}/manage/call", data=data).status_code == 302
    db.session.expire_all()
    call = calls.get_call(event)
    assert not call.blind_review and not call.reviews_visible_after_own
    assert [cf.format.kind for cf in call.formats] == [FormatKind.round_table]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes_at": "2030-01-01T18:00"}, "La clôture de l'appel doit être après son ouverture."),
        ({"closes_at": "2030-01-10T09:00"}, "La clôture de l'appel doit être après son ouverture."),
        ({"opens_at": "demain"}, "Indiquez une date et une heure valides"),
        ("own_before_opening", "La clôture propre au format « Table ronde » doit être après l'ouverture"),
    ],
)
def test_call_page_refuses_bad_dates_and_changes_nothing(db, as_organiser, event, change, message):
    if change == "own_before_opening":
        change = {f"closes_{fmt(event, FormatKind.round_table).id}": "2030-01-09T18:00"}
    response = as_organiser.post(f"/{event.slug}/manage/call", data=call_data(event, **change))
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "Rien n'a été enregistré" in text
    assert (count(db, Call), count(db, CallFormat), count(db, AuditLogEntry)) == (0, 0, 1)  # event.created only


def test_call_page_refusal_keeps_existing_settings(db, as_organiser, event):
    as_organiser.post(f"/{event.slug}/manage/call", data=call_data(event))
    before = count(db, AuditLogEntry)
    response = as_organiser.post(
        f"/{event.slug}/manage/call", data=call_data(event, closes_at="2029-01-01T00:00", introduction="Autre")
    )
    assert "La clôture de l'appel doit être après son ouverture." in page_text(response)
    db.session.expire_all()
    call = calls.get_call(event)
    assert call.introduction == "Proposez vos ateliers et tables rondes."
    assert count(db, AuditLogEntry) == before


# --- questions ----------------------------------------------------------------------------------


def question_data(**kw):
    data = {"target": "proposal", "kind": "short_text", "label": "Votre structure", "help_text": "", "choices": ""}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_questions_page_adds_a_choice_question(db, as_organiser, event):
    workshop = fmt(event, FormatKind.workshop)
    data = question_data(
        kind="choice",
        label="Matériel",
        help_text="Pour préparer la salle",
        choices="Vidéoprojecteur\r\n\r\n Tables en îlots \r\n",
        required="y",
        format_id=str(workshop.id),
    )
    response = as_organiser.post(f"/{event.slug}/manage/questions", data=data)
    assert response.status_code == 302
    text = page_text(as_organiser.get(response.headers["Location"]))
    assert "La question « Matériel » est ajoutée." in text
    question = db.session.scalars(sa.select(Question)).one()
    assert (question.kind, question.choices, question.required, question.format_id) == (
        QuestionKind.choice,
        ["Vidéoprojecteur", "Tables en îlots"],
        True,
        workshop.id,
    )
    assert question.help_text == "Pour préparer la salle"
    assert "Matériel" in text and "Vidéoprojecteur · Tables en îlots" in text
    assert last_action(db) == "question.created"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": ""}, "Écrivez la question."),
        ({"label": "   "}, "Écrivez la question."),
        ({"label": "x" * 301}, "La question ne doit pas dépasser 300 caractères."),
        ({"kind": "choice", "choices": ""}, "Écrivez au moins deux réponses proposées, une par ligne."),
        ({"kind": "multiple_choice", "choices": "Une seule"}, "Écrivez au moins deux réponses proposées"),
        ({"kind": "choice", "choices": "Oui\nOUI"}, "Chaque réponse proposée ne doit figurer qu'une fois."),
        ({"kind": "essai"}, "Choisissez un type de réponse dans la liste."),
        ({"format_id": "999999"}, "Choisissez un format dans la liste."),
    ],
)
def test_questions_page_refuses_bad_input_and_changes_nothing(db, as_organiser, event, data, message):
    response = as_organiser.post(f"/{event.slug}/manage/questions", data=question_data(**data))
    assert response.status_code == 200
    assert message in page_text(response)
    assert (count(db, Question), count(db, AuditLogEntry)) == (0, 1)  # event.created only


def test_edit_question_saves_changes(db, as_organiser, event):
    question = add_question(db, event)
    url = f"/{event.slug}/manage/questions/{question.id}"
    assert 'value="Votre structure"' in page_text(as_organiser.get(url))
    response = as_organiser.post(url, data=question_data(label="Votre commune", target="speaker", required="y"))
    assert response.status_code == 302
    assert "La question « Votre commune » est enregistrée." in page_text(as_organiser.get(response.headers["Location"]))
    db.session.expire_all()
    assert (question.label, question.target, question.required) == ("Votre commune", QuestionTarget.speaker, True)
    assert last_action(db) == "question.updated"


def test_edit_question_refuses_new_kind_once_answered(db, as_organiser, event):
    question = add_question(db, event)
    answer(db, event, question)
    response = as_organiser.post(
        f"/{event.slug}/manage/questions/{question.id}", data=question_data(kind="yes_no", label="Autre")
    )
    assert "Cette question a déjà 1 réponse" in page_text(response)
    db.session.expire_all()
    assert (question.kind, question.label) == (QuestionKind.short_text, "Votre structure")


def test_delete_question_asks_and_says_how_many_answers_go(db, as_organiser, event):
    question = add_question(db, event)
    answer(db, event, question)
    answer(db, event, question, "Un tiers-lieu")
    url = f"/{event.slug}/manage/questions/{question.id}/delete"
    text = page_text(as_organiser.get(url))
    assert "Supprimer la question « Votre structure » ?" in text
    assert "Cette question a déjà 2 réponses : elles seront supprimées avec la question." in text
    assert count(db, Question) == 1
    response = as_organiser.post(url)
    assert response.status_code == 302
    assert "La question « Votre structure » est supprimée." in page_text(as_organiser.get(response.headers["Location"]))
    assert (count(db, Question), count(db, Answer)) == (0, 0)
    assert last_action(db) == "question.deleted"


def test_delete_question_without_answers_says_so(db, as_organiser, event):
    question = add_question(db, event)
    text = page_text(as_organiser.get(f"/{event.slug}/manage/questions/{question.id}/delete"))
    assert "Personne n'a encore répondu à cette question." in text


def test_move_question_reorders(db, as_organiser, event):
    first = add_question(db, event, label="Première", position=0)
    second = add_question(db, event, label="Deuxième", position=1)
    response = as_organiser.post(f"/{event.slug}/manage/questions/{second.id}/move", data={"direction": "up"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [q.id for q in calls.all_questions(event)] == [second.id, first.id]
    text = page_text(as_organiser.get(f"/{event.slug}/manage/questions"))
    assert text.index("Deuxième") < text.index("Première")


# --- e-mail wordings ----------------------------------------------------------------------------


def test_mail_templates_page_lists_every_kind(as_organiser, event):
    text = page_text(as_organiser.get(f"/{event.slug}/manage/mail-templates"))
    for kind in MailTemplateKind:
        assert kind.title in text
        assert f"/{event.slug}/manage/mail-templates/{kind.value}" in text


def test_mail_template_page_shows_placeholders_and_preview(as_organiser, event):
    text = page_text(as_organiser.get(f"/{event.slug}/manage/mail-templates/accepted"))
    for name in ("{person_name}", "{session_title}", "{confirmation_url}", "{event_title}"):
        assert f"<code>{name}</code>" in text
    assert "Bonne nouvelle : la session « Les tiers-lieux, moteurs de l'inclusion numérique » est retenue" in text
    assert "C'est le texte par défaut." in text


def test_mail_template_saves_and_resets(db, as_organiser, event):
    url = f"/{event.slug}/manage/mail-templates/accepted"
    response = as_organiser.post(url, data={"subject": "Retenue : {session_title}", "body": "Bonjour {person_name}"})
    assert response.status_code == 302
    assert "Le texte de l'e-mail « Proposition acceptée (demande de confirmation) » est enregistré." in page_text(
        as_organiser.get(response.headers["Location"])
    )
    row = db.session.scalars(sa.select(MailTemplate)).one()
    assert (row.kind, row.subject, row.body) == (
        MailTemplateKind.accepted,
        "Retenue : {session_title}",
        "Bonjour {person_name}",
    )
    assert last_action(db) == "mail_template.updated"
    text = page_text(as_organiser.get(url))
    assert "Bonjour Camille Martin" in text and "Revenir au texte par défaut" in text

    response = as_organiser.post(f"{url}/reset")
    assert response.status_code == 302
    assert "reprend le texte par défaut" in page_text(as_organiser.get(response.headers["Location"]))
    assert count(db, MailTemplate) == 0
    assert last_action(db) == "mail_template.reset"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "Bonjour {prenom}"}, "Ce repère n'existe pas pour cet e-mail : {prenom}."),
        (
            {"body": "« {session_title} » {lien} {nom}"},
            "Ces repères n'existent pas pour cet e-mail : {lien}, {nom}.",
        ),
        ({"body": "Bonjour {person_name"}, "Une accolade est seule"),
        ({"subject": "{event_title:>10000000}"}, "retirez ce qui suit le nom dans {event_title:>10000000}"),
        ({"body": "{person_name!r} {event_title.upper} {x[0]}"}, "{person_name!r}, {event_title.upper}, {x[0]}"),
        ({"subject": ""}, "Écrivez l'objet de l'e-mail."),
    ],
)
def test_mail_template_refuses_unknown_placeholders(db, as_organiser, event, data, message):
    form = {"subject": "Objet", "body": "Texte", **data}
    response = as_organiser.post(f"/{event.slug}/manage/mail-templates/rejected", data=form)
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "Rien n'a été enregistré" in text
    assert (count(db, MailTemplate), count(db, AuditLogEntry)) == (0, 1)  # event.created only


def test_mail_template_preview_does_not_save(db, as_organiser, event):
    response = as_organiser.post(
        f"/{event.slug}/manage/mail-templates/rejected",
        data={"subject": "Merci {person_name}", "body": "À bientôt à {event_title}", "preview": "1"},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Merci Camille Martin" in text and "À bientôt à NEC Sud Charente" in text
    assert count(db, MailTemplate) == 0


def test_unknown_mail_template_kind_is_404(as_organiser, event):
    assert as_organiser.get(f"/{event.slug}/manage/mail-templates/nope").status_code == 404


def test_forms_refuse_a_post_without_csrf_token_in_real_runs(db, app, as_organiser, event, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    question = add_question(db, event)
    assert (
        as_organiser.post(f"/{event.slug}/manage/questions", data=question_data(label="Sans jeton")).status_code == 400
    )
    assert as_organiser.post(f"/{event.slug}/manage/questions/{question.id}/delete").status_code == 400
    assert as_organiser.post(f"/{event.slug}/manage/call", data=call_data(event)).status_code == 400
    assert (count(db, Question), count(db, Call)) == (1, 0)
    text = page_text(as_organiser.get(f"/{event.slug}/manage/questions"))
    assert 'name="csrf_token"' in text
