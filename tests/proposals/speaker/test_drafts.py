"""A draft saves with a title alone; what a proposal needs is asked when it is sent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nec.events.models import FormatKind
from nec.proposals.models import Question, QuestionKind, QuestionTarget, Session, SessionState
from nec.proposals.speaker import submission
from nec.proposals.speaker.errors import IncompleteProposal
from tests.proposals.speaker.helpers import round_table_data
from tests.support.data import fmt, outbox
from tests.support.web import log_in, page_text

EV = "/nec-sud-charente"


def _title_only(**extra) -> dict:
    data = {"title": "Tiers-lieux et inclusion", "level": "beginner", "language": "fr", "attendance_mode": "either"}
    data.update(extra)
    return data


def _required_question(db, event) -> Question:
    question = Question(
        event_id=event.id,
        target=QuestionTarget.proposal,
        kind=QuestionKind.short_text,
        label="Quel territoire ?",
        required=True,
    )
    db.session.add(question)
    db.session.commit()
    return question


def test_draft_with_a_title_alone_is_saved(db, client, event, call, speaker):
    question = _required_question(db, event)
    log_in(client, speaker)
    workshop = fmt(event, FormatKind.workshop)
    response = client.post(
        f"{EV}/me/proposals/new?format={workshop.id}", data=_title_only(own_role="facilitator", save_draft="1")
    )
    assert response.status_code == 302
    session = db.session.scalar(sa.select(Session))
    assert session.state is SessionState.draft and session.title == "Tiers-lieux et inclusion"
    assert session.summary == "" and session.seat_capacity is None and session.duration == workshop.default_duration
    assert outbox() == []
    assert "Votre brouillon est enregistré" in page_text(client.get(f"{EV}/me/"))
    form_page = page_text(client.get(f"{EV}/me/proposals/{session.id}"))
    assert "Tiers-lieux et inclusion" in form_page and question.label in form_page


def test_draft_still_needs_its_title(db, client, event, call, speaker):
    log_in(client, speaker)
    response = client.post(
        f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}",
        data=_title_only(title="", own_role="moderator", save_draft="1"),
    )
    assert response.status_code == 400
    assert "Donnez un titre à votre session." in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Session)) == 0


def test_sending_an_incomplete_draft_lists_what_is_missing(db, client, event, call, speaker):
    question = _required_question(db, event)
    log_in(client, speaker)
    workshop = fmt(event, FormatKind.workshop)
    client.post(f"{EV}/me/proposals/new?format={workshop.id}", data=_title_only(own_role="facilitator", save_draft="1"))
    session = db.session.scalar(sa.select(Session))
    response = client.post(f"{EV}/me/proposals/{session.id}", data=_title_only(own_role="facilitator", submit="1"))
    assert response.status_code == 400
    text = page_text(response)
    assert "Rien n'a été enregistré" in text
    assert "Résumé : Écrivez un court résumé de la session." in text
    assert "Nombre de places : Indiquez le nombre de places de l'atelier." in text
    assert f"{question.label} : Cette question demande une réponse." in text
    db.session.expire_all()
    assert db.session.get(Session, session.id).state is SessionState.draft
    assert outbox() == []


def test_the_service_refuses_to_send_an_incomplete_proposal(db, event, call, speaker):
    """The rule lives in the service too: a proposal sent by any way is complete."""
    with pytest.raises(IncompleteProposal) as refused:
        submission.save_proposal(
            event,
            speaker,
            fmt(event, FormatKind.round_table),
            round_table_data(summary="", co_speakers=[]),
            submit=True,
        )
    fields = [field for field, _message in refused.value.problems]
    assert fields[0] == "summary" and "co_speakers" in fields
    db.session.rollback()


def test_completing_a_draft_sends_it(db, client, event, call, speaker):
    log_in(client, speaker)
    round_table = fmt(event, FormatKind.round_table)
    draft = _title_only(own_role="moderator", save_draft="1")
    client.post(f"{EV}/me/proposals/new?format={round_table.id}", data=draft)
    session = db.session.scalar(sa.select(Session))
    complete = _title_only(
        own_role="moderator",
        summary="Ce que les tiers-lieux changent.",
        duration="75",
        submit="1",
        **{"co_speakers-0-name": "Paul P", "co_speakers-0-email": "paul@example.org"},
        **{"co_speakers-1-name": "Nadia N", "co_speakers-1-email": "nadia@example.org"},
        **{"co_speakers-0-role": "panelist", "co_speakers-1-role": "panelist"},
    )
    response = client.post(f"{EV}/me/proposals/{session.id}", data=complete)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Session, session.id).state is SessionState.submitted
    assert sorted(m.to_address for m in outbox()) == ["nadia@example.org", "paul@example.org", "sophie@example.org"]
