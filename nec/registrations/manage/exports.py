"""The participants as a table (CSV, XLSX) for the organisers, with the structure type as our code and as
the data·inclusion codes, so that the file joins the territory's other data without translation:

- v1 `reseaux_porteurs` (the current schema: a network the structure belongs to, empty when none fits);
- v0 `typologie` (`TypologieStructure`, abandoned in April 2026 but still the vocabulary of LaMednum's
  `typologie` field and of older files).
"""

from __future__ import annotations

from flask_babel import gettext as _

from nec.core import tables
from nec.core.time import to_local
from nec.events.models import Event
from nec.proposals.models import StructureType
from nec.registrations.models import ACTIVE_STATES, Registration, SeatState

S = StructureType

# Our structure type → (data·inclusion v1 reseaux_porteurs, v0 TypologieStructure).
DATA_INCLUSION: dict[StructureType, tuple[str, str]] = {
    S.epn: ("espaces-publics-numeriques", "EPN"),
    S.social_centre: ("fcsf", "CS"),
    S.local_authority: ("communes", "MUNI"),
    S.association: ("", "ASSO"),
    S.third_place: ("", "TIERS_LIEUX"),
    S.network: ("", "Autre"),
    S.public_service: ("", "ETAT"),
    S.company: ("", "ETABL_PRI"),
    S.independent: ("", "Autre"),
    S.library: ("", "BIB"),
    S.france_services: ("france-service", "RFS"),
    S.ccas: ("ccas-cias", "CCAS"),
    S.employment: ("france-travail", "FT"),
    S.training: ("", "OF"),
    S.education: ("", "ETABL_PUB"),
    S.other: ("", "Autre"),
}


def data_inclusion_codes(kind: StructureType) -> tuple[str, str]:
    return DATA_INCLUSION.get(kind, ("", "Autre"))


def columns() -> list[str]:
    return [
        _("nom"),
        _("e-mail"),
        _("structure"),
        _("type de structure (code)"),
        _("type de structure"),
        "data_inclusion_reseaux_porteurs",
        "data_inclusion_typologie_v0",
        _("commune"),
        _("code postal"),
        _("département"),
        _("participation"),
        _("état"),
        _("inscription"),
        _("confirmation"),
        _("accueil"),
        _("ateliers"),
        _("listes d'attente"),
        _("lettre d'information"),
        _("droit à l'image"),
        _("besoins d'accessibilité"),
    ]


def _when(event: Event, instant) -> str:
    return to_local(instant, event.timezone).strftime("%Y-%m-%d %H:%M") if instant is not None else ""


def _yes(flag: bool) -> str:
    return _("oui") if flag else _("non")


def row(event: Event, registration: Registration) -> list[object]:
    kind = registration.structure_type
    network, typology = data_inclusion_codes(kind)
    seats = sorted(
        (seat for seat in registration.seats if seat.state in ACTIVE_STATES), key=lambda seat: seat.session.title
    )
    holding = [seat.session.title for seat in seats if seat.state != SeatState.waiting]
    waiting = [seat.session.title for seat in seats if seat.state == SeatState.waiting]
    return [
        registration.full_name,
        registration.email,
        registration.structure,
        kind.value,
        kind.title,
        network,
        typology,
        registration.commune,
        registration.postcode,
        registration.department,
        registration.attendance.title,
        registration.state.title,
        _when(event, registration.created_at),
        _when(event, registration.confirmed_at),
        _when(event, registration.checked_in_at),
        " ; ".join(holding),
        " ; ".join(waiting),
        _yes(registration.consent_news),
        _yes(registration.consent_image),
        registration.accessibility_needs if registration.consent_accessibility else "",
    ]


def participants_file(event: Event, registrations: list[Registration], fmt: str) -> bytes:
    """CSV (BOM, semicolons) or XLSX; formulas neutralised by core.tables."""
    return tables.write(columns(), [row(event, r) for r in registrations], fmt, "participants")
