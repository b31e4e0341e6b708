"""The programme's part of the organiser's dashboard (through nec.core.hooks): the draft (sessions placed,
sessions left to place, warnings), the last release and whether the draft changed since, a generator
run in progress.

The draft is read as the editor reads it (`editor.board_slots`: a constant number of queries whatever
the number of sessions) and checked with the editor's own warnings, so both pages always agree.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from nec.core.hooks import DashboardItem, DashboardPanel
from nec.events.models import Event
from nec.extensions import db
from nec.programme import conflicts
from nec.programme.editor import services as editor
from nec.programme.generator import runs
from nec.programme.models import RunState
from nec.programme.releases import changelog as changes
from nec.programme.releases.services import publishable
from nec.programme.releases.versions import latest_release
from nec.proposals.call.services import format_instant
from nec.proposals.models import Session

#: Warnings named under their line; the editor lists them all.
WARNINGS_SHOWN = 5


def panels(event: Event, now: datetime) -> list[DashboardPanel]:
    slots = editor.board_slots(event)
    placeable = set(
        db.session.scalars(
            sa.select(Session.id).where(Session.event_id == event.id, Session.state.in_(editor.PLACEABLE_STATES))
        )
    )
    placed = {slot.session_id for slot in slots if slot.session_id in placeable}
    items = [_draft_item(len(placed), len(placeable))]
    unplaced = len(placeable - placed)
    if unplaced:
        items.append(
            DashboardItem(
                ngettext(
                    "%(num)d session acceptée n'est pas encore placée dans le programme",
                    "%(num)d sessions acceptées ne sont pas encore placées dans le programme",
                    unplaced,
                ),
                "action",
                count=unplaced,
                url=url_for("programme_editor.board"),
                link_label=_("Les placer"),
            )
        )
    items.extend(_warning_items(event, slots))
    items.extend(_release_items(event, slots, now))
    run = runs.active_run(event)
    if run is not None and runs.effective_state(run, now) != RunState.failed:
        items.append(
            DashboardItem(
                _("Une génération du programme est en cours (n° %(id)d).", id=run.id),
                "info",
                url=url_for("programme_generator.run", run_id=run.id),
                link_label=_("La suivre"),
            )
        )
    return [
        DashboardPanel(
            "programme", _("Programme"), tuple(items), url_for("programme_editor.board"), _("Éditer le programme")
        )
    ]


def _draft_item(placed: int, placeable: int) -> DashboardItem:
    if not placeable:
        return DashboardItem(_("Aucune session acceptée à placer pour l'instant."), "info", count=0)
    return DashboardItem(
        ngettext(
            "Brouillon : %(placed)d session placée sur %(num)d acceptée",
            "Brouillon : %(placed)d sessions placées sur %(num)d acceptées",
            placeable,
            placed=placed,
        ),
        "ok" if placed == placeable else "info",
        count=placed,
    )


def _warning_items(event: Event, slots) -> list[DashboardItem]:
    warnings = conflicts.find(event, slots)
    if not warnings:
        return []
    shown = [(warning.message, None) for warning in warnings[:WARNINGS_SHOWN]]
    if len(warnings) > WARNINGS_SHOWN:
        rest = len(warnings) - WARNINGS_SHOWN
        shown.append((ngettext("… et %(num)d autre", "… et %(num)d autres", rest), None))
    return [
        DashboardItem(
            ngettext(
                "%(num)d avertissement dans le brouillon",
                "%(num)d avertissements dans le brouillon",
                len(warnings),
            ),
            "warning",
            count=len(warnings),
            url=url_for("programme_editor.board"),
            link_label=_("Les voir dans l'éditeur"),
            details=tuple(shown),
        )
    ]


def _release_items(event: Event, slots, now: datetime) -> list[DashboardItem]:
    """The last release, and what publishing the draft now would change (a few queries)."""
    release = latest_release(event)
    to_publish = publishable(slots)
    releases_url = url_for("programme_releases_manage.manage")
    items = []
    if release is None:
        if any(slot.session_id is not None for slot in to_publish):
            items.append(
                DashboardItem(
                    _("Le programme n'est pas encore publié : le public ne le voit pas."),
                    "action",
                    url=releases_url,
                    link_label=_("Publier le programme"),
                )
            )
        return items
    items.append(
        DashboardItem(
            _(
                "Dernière version publiée : « %(name)s », le %(when)s.",
                name=release.name or "",
                when=format_instant(release.released_at, event.timezone, now),
            ),
            "info",
        )
    )
    changelog = changes.compute_changelog(changes.version_slots(release), to_publish)
    if changelog.is_empty:
        items.append(DashboardItem(_("Le brouillon ne contient aucun changement non publié."), "ok"))
    else:
        changed = len(changelog.new) + len(changelog.moved) + len(changelog.cancelled)
        items.append(
            DashboardItem(
                _(
                    "Le brouillon a des changements non publiés : %(new)d nouvelle(s), %(moved)d déplacée(s), "
                    "%(cancelled)d retirée(s).",
                    new=len(changelog.new),
                    moved=len(changelog.moved),
                    cancelled=len(changelog.cancelled),
                ),
                "action",
                count=changed,
                url=releases_url,
                link_label=_("Publier une nouvelle version"),
            )
        )
    return items
