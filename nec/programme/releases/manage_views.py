"""Publishing the programme: the organisers' page that turns the draft into a named release."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from nec.accounts.permissions import organiser_required
from nec.core.actions import run, show_error
from nec.core.web import current_actor
from nec.programme import conflicts
from nec.programme.editor import services as editor
from nec.programme.releases import services as publishing
from nec.programme.releases.forms import ReleaseForm
from nec.programme.releases.versions import latest_release

bp = Blueprint("programme_releases_manage", __name__)


@bp.route("/<ev>/manage/releases", methods=["GET", "POST"])
@organiser_required
def manage():
    event = g.event
    form = ReleaseForm()
    if form.validate_on_submit():
        published, problem = run(
            lambda: publishing.release(event, form.name.data, form.comment.data, current_actor(), form.notify.data)
        )
        if problem is None:
            flash(_published_message(published, form.notify.data), "success")
            return redirect(url_for("programme_releases_manage.manage"))
        show_error(form, problem)
    slots = editor.board_slots(event)
    draft = publishing.publishable(slots)
    status = 422 if form.is_submitted() else 200
    warnings = conflicts.find(event, slots)
    return (
        render_template(
            "programme/releases/manage.html",
            event=event,
            form=form,
            latest=latest_release(event),
            preview=publishing.preview(event),
            draft_count=sum(1 for slot in draft if slot.session_id is not None),
            releases=publishing.past_releases(event),
            warning_count=len(warnings),
            lineup_warnings=[w for w in warnings if w.kind == conflicts.Kind.lineup],
        ),
        status,
    )


def _published_message(published: publishing.Published, notified: bool) -> str:
    message = _("La version « %(name)s » du programme est publiée.", name=published.version.name)
    if notified:
        message += " " + ngettext(
            "%(num)d intervenant·e va recevoir un e-mail.",
            "%(num)d intervenant·es vont recevoir un e-mail.",
            published.notified,
        )
    return message
