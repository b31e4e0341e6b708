"""The participants' CSV and XLSX files, read back as a spreadsheet would."""

from __future__ import annotations

import csv
import io

import openpyxl

from nec.proposals.models import StructureType
from nec.registrations.manage.exports import DATA_INCLUSION, data_inclusion_codes


def _csv_rows(response) -> list[dict[str, str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_the_csv_has_each_person_with_both_structure_codes_and_the_departement(orga_client, reg, people):
    response = orga_client.get(f"/{reg.event.slug}/manage/registrations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = {row["e-mail"]: row for row in _csv_rows(response)}
    assert set(rows) == {"anne@example.org", "bruno@example.org", "chloe@example.org"}
    anne = rows["anne@example.org"]
    assert anne["type de structure (code)"] == "epn"
    assert anne["data_inclusion_reseaux_porteurs"] == "espaces-publics-numeriques"
    assert anne["data_inclusion_typologie_v0"] == "EPN"
    assert anne["département"] == "16" and anne["code postal"] == "16000"
    assert anne["ateliers"] == "Atelier A" and anne["listes d'attente"] == ""
    assert rows["bruno@example.org"]["data_inclusion_typologie_v0"] == "CCAS"
    assert rows["chloe@example.org"]["listes d'attente"] == "Atelier A"


def test_the_xlsx_follows_the_list_filters(orga_client, reg, people):
    response = orga_client.get(f"/{reg.event.slug}/manage/registrations.xlsx?attendance=online")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[1] == "e-mail" and "data_inclusion_reseaux_porteurs" in header
    assert [row[1] for row in rows] == ["bruno@example.org"]
    assert rows[0][header.index("département")] == "33"


def test_a_name_that_looks_like_a_formula_is_exported_as_text(orga_client, reg, people):
    people["anne"].full_name = "=HYPERLINK(1)"
    from nec.extensions import db

    db.session.commit()
    rows = _csv_rows(orga_client.get(f"/{reg.event.slug}/manage/registrations.csv?q=anne%40"))
    assert rows[0]["nom"] == "'=HYPERLINK(1)"


def test_an_unknown_format_is_404(orga_client, reg):
    assert orga_client.get(f"/{reg.event.slug}/manage/registrations.pdf").status_code == 404


def test_every_structure_type_has_data_inclusion_codes():
    assert set(DATA_INCLUSION) == set(StructureType)
    for kind in StructureType:
        network, typology = data_inclusion_codes(kind)
        assert typology and (network == "" or network == network.lower())
