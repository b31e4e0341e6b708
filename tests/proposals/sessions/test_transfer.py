"""Import of sessions and speakers (CSV, XLSX) with a per-row French report, and the exports."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from nec.core import tables
from nec.core.db import utcnow
from nec.events.models import FormatKind
from nec.proposals.models import (
    Call,
    Review,
    ReviewCriterion,
    ReviewScore,
    Session,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
    StructureType,
)
from nec.proposals.session_speakers import SessionSpeakerData
from nec.proposals.sessions import services as session_services
from nec.proposals.sessions import transfer
from nec.proposals.sessions.services import SessionDetails
from nec.proposals.sessions.transfer import ImportFileError
from tests.support.data import fmt
from tests.support.web import log_in, page_text

HEADER = "titre;format;thème;résumé;durée;places;état;intervenant_1_nom;intervenant_1_email;intervenant_1_rôle;" + (
    "intervenant_2_nom;intervenant_2_email;intervenant_2_rôle;intervenant_3_nom;intervenant_3_email;intervenant_3_rôle"
)
ROUND_TABLE = (
    "Financer la médiation;Table ronde;Financer la médiation;Des financeurs témoignent.;;;Confirmée;"
    "Mona Modératrice;mona@example.org;Modération;Paul Panéliste;paul@example.org;Intervenant·e de table ronde;"
    "Pia Panéliste;pia@example.org;intervenant·e"
)
WORKSHOP = (
    "Animer un réseau local;Atelier;;Méthodes et outils.;90 min;25;Acceptée;Alix Animatrice;alix@example.org;;;;;;;"
)
BAD_FORMAT = "Une conférence;Conférence;;;;;;Léo Orateur;leo@example.org;;;;;;;"


def csv_bytes(*lines: str, bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sessions(db, event) -> list[Session]:
    return list(db.session.scalars(sa.select(Session).where(Session.event_id == event.id).order_by(Session.id)))


def profiles(db) -> list[SpeakerProfile]:
    return list(db.session.scalars(sa.select(SpeakerProfile).order_by(SpeakerProfile.id)))


# --- sessions ----------------------------------------------------------------------------------------


def test_import_sessions_csv_with_bom_and_semicolons(db, event, organiser):
    report = transfer.run_import(event, organiser, "sessions", csv_bytes(HEADER, ROUND_TABLE, WORKSHOP), "prog.csv")
    assert report.problems == [] and report.applied
    db.session.commit()
    assert (report.created, report.new_speakers) == (2, 4)

    round_table, workshop = sessions(db, event)
    assert round_table.title == "Financer la médiation" and round_table.format.kind == FormatKind.round_table
    assert round_table.theme.name == "Financer la médiation"
    assert round_table.state == SessionState.confirmed and round_table.duration == 75
    assert [(p.speaker.email, p.role) for p in round_table.speakers] == [
        ("mona@example.org", SpeakerRole.moderator),
        ("paul@example.org", SpeakerRole.panelist),
        ("pia@example.org", SpeakerRole.panelist),  # "intervenant·e" in a round table is a panelist
    ]
    assert (workshop.state, workshop.duration, workshop.seat_capacity) == (SessionState.accepted, 90, 25)
    assert workshop.speakers[0].role == SpeakerRole.facilitator  # empty role: the format's usual one
    assert all(p.user_id is None for p in profiles(db))


def test_import_sessions_csv_with_commas_and_no_bom(db, event, organiser):
    header = "titre,format,intervenant_1_nom,intervenant_1_email,intervenant_1_rôle"
    data = csv_bytes(header, '"Ouverture, et bienvenue",Plénière,Ana Invitée,ana@example.org,Intervenant·e', bom=False)
    report = transfer.run_import(event, organiser, "sessions", data, "ouverture.CSV".lower())
    assert report.problems == []
    db.session.commit()
    [session] = sessions(db, event)
    assert session.title == "Ouverture, et bienvenue" and session.format.kind == FormatKind.plenary


def test_import_sessions_xlsx(db, event, organiser):
    rows = [
        ["titre", "format", "thème", "durée", "places", "Intervenant 1 nom", "intervenant_1_email",
         "intervenant_1_rôle"],
        ["Atelier réseau", "Atelier", "Animer un réseau", 120, 20, "Alix Animatrice", "Alix@Example.org", "Animation"],
        ["Une intervention", "intervention", None, None, None, "Ivo Intervenant", "ivo@example.org", None],
    ]  # fmt: skip
    report = transfer.run_import(event, organiser, "sessions", xlsx_bytes(rows), "programme.xlsx")
    assert report.problems == [] and report.created == 2
    db.session.commit()
    workshop, talk = sessions(db, event)
    assert (workshop.duration, workshop.seat_capacity, workshop.theme.name) == (120, 20, "Animer un réseau")
    assert workshop.speakers[0].speaker.email == "alix@example.org"
    assert talk.format.kind == FormatKind.talk and talk.speakers[0].role == SpeakerRole.speaker


def test_import_sessions_reports_each_problem_in_french_with_its_row(db, event, organiser):
    no_moderator = ROUND_TABLE.replace(";Modération;", ";Intervenant·e de table ronde;").replace(
        "Financer la médiation;Table", "Sans modération;Table"
    )
    lines = [
        HEADER,
        ROUND_TABLE,  # row 2: fine
        BAD_FORMAT,  # row 3
        "Trop longue;Table ronde;Inconnu;;700;;Brouillon;Mona;pas-une-adresse;Chef;;;;;;",  # row 4
        no_moderator,  # row 5
        WORKSHOP.replace(";25;", ";;"),  # row 6: a workshop without seats
        ROUND_TABLE,  # row 7: the same title again
    ]
    report = transfer.run_import(event, organiser, "sessions", csv_bytes(*lines), "prog.csv")
    assert not report.applied
    assert (report.rows, report.invalid_rows) == (6, 5)
    problems = report.problems
    assert (
        "Ligne 3 : le format « Conférence » n'existe pas pour cet événement. "
        "Formats possibles : Table ronde, Atelier, Intervention, Plénière."
    ) in problems
    assert any(p.startswith("Ligne 4 : le thème « Inconnu » n'existe pas") for p in problems)
    assert "Ligne 4 : la durée « 700 » n'est pas un nombre de minutes entre 1 et 600." in problems
    assert any(p.startswith("Ligne 4 : l'état « Brouillon » n'est pas possible ici.") for p in problems)
    assert any("Ligne 4 : l'adresse e-mail « pas-une-adresse » de l'intervenant·e 1" in p for p in problems)
    assert any(p.startswith("Ligne 4 : le rôle « Chef » de l'intervenant·e 1 n'existe pas.") for p in problems)
    assert any(p.startswith("Ligne 5 : Une table ronde a besoin d'une personne à la modération") for p in problems)
    assert any(p.startswith("Ligne 6 : Indiquez le nombre de places de l'atelier") for p in problems)
    assert "Ligne 7 : ce titre est déjà celui de la ligne 2 : deux sessions ne peuvent pas avoir le même titre." in (
        problems
    )
    assert not any(p.startswith("Ligne 2 ") for p in problems)


def test_import_sessions_all_or_nothing_by_default(db, event, organiser):
    report = transfer.run_import(event, organiser, "sessions", csv_bytes(HEADER, ROUND_TABLE, BAD_FORMAT), "p.csv")
    assert not report.applied and report.created == 0
    db.session.commit()
    assert sessions(db, event) == [] and profiles(db) == []


def test_import_sessions_valid_rows_only_on_request(db, event, organiser):
    data = csv_bytes(HEADER, ROUND_TABLE, BAD_FORMAT)
    report = transfer.run_import(event, organiser, "sessions", data, "p.csv", only_valid=True)
    assert report.applied and report.created == 1 and report.invalid_rows == 1
    assert report.problems and report.problems[0].startswith("Ligne 3 :")
    db.session.commit()
    assert [s.title for s in sessions(db, event)] == ["Financer la médiation"]
    assert "leo@example.org" not in {p.email for p in profiles(db)}


def test_import_sessions_again_is_refused_row_by_row_and_reuses_speakers(db, event, organiser):
    transfer.run_import(event, organiser, "sessions", csv_bytes(HEADER, ROUND_TABLE), "p.csv")
    db.session.commit()
    report = transfer.run_import(event, organiser, "sessions", csv_bytes(HEADER, ROUND_TABLE, WORKSHOP), "p.csv")
    assert report.problems == [
        "Ligne 2 : une session « Financer la médiation » existe déjà pour cet événement. "
        "Retirez cette ligne, ou changez le titre."
    ]
    other = WORKSHOP.replace("alix@example.org", "MONA@example.org")
    report = transfer.run_import(event, organiser, "sessions", csv_bytes(HEADER, other), "p.csv")
    assert report.applied and report.new_speakers == 0
    db.session.commit()
    assert len(sessions(db, event)) == 2
    assert sorted(p.email for p in profiles(db)) == ["mona@example.org", "paul@example.org", "pia@example.org"]


def test_import_sessions_missing_column_says_which(db, event, organiser):
    with pytest.raises(ImportFileError) as error:
        transfer.run_import(event, organiser, "sessions", csv_bytes("titre;thème", "A;B"), "p.csv")
    assert "colonne « format »" in error.value.message


# --- files checked by their content ------------------------------------------------------------------


def test_import_refuses_a_binary_file_renamed_csv(db, event, organiser):
    with pytest.raises(ImportFileError) as error:
        transfer.run_import(event, organiser, "sessions", bytes(range(256)) * 10, "programme.csv")
    assert "ne contient pas du texte" in error.value.message
    with pytest.raises(ImportFileError):  # a real workbook renamed .csv is not text either
        transfer.run_import(event, organiser, "sessions", xlsx_bytes([["titre", "format"]]), "programme.csv")


def test_import_refuses_a_text_file_renamed_xlsx(db, event, organiser):
    with pytest.raises(ImportFileError) as error:
        transfer.run_import(event, organiser, "sessions", csv_bytes(HEADER, ROUND_TABLE), "programme.xlsx")
    assert "n'est pas un classeur Excel" in error.value.message


def test_import_refuses_a_zip_that_is_not_a_workbook(db, event, organiser):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("bonjour.txt", "pas un classeur")
    with pytest.raises(ImportFileError) as error:
        transfer.run_import(event, organiser, "sessions", out.getvalue(), "programme.xlsx")
    assert "n'a pas pu être lu" in error.value.message


def test_import_refuses_a_csv_not_in_utf8(db, event, organiser):
    data = "titre;format\nCafé numérique;Atelier\n".encode("cp1252")
    with pytest.raises(ImportFileError) as error:
        transfer.run_import(event, organiser, "sessions", data, "programme.csv")
    assert "UTF-8" in error.value.message


def test_import_refuses_a_file_over_5_mb_and_other_extensions(db, event, organiser):
    with pytest.raises(ImportFileError) as error:
        transfer.run_import(event, organiser, "sessions", b"titre;format\n" + b"a;b\n" * 1_400_000, "gros.csv")
    assert "5 Mo" in error.value.message
    with pytest.raises(ImportFileError) as error:
        transfer.run_import(event, organiser, "sessions", b"titre;format\n", "programme.ods")
    assert ".xlsx" in error.value.message


# --- speakers ----------------------------------------------------------------------------------------


def test_import_speakers_creates_then_updates_by_email(db, event, organiser):
    first = csv_bytes(
        "nom;email;structure;type_structure;territoire;bio",
        "Camille Exemple;camille@example.org;Centre social Le Lien;Centre social;Chalais (Charente);Anime.",
        "Yann Modèle;yann@example.org;;;;",
    )
    report = transfer.run_import(event, organiser, "speakers", first, "intervenants.csv")
    assert (report.created, report.updated, report.problems) == (2, 0, [])
    db.session.commit()

    second = xlsx_bytes(
        [
            ["nom", "email", "structure", "type_structure", "territoire", "bio"],
            ["Camille Exemple-Durand", "CAMILLE@example.org", None, "tiers-lieu", None, None],
            ["Zoé Nouvelle", "zoe@example.org", "EPN Le Clic", "EPN", "Angoulême", "Médiatrice."],
        ]
    )
    report = transfer.run_import(event, organiser, "speakers", second, "intervenants.xlsx")
    assert (report.created, report.updated, report.problems) == (1, 1, [])
    db.session.commit()

    by_email = {p.email: p for p in profiles(db)}
    assert sorted(by_email) == ["camille@example.org", "yann@example.org", "zoe@example.org"]
    camille = by_email["camille@example.org"]
    assert camille.full_name == "Camille Exemple-Durand"
    assert camille.structure == "Centre social Le Lien"  # an empty cell keeps the value
    assert camille.structure_type == StructureType.third_place
    assert by_email["zoe@example.org"].structure_type == StructureType.epn
    assert by_email["yann@example.org"].structure_type == StructureType.other


def test_import_speakers_reports_bad_rows(db, event, organiser):
    data = csv_bytes(
        "nom;email;type_structure",
        ";sans-nom@example.org;",
        "Bad Mail;bad-mail;",
        "Type Inconnu;type@example.org;Fusée",
        "Doublon;type@example.org;",
    )
    report = transfer.run_import(event, organiser, "speakers", data, "intervenants.csv")
    assert not report.applied and report.invalid_rows == 4
    assert "Ligne 2 : le nom est vide." in report.problems
    assert any(p.startswith("Ligne 3 : l'adresse e-mail « bad-mail » n'est pas valide") for p in report.problems)
    assert any(p.startswith("Ligne 4 : le type de structure « Fusée » n'existe pas.") for p in report.problems)
    assert "Ligne 5 : l'adresse type@example.org est déjà celle de la ligne 4." in report.problems
    assert profiles(db) == []


# --- example files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sessions", "speakers"])
@pytest.mark.parametrize("fmt_name", ["csv", "xlsx"])
def test_example_files_import_without_a_problem(db, event, organiser, kind, fmt_name):
    columns, rows = transfer.example_table(event, kind)
    data = tables.write(columns, rows, fmt_name, "exemple")
    report = transfer.run_import(event, organiser, kind, data, f"exemple.{fmt_name}")
    assert report.problems == [] and report.applied and report.created == len(rows) >= 2


# --- exports -----------------------------------------------------------------------------------------


@pytest.fixture
def reviewed(db, event, organiser, reviewer):
    """A proposal with a formula-like title and a review, and a programmed plenary."""
    proposal = session_services.create_session(
        event,
        organiser,
        SessionDetails(format=fmt(event, FormatKind.talk), theme=event.themes[0], title='=HYPERLINK("x")'),
        [SessionSpeakerData("@Léa Formule", "lea@example.org", SpeakerRole.speaker)],
        SessionState.confirmed,
    )
    proposal.state = SessionState.submitted
    proposal.submitted_at = utcnow()
    session_services.create_session(
        event,
        organiser,
        SessionDetails(format=fmt(event, FormatKind.plenary), theme=None, title="Ouverture"),
        [SessionSpeakerData("Ana Invitée", "ana@example.org", SpeakerRole.speaker)],
        SessionState.confirmed,
    )
    relevance = ReviewCriterion(event_id=event.id, name="Pertinence", max_score=5, weight=2, position=0)
    clarity = ReviewCriterion(event_id=event.id, name="Clarté", max_score=2, weight=1, position=1)
    db.session.add_all([relevance, clarity, Call(event_id=event.id, blind_review=True)])
    db.session.flush()
    review = Review(session_id=proposal.id, reviewer_id=reviewer.id, comment="-2 points pour la forme")
    review.scores = [ReviewScore(criterion_id=relevance.id, value=4), ReviewScore(criterion_id=clarity.id, value=1)]
    db.session.add(review)
    db.session.commit()
    return proposal


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM that tells Excel it is UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(content: bytes) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_export_proposals_csv_parses_back_with_states_and_marks(db, event, reviewed):
    columns, rows = transfer.export_table(event, "proposals")
    parsed = _csv_rows(tables.write(columns, rows, "csv", "propositions"))
    by_title = {row["Titre"]: row for row in parsed}
    assert set(by_title) == {'\'=HYPERLINK("x")', "Ouverture"}  # the formula is neutralised
    proposal = by_title['\'=HYPERLINK("x")']
    assert proposal["État"] == "Proposée" and proposal["Format"] == "Intervention"
    assert proposal["Thème"] == "Financer la médiation"
    assert proposal["Intervenant·es"].startswith("'@Léa Formule (Intervenant·e")
    # (4/5 × 2 + 1/2 × 1) ÷ 3 × 100 = 70
    assert proposal["Note moyenne (sur 100)"] == "70.0" and proposal["Nombre d'évaluations"] == "1"
    assert by_title["Ouverture"]["État"] == "Confirmée" and by_title["Ouverture"]["Note moyenne (sur 100)"] == ""


def test_export_reviews_xlsx_names_reviewers_with_scores(db, event, reviewed, reviewer):
    columns, rows = transfer.export_table(event, "reviews")
    [row] = _xlsx_rows(tables.write(columns, rows, "xlsx", "evaluations"))
    assert row["Relecteur ou relectrice"] == "Rémi Relecteur"  # organisers see who reviewed, blind or not
    assert row["Pertinence (sur 5)"] == 4 and row["Clarté (sur 2)"] == 1
    assert row["Note (sur 100)"] == 70
    assert row["Commentaire"] == "'-2 points pour la forme"
    assert row["Session"] == '\'=HYPERLINK("x")'


def test_export_xlsx_has_no_formula_cell(db, event, reviewed):
    columns, rows = transfer.export_table(event, "proposals")
    workbook = openpyxl.load_workbook(io.BytesIO(tables.write(columns, rows, "xlsx", "propositions")))
    cells = [cell for row in workbook.active.iter_rows() for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    assert any(cell.value == '\'=HYPERLINK("x")' for cell in cells)


def test_export_speakers_lists_claimed_and_sessions(db, event, reviewed, stranger):
    profile = db.session.scalar(sa.select(SpeakerProfile).where(SpeakerProfile.email == "ana@example.org"))
    profile.user_id = stranger.id
    db.session.commit()
    columns, rows = transfer.export_table(event, "speakers")
    parsed = {row["E-mail"]: row for row in _csv_rows(tables.write(columns, rows, "csv", "intervenants"))}
    assert parsed["ana@example.org"]["Compte relié"] == "oui"
    assert parsed["lea@example.org"]["Compte relié"] == "non"
    assert parsed["lea@example.org"]["Nom"] == "'@Léa Formule"
    assert "Ouverture (Intervenant·e, Confirmée)" in parsed["ana@example.org"]["Sessions"]


def test_neutralise_only_touches_risky_text():
    assert [tables.neutralise(v) for v in ["=1+1", "+33 6", "-x", "@SUM", "\tA", "Atelier", 5, -3, None]] == [
        "'=1+1", "'+33 6", "'-x", "'@SUM", "'\tA", "Atelier", 5, -3, None,
    ]  # fmt: skip


# --- through the pages -------------------------------------------------------------------------------


def test_import_page_all_or_nothing_then_valid_rows_only(db, client, event, organiser):
    log_in(client, organiser)
    data = csv_bytes(HEADER, ROUND_TABLE, BAD_FORMAT)
    response = client.post(
        f"/{event.slug}/manage/import",
        data={"kind": "sessions", "file": (io.BytesIO(data), "programme.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "Rien n'a été importé : 1 ligne sur 2 a un problème." in text
    assert "Ligne 3 : le format « Conférence » n'existe pas pour cet événement." in text
    assert sessions(db, event) == []

    response = client.post(
        f"/{event.slug}/manage/import",
        data={"kind": "sessions", "only_valid": "y", "file": (io.BytesIO(data), "programme.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "1 session(s) importée(s)" in text and "Ligne 3 :" in text
    assert [s.title for s in sessions(db, event)] == ["Financer la médiation"]


def test_import_page_success_redirects_with_a_summary(db, client, event, organiser):
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/import",
        data={"kind": "sessions", "file": (io.BytesIO(csv_bytes(HEADER, ROUND_TABLE)), "programme.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "1 session(s) importée(s), 3 nouveau(x) profil(s)" in page_text(response)


def test_import_page_refuses_a_renamed_file_with_a_message(db, client, event, organiser):
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/import",
        data={"kind": "sessions", "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "programme.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "ne contient pas du texte" in page_text(response)
    assert sessions(db, event) == []


def test_import_page_without_a_file_says_so(client, event, organiser):
    log_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/import", data={"kind": "sessions"})
    assert response.status_code == 422
    assert "Choisissez le fichier à importer." in page_text(response)


@pytest.mark.parametrize("fmt_name", ["csv", "xlsx"])
def test_export_page_downloads_an_attachment_named_after_the_event(db, client, event, organiser, reviewed, fmt_name):
    log_in(client, organiser)
    response = client.get(f"/{event.slug}/manage/export/proposals.{fmt_name}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="nec-sud-charente-propositions-20')
    assert disposition.endswith(f'.{fmt_name}"')
    if fmt_name == "csv":
        assert response.mimetype == "text/csv"
        assert len(_csv_rows(response.data)) == 2
    else:
        frame = pd.read_excel(io.BytesIO(response.data), engine="openpyxl", dtype=str)
        assert sorted(frame["Titre"]) == ['\'=HYPERLINK("x")', "Ouverture"]


def test_export_of_an_unknown_table_is_not_found(client, event, organiser):
    log_in(client, organiser)
    assert client.get(f"/{event.slug}/manage/export/passwords.csv").status_code == 404
    assert client.get(f"/{event.slug}/manage/export/speakers.pdf").status_code == 404


def test_export_proposals_and_speakers_include_custom_answers(db, event, reviewed):
    from nec.proposals.models import Answer, Question, QuestionKind, QuestionTarget

    rehearsal = Question(event_id=event.id, target=QuestionTarget.proposal, kind=QuestionKind.yes_no, label="Essai ?")
    origin = Question(event_id=event.id, target=QuestionTarget.speaker, kind=QuestionKind.short_text, label="Origine")
    db.session.add_all([rehearsal, origin])
    db.session.flush()
    lea = db.session.scalar(sa.select(SpeakerProfile).where(SpeakerProfile.email == "lea@example.org"))
    db.session.add_all(
        [
            Answer(question_id=rehearsal.id, session_id=reviewed.id, value=True),
            Answer(question_id=origin.id, speaker_id=lea.id, value="=Par un collègue"),
        ]
    )
    db.session.commit()
    proposals = {
        row["Titre"]: row for row in _csv_rows(tables.write(*transfer.export_table(event, "proposals"), "csv", "p"))
    }
    assert proposals['\'=HYPERLINK("x")']["Essai ?"] == "Oui"
    assert proposals["Ouverture"]["Essai ?"] == ""
    speakers = {
        row["E-mail"]: row for row in _csv_rows(tables.write(*transfer.export_table(event, "speakers"), "csv", "s"))
    }
    assert speakers["lea@example.org"]["Origine"] == "'=Par un collègue"


def test_export_of_the_demo_event_has_every_session_in_its_state(db):
    from collections import Counter

    from nec import demo

    event = demo.load_demo().event
    rows = _xlsx_rows(tables.write(*transfer.export_table(event, "proposals"), "xlsx", "propositions"))
    states = Counter(row["État"] for row in rows)
    assert (states["Proposée"], states["Refusée"], states["Retirée"], states["Acceptée"]) == (3, 2, 1, 1)
    assert states["Confirmée"] == len(rows) - 7
    marked = [row for row in rows if row["Note moyenne (sur 100)"] is not None]
    assert len(marked) == 5
    reviews = _csv_rows(tables.write(*transfer.export_table(event, "reviews"), "csv", "evaluations"))
    assert len(reviews) == 5 and {r["Relecteur ou relectrice"] for r in reviews} == {demo.REVIEWER_NAME}


# --- hostile files: refused while being read -------------------------------------------------------


def _zip_bomb() -> bytes:
    """A small .xlsx whose sheet unzips to 70 MB (of zeros)."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (70 * 1024 * 1024))
    return buffer.getvalue()


def _many_rows_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["titre", "format"])
    for i in range(transfer.MAX_LINES + 5):
        sheet.append([None, None] if i % 2 else ["", " "])
    sheet.append(["Dernière", "Table ronde"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HOSTILE = [
    ("empty-lines.csv", lambda: HEADER.encode() + b"\n" * 500_000, "plus de 5000 lignes"),
    ("rows.csv", lambda: csv_bytes(HEADER, *(["x;y"] * 6000)), "plus de 5000 lignes"),
    ("columns.csv", lambda: (";".join(f"c{i}" for i in range(100_000)) + "\nA;B\n").encode(), "plus de 60 colonnes"),
    ("wide-row.csv", lambda: csv_bytes("titre;format", "A;B" + ";" * 200_000 + "x"), "plus de 60 colonnes"),
    ("bomb.xlsx", _zip_bomb, "trop volumineux"),
    ("rows.xlsx", _many_rows_xlsx, "plus de 5000 lignes"),
]


@pytest.mark.parametrize(("filename", "make", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_import_page_refuses_hostile_files_while_reading(db, client, event, organiser, filename, make, message):
    data = make()
    assert len(data) <= transfer.MAX_FILE_SIZE
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/import",
        data={"kind": "sessions", "only_valid": "y", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in page_text(response)
    assert sessions(db, event) == []


def test_exports_answer_with_control_characters_stored_in_the_database(db, client, event, organiser, reviewed):
    """Text stored before the input layer existed (or by raw SQL) with control characters: the XLSX writer
    once refused it (openpyxl IllegalCharacterError, a 500); the cells lose them instead."""
    with db.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE sessions SET title = :t WHERE id = :id"), {"t": "Mon\x01atelier\x0b", "id": reviewed.id}
        )
        conn.execute(sa.text("UPDATE speaker_profiles SET full_name = :n"), {"n": "Léa\x1f Formule"})
    db.session.expire_all()
    log_in(client, organiser)
    for name in ("proposals", "speakers"):
        response = client.get(f"/{event.slug}/manage/export/{name}.xlsx")
        assert response.status_code == 200, name
        cells = [
            c
            for row in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
            for c in row
        ]
        assert not any(isinstance(c, str) and ("\x01" in c or "\x1f" in c) for c in cells)
        assert ("Monatelier" if name == "proposals" else "Léa Formule") in cells


def test_an_imported_cell_loses_its_control_characters(db, event, organiser):
    data = csv_bytes(HEADER, ROUND_TABLE.replace("Financer la", "Financer\x01 la\x1b", 1))
    _keys, read = transfer.read_rows(data, "programme.csv")
    assert read[0][1]["titre"] == "Financer la médiation"
    assert all("\x01" not in value for _number, row in read for value in row.values())
