"""An error on a co-speaker's row says whose row it is, at the top of the page as beside the field."""

from __future__ import annotations

import sqlalchemy as sa

from nec.events.models import FormatKind
from nec.proposals.models import Session
from tests.support.data import fmt, outbox
from tests.support.web import log_in, page_text

EV = "/nec-sud-charente"


def _form(**rows) -> dict:
    data = {
        "title": "Le métier de médiateur numérique",
        "summary": "Trois regards sur un métier jeune.",
        "duration": "75",
        "level": "beginner",
        "language": "fr",
        "attendance_mode": "either",
        "own_role": "moderator",
        "submit": "1",
    }
    for i in range(5):
        data.update({f"co_speakers-{i}-name": "", f"co_speakers-{i}-email": "", f"co_speakers-{i}-role": "panelist"})
    data.update(rows)
    return data


def test_co_speaker_errors_name_the_person(db, client, event, call, speaker):
    log_in(client, speaker)
    response = client.post(
        f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}",
        data=_form(
            **{"co_speakers-0-name": "Paul Panéliste", "co_speakers-0-email": "paul@example.org"},
            **{"co_speakers-1-name": "Nadia Intervenante", "co_speakers-1-email": "nadia@@example"},
            **{"co_speakers-2-name": "Sans Adresse"},
        ),
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Personne 2 (nadia@@example) : Cette adresse e-mail n'est pas valide." in text
    assert (
        "Personne 3 (Sans Adresse) : Indiquez à la fois le nom et l'adresse e-mail de la personne, ou aucun des deux."
        in text
    )
    assert "Personne 1 (" not in text  # a correct row has no error
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Session)) == 0 and outbox() == []


def test_a_row_with_an_address_only_is_named_by_its_address(db, client, event, call, speaker):
    log_in(client, speaker)
    response = client.post(
        f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}",
        data=_form(**{"co_speakers-3-email": "lea@example.org"}),
    )
    assert response.status_code == 400
    assert "Personne 4 (lea@example.org) : Indiquez à la fois le nom" in page_text(response)


def test_an_unknown_role_names_the_person(db, client, event, call, speaker):
    log_in(client, speaker)
    rows = {"co_speakers-0-name": "Paul P", "co_speakers-0-email": "paul@example.org", "co_speakers-0-role": "boss"}
    response = client.post(f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}", data=_form(**rows))
    assert response.status_code == 400
    assert "Personne 1 (paul@example.org) : choisissez son rôle dans la liste." in page_text(response)
