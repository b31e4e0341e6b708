"""The figures (stats.py), their charts (SVG drawn by pygal) and the page that shows each beside its table."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import sqlalchemy as sa

from nec.core.db import utcnow
from nec.extensions import db
from nec.registrations import stats
from nec.registrations.models import CheckIn, Registration
from tests.support.web import page_text

SVG = "{http://www.w3.org/2000/svg}svg"


def test_figures_count_confirmed_people_by_type_and_departement(reg, people):
    types = {row[0]: row[1] for row in stats.by_structure_type(reg.event).rows}
    assert types == {"Espace public numérique / cyberbase": 1, "CCAS ou CIAS": 1, "Autre": 1}
    departments = stats.by_department(reg.event).rows
    assert [row[:2] for row in departments] == [["16", 1], ["33", 1], ["Non renseigné", 1]]
    over_time = stats.over_time(reg.event).rows
    assert over_time[-1][2] == 3


def test_fill_rates_count_seats_held_and_people_waiting(reg, people):
    rows = {row[0]: row for row in stats.fill_rates(reg.event).rows}
    assert rows["Atelier A"][1:] == [100, 2, 2, 1]
    assert rows["Atelier C"][1:] == [0, 0, 3, 0]
    assert "Table ronde" not in rows


def test_no_shows_wait_for_the_end_of_the_event(reg, people):
    assert stats.no_shows(reg.event, utcnow()).is_empty
    after = utcnow() + timedelta(days=60)
    anne = people["anne"]
    anne.checked_in_at = utcnow()
    db.session.add(CheckIn(registration_id=anne.id, session_id=reg.a.id))
    db.session.commit()
    rows = {row[0]: row for row in stats.no_shows(reg.event, after).rows}
    assert rows["Accueil (sur place)"][1:3] == [1, 1]  # Chloé did not come; Bruno was online
    assert rows["Atelier A"][1:3] == [1, 1]  # Bruno had a seat and no check-in


def test_the_figures_page_shows_each_chart_with_its_data_table(orga_client, reg, people):
    page = page_text(orga_client.get(f"/{reg.event.slug}/manage/registrations/figures"))
    for name in ("over-time", "structure-types", "departments", "fill-rates"):
        assert f'src="/{reg.event.slug}/manage/registrations/figures/{name}.svg"' in page
        assert f'id="table-{name}"' in page
    assert "Les absences se comptent après l'événement" in page


def test_a_chart_is_a_valid_svg_image_without_script(orga_client, reg, people):
    for name in stats.FIGURES:
        response = orga_client.get(f"/{reg.event.slug}/manage/registrations/figures/{name}.svg")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        root = ET.fromstring(response.get_data())
        assert root.tag == SVG
        assert b"<script" not in response.get_data()
        assert "script-src" not in response.headers["Content-Security-Policy"]
    svg = orga_client.get(f"/{reg.event.slug}/manage/registrations/figures/structure-types.svg").get_data(as_text=True)
    assert "CCAS ou CIAS" in svg and "Par type de structure" in svg


def test_an_unknown_chart_is_404(orga_client, reg):
    assert orga_client.get(f"/{reg.event.slug}/manage/registrations/figures/nothing.svg").status_code == 404


def test_figures_survive_anonymised_registrations(reg, people):
    anne = db.session.get(Registration, people["anne"].id)
    anne.full_name, anne.email = "Anonyme", "anonyme-1@invalid"
    db.session.commit()
    assert sum(row[1] for row in stats.by_structure_type(reg.event).rows) == 3
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 3
