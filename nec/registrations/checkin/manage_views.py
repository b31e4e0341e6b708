"""The organisers' check-in page (/<ev>/manage/checkin/), made for a phone at the door: scan or type a
code, or find the person by name; the door or one session's list; live counts.

Everything works without JavaScript (forms and redirects); static/js/checkin.js adds the camera (where the
browser has BarcodeDetector), answers without reloading and counts that refresh themselves."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from nec.accounts.permissions import organiser_required
from nec.core.actions import run
from nec.core.db import utcnow
from nec.core.web import current_actor, parse_id
from nec.registrations.checkin import services as checkin
from nec.registrations.checkin.forms import ScanForm

bp = Blueprint("registrations_checkin_manage", __name__)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _list_of(values) -> tuple[object, str | None]:
    """The session whose list is open (None: the door), or the reason it cannot be (then the door)."""
    session_id = values.get("session", type=parse_id)
    try:
        return checkin.session_of_event(g.event, session_id), None
    except checkin.CheckInError as error:
        return None, error.message


def _back(session, query: str = ""):
    values = {"session": session.id if session else None, "q": query or None}
    return redirect(url_for(".page", **{k: v for k, v in values.items() if v}) + "#contenu")


def _registration_or_404(registration_id: int):
    try:
        return checkin.registration_of_event(g.event, registration_id)
    except checkin.CheckInError:
        abort(404)


def _counts_data(session) -> dict:
    figures = checkin.counts(g.event, session)
    return {"expected": figures.expected, "present": figures.present, "missing": figures.missing}


@bp.get("/<ev>/manage/checkin/")
@organiser_required
def page():
    event = g.event
    session, problem = _list_of(request.args)
    query = request.args.get("q", "").strip()[: checkin.MAX_QUERY_LENGTH]
    found = checkin.search(event, query) if query else []
    scanned, scan_problem = None, None
    if request.args.get("code"):  # the QR code's address, opened by a phone's own camera: shown, not recorded
        try:
            scanned = checkin.registration_by_secret(event, request.args["code"])
        except checkin.CheckInError as error:
            scan_problem = error.message
    expected = checkin.expected_people(session)
    shown = [*found, *expected, *([scanned] if scanned else [])]
    return render_template(
        "registrations/checkin/page.html",
        event=event,
        session=session,
        problem=problem or scan_problem,
        slot_days=checkin.checkin_days(event),
        form=ScanForm(formdata=None),
        query=query,
        found=found,
        expected=expected,
        scanned=scanned,
        present=checkin.present_ids(shown, session),
        counts=checkin.counts(event, session),
    )


@bp.post("/<ev>/manage/checkin/scan")
@organiser_required
def scan():
    """A code from the camera (checkin.js, which asks for JSON) or typed in the form."""
    event, actor, now = g.event, current_actor(), utcnow()
    session, problem = _list_of(request.form)
    form = ScanForm()
    if problem is None and not form.validate():
        problem = _("Ce code est trop long : scannez de nouveau le QR code, ou cherchez la personne par son nom.")
    outcome = None
    if problem is None:
        outcome, error = run(
            lambda: checkin.check_in(event, checkin.registration_by_secret(event, form.code.data), now, actor, session)
        )
        problem = error.message if error else None
    return _answer(outcome, problem, session, now)


@bp.post("/<ev>/manage/checkin/<int:registration_id>")
@organiser_required
def check_in(registration_id: int):
    """The "Enregistrer l'arrivée" button of a person found by name (or opened from the QR code's address)."""
    event, actor, now = g.event, current_actor(), utcnow()
    registration = _registration_or_404(registration_id)
    session, problem = _list_of(request.form)
    outcome = None
    if problem is None:
        outcome, error = run(lambda: checkin.check_in(event, registration, now, actor, session))
        problem = error.message if error else None
    return _answer(outcome, problem, session, now, request.form.get("q", ""))


def _answer(outcome, problem: str | None, session, now, query: str = ""):
    if outcome is not None:
        message = checkin.outcome_message(outcome, g.event.timezone, now)
        if _wants_json():
            return jsonify(
                ok=True,
                already=outcome.already,
                message=message,
                warnings=list(outcome.warnings),
                counts=_counts_data(session),
            )
        flash(message, "warning" if outcome.already else "success")
        for warning in outcome.warnings:
            flash(warning, "warning")
    else:
        if _wants_json():
            return jsonify(ok=False, message=problem, counts=_counts_data(session)), 422
        flash(problem, "error")
    return _back(session, query)


@bp.post("/<ev>/manage/checkin/<int:registration_id>/undo")
@organiser_required
def undo(registration_id: int):
    event, actor, now = g.event, current_actor(), utcnow()
    registration = _registration_or_404(registration_id)
    session, problem = _list_of(request.form)
    if problem is None:
        _result, error = run(lambda: checkin.undo(event, registration, now, actor, session))
        problem = error.message if error else None
    if problem is not None:
        flash(problem, "error")
    else:
        flash(_("%(name)s : enregistrement annulé.", name=registration.full_name), "success")
    return _back(session, request.form.get("q", ""))


@bp.get("/<ev>/manage/checkin/counts.json")
@organiser_required
def counts():
    """The live figures, polled by checkin.js so that two phones at two doors see the same numbers."""
    session, problem = _list_of(request.args)
    if problem is not None:
        return jsonify(message=problem), 404
    response = jsonify(_counts_data(session))
    response.headers["Cache-Control"] = "no-store"
    return response
