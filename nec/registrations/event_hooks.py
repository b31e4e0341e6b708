"""What the events module shows of registrations (through nec.core.hooks): the notice on the event's home
and card ("Inscriptions ouvertes jusqu'au …"), and the registrations' panel of the organiser's dashboard
(open or closed, how many, the full workshops and their waiting lists). A few queries in all."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from nec.core.hooks import DashboardItem, DashboardPanel, EventNotice
from nec.extensions import db
from nec.registrations.models import RegistrationSettings

DETAILS_SHOWN = 5


def registration_notices(events, now: datetime) -> dict[int, list[EventNotice]]:
    """Open (until when, with the way in) or opening soon; nothing once closed or never opened."""
    from nec.registrations.services import registration_window  # it imports the programme: only when asked

    by_id = {event.id: event for event in events}
    open_ids = db.session.scalars(
        sa.select(RegistrationSettings.event_id).where(
            RegistrationSettings.event_id.in_(by_id), RegistrationSettings.is_open.is_(True)
        )
    ).all()
    notices: dict[int, list[EventNotice]] = {}
    for event_id in open_ids:
        event = by_id[event_id]
        window = registration_window(event, now)
        link = f"{request.script_root}/{event.slug}/register/"  # the sign-up page's address is a contract
        if window.is_open:
            notices[event_id] = [EventNotice(_("Inscriptions"), window.message, "success", link, _("S'inscrire"))]
        elif window.opens_at is not None and now < window.opens_at:
            notices[event_id] = [EventNotice(_("Inscriptions"), window.message, "info")]
    return notices


def dashboard_panels(event, now: datetime) -> list[DashboardPanel]:
    from nec.registrations.manage.services import workshop_seats  # the services import much: only when asked
    from nec.registrations.services import get_settings, registration_window
    from nec.registrations.stats import totals

    settings = get_settings(event)
    window = registration_window(event, now)
    count = totals(event)
    items = [
        DashboardItem(
            window.message,
            "ok" if window.is_open else "info",
            url=url_for("registrations_manage.settings", ev=event.slug),
            link_label=_("Réglages des inscriptions"),
        )
    ]
    if settings is None:
        return [_panel(event, items)]
    items.append(
        DashboardItem(
            ngettext("%(num)d inscription confirmée", "%(num)d inscriptions confirmées", count.confirmed)
            + _(" (sur place : %(on_site)d, en ligne : %(online)d)", on_site=count.on_site, online=count.online),
            "info",
            count=count.confirmed,
            url=url_for("registrations_manage.participants", ev=event.slug),
            link_label=_("Voir les participant·es"),
        )
    )
    for mode, capacity, taken in (
        (_("sur place"), settings.on_site_capacity, settings.on_site_taken),
        (_("en ligne"), settings.online_capacity, settings.online_taken),
    ):
        if capacity is not None and taken >= capacity and window.is_open:
            items.append(DashboardItem(_("Plus aucune place %(mode)s.", mode=mode), "warning"))
    full = [w for w in workshop_seats(event) if len(w.holders) >= (w.session.seat_capacity or 0)]
    if full:
        waiting = sum(len(w.waiting) for w in full)
        items.append(
            DashboardItem(
                ngettext("%(num)d atelier complet", "%(num)d ateliers complets", len(full))
                + (_(", %(n)d personne(s) en liste d'attente", n=waiting) if waiting else ""),
                "info",
                count=len(full),
                url=url_for("registrations_manage.workshops", ev=event.slug),
                link_label=_("Voir les listes d'attente"),
                details=tuple((f"{w.session.title} ({len(w.waiting)})", None) for w in full[:DETAILS_SHOWN]),
            )
        )
    return [_panel(event, items)]


def _panel(event, items) -> DashboardPanel:
    return DashboardPanel(
        "registrations",
        _("Inscriptions"),
        tuple(items),
        url_for("registrations_manage.participants", ev=event.slug),
        _("Gérer les inscriptions"),
    )
