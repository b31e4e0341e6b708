"""The public programme: by day with filters, session pages, speaker pages, the personal agenda.

Every page shows the latest release only (never the draft); before the first release the programme
and speakers pages say so in plain words, and session and speaker pages are not found.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wsgi import wrap_file

from nec.core import hooks, storage
from nec.core.actions import run
from nec.core.web import current_actor
from nec.extensions import db
from nec.programme.models import ScheduleVersion
from nec.programme.public import agenda
from nec.programme.public import services as public
from nec.programme.public.cache import cached_page, per_release
from nec.programme.releases.versions import latest_release
from nec.proposals.models import SpeakerProfile
from nec.proposals.speaker.profiles import photo_digest

bp = Blueprint("programme_public", __name__)


def released_programme(event) -> ScheduleVersion | None:
    """The event's public release (None before the first): one query per request, for the nav and the page."""
    known = g.setdefault("_released_programmes", {})
    if event.id not in known:
        known[event.id] = latest_release(event)
    return known[event.id]


@bp.app_template_global("released_programme")
def released_programme_for_links(event) -> ScheduleVersion | None:
    """For the links of every event page (base.html, the event home). An error page must still render
    when the database failed: then the links are simply left out."""
    try:
        return released_programme(event)
    except SQLAlchemyError:
        current_app.logger.warning("programme links left out: the database did not answer", exc_info=True)
        return None


@bp.app_template_filter("named_speakers")
def named_speakers(session):
    """The speakers of a session a public page names (everyone taking part)."""
    return public.named_speakers(session)


@bp.app_template_test("public_profile")
def public_profile(profile) -> bool:
    """`{% if speaker is public_profile %}`: their details (structure, photo, presentation) may be shown."""
    return public.shows_profile(profile)


@bp.app_template_global("speaker_photo_url")
def speaker_photo_url(profile) -> str | None:
    """The address of a speaker's photo (None without one, or without their consent to show it): the
    address answers only for the speakers a public page presents with their consent."""
    if not public.shows_profile(profile):
        return None
    digest = photo_digest(profile)
    if digest is None:
        return None
    return url_for("programme_public.speaker_photo", speaker_id=profile.id, digest=digest)


def _not_released():
    return render_template("programme/public/not_released.html", event=g.event)


def _safe_back(target: str | None) -> str | None:
    """A path of this site to come back to after a favourite form (never another site)."""
    if not target or len(target) > 2000 or any(c in target for c in "\\\r\n\t"):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


# --- the programme --------------------------------------------------------------------------------


@bp.get("/<ev>/programme/")
def programme():
    event = g.event

    def render(**context):
        version = released_programme(event)
        if version is None:
            return _not_released()
        slots = public.public_slots(version)
        options = public.filter_options(slots, event.timezone)
        filters, messages = public.parse_filters(request.args, options)
        shown = public.apply_filters(slots, filters, event.timezone)
        return render_template(
            "programme/public/programme.html",
            event=event,
            version=version,
            days=public.by_day(shown, event.timezone),
            options=options,
            filters=filters,
            messages=messages,
            total=sum(1 for slot in slots if slot.session is not None),
            shown=sum(1 for slot in shown if slot.session is not None),
            favourites=agenda.favourite_ids(current_user, event),
            actions=hooks.session_actions(event, limited_ids(shown), request.full_path.rstrip("?")),
            **context,
        )

    return cached_page(event, render, released_programme)


def limited_ids(slots) -> list[int]:
    """The sessions with a seat limit among these slots (the others have no seat to show)."""
    return [slot.session_id for slot in slots if slot.session is not None and slot.session.seat_capacity]


@bp.get("/<ev>/sessions/<int:session_id>/")
def session(session_id: int):
    event = g.event

    def render(**context):
        version = released_programme(event)
        slot = public.released_slot(version, session_id) if version is not None else None
        if slot is None:
            abort(404)
        return render_template(
            "programme/public/session.html",
            event=event,
            slot=slot,
            session=slot.session,
            speakers=public.named_speakers(slot.session),
            favourites=agenda.favourite_ids(current_user, event),
            actions=hooks.session_actions(event, [session_id], request.path).get(session_id, []),
            **context,
        )

    return cached_page(event, render, released_programme)


# --- speakers -------------------------------------------------------------------------------------


@bp.get("/<ev>/speakers/")
def speakers():
    event = g.event
    version = released_programme(event)
    if version is None:
        return _not_released()
    return render_template(
        "programme/public/speakers.html",
        event=event,
        speakers=public.public_speakers(public.public_slots(version)),
    )


@bp.get("/<ev>/speakers/<int:speaker_id>/")
def speaker(speaker_id: int):
    event = g.event
    version = released_programme(event)
    found = public.public_speaker(public.public_slots(version), speaker_id) if version is not None else None
    if found is None:
        abort(404)
    return render_template(
        "programme/public/speaker.html",
        event=event,
        speaker=found.profile,
        parts=found.parts,
        favourites=agenda.favourite_ids(current_user, event),
    )


# The photo's address changes with the photo: a browser (and, for a published event, a shared cache)
# may keep it for a year without asking again.
PHOTO_MAX_AGE = 365 * 24 * 3600


def _public_speaker_ids(version) -> frozenset[int]:
    return public.public_speaker_ids(public.public_slots(version))


@bp.get("/<ev>/speakers/<int:speaker_id>/photo-<digest>.jpg")
def speaker_photo(speaker_id: int, digest: str):
    """A speaker's photo, only while the public pages present them (their consent, a session of the
    latest release that still takes place); otherwise, as for any other unknown address, a 404."""
    event = g.event
    # Which speakers are public, computed once per release and change of the programme (not at
    # each of the many photo requests of the speakers page); any other id never reaches the database.
    public_ids = per_release(event, "public_speaker_ids", _public_speaker_ids, released_programme)
    if not public_ids or speaker_id not in public_ids:
        abort(404)
    profile = db.session.get(SpeakerProfile, speaker_id)
    # The consent again, as it is now: its withdrawal hides the photo at once.
    if profile is None or profile.event_id != event.id or not public.shows_profile(profile):
        abort(404)
    if digest != photo_digest(profile):  # an old photo, or no photo at all
        abort(404)

    if request.if_none_match.contains(digest):
        return _photo_headers(Response(status=304), digest, event)
    try:
        handle, size = storage.open_stored(profile.photo_path)
    except storage.StorageError:
        current_app.logger.warning("photo of speaker %s missing from storage", speaker_id)
        abort(404)
    response = Response(wrap_file(request.environ, handle), mimetype="image/jpeg", direct_passthrough=True)
    response.content_length = size
    return _photo_headers(response, digest, event)


def _photo_headers(response: Response, digest: str, event) -> Response:
    response.set_etag(digest)
    if event.is_published:
        response.cache_control.public = True
        response.cache_control.max_age = PHOTO_MAX_AGE
        response.cache_control.immutable = True
    else:  # only its team sees it: nothing kept by a shared cache, and asked again each time
        response.cache_control.private = True
        response.cache_control.no_cache = True
    return response


# --- the personal agenda ---------------------------------------------------------------------------


@bp.get("/<ev>/programme/mine")
def mine():
    """A signed-in person's favourites; for a visitor, the ids their device keeps (?ids=3,8)."""
    event = g.event
    version = released_programme(event)
    if version is None:
        return _not_released()
    on_device = not current_user.is_authenticated
    if on_device:
        wanted = set(agenda.parse_device_ids(request.args.get("ids")))
    else:
        wanted = agenda.favourite_ids(current_user, event)
    slots = public.public_slots(version)
    entries = agenda.build_agenda(slots, wanted)
    gone = len(wanted - {entry.slot.session_id for entry in entries}) if not on_device else 0
    return render_template(
        "programme/public/mine.html",
        event=event,
        entries=entries,
        days=public.by_day([entry.slot for entry in entries], event.timezone),
        clashes={entry.slot.id: entry.clashes for entry in entries},
        clash_count=sum(1 for entry in entries if entry.clashes),
        gone=gone,
        on_device=on_device,
        favourites=wanted,
    )


@bp.post("/<ev>/programme/favourites/<int:session_id>")
def add_favourite(session_id: int):
    back = _safe_back(request.form.get("next")) or url_for(".session", session_id=session_id)
    if not current_user.is_authenticated:
        flash(_("Connectez-vous pour garder cette session dans « Mon programme », sur tous vos appareils."), "info")
        return redirect(url_for("accounts.login", next=back.partition("#")[0]))
    version = released_programme(g.event)
    slot = public.released_slot(version, session_id) if version is not None else None
    if slot is None:
        flash(
            _("Cette session ne figure pas dans le programme publié : elle n'a pas été ajoutée à votre programme."),
            "error",
        )
        return redirect(url_for(".programme"))
    added, problem = run(lambda: agenda.add_favourite(current_actor(), slot.session))
    if problem is not None:
        flash(problem.message, "error")
    elif added:
        flash(_("« %(title)s » est dans votre programme.", title=slot.session.title), "success")
    else:
        flash(_("« %(title)s » était déjà dans votre programme.", title=slot.session.title), "info")
    return redirect(back)


@bp.post("/<ev>/programme/favourites/<int:session_id>/remove")
def remove_favourite(session_id: int):
    back = _safe_back(request.form.get("next")) or url_for(".mine")
    if not current_user.is_authenticated:
        flash(_("Connectez-vous pour modifier « Mon programme »."), "info")
        return redirect(url_for("accounts.login", next=back.partition("#")[0]))
    favourite_sessions = agenda.favourite_ids(current_user, g.event)
    removed = False
    if session_id in favourite_sessions:
        removed, problem = run(lambda: agenda.remove_favourite(current_actor(), session_id))
        if problem is not None:
            flash(problem.message, "error")
            return redirect(back)
    if removed:
        flash(_("La session a été retirée de votre programme."), "success")
    else:
        flash(_("Cette session n'était pas dans votre programme : rien n'a changé."), "info")
    return redirect(back)


@bp.post("/<ev>/programme/favourites/merge")
def merge_favourites():
    """The choices an anonymous visit kept in this browser, sent by static/js/agenda-merge.js once the
    person is signed in (after a login or a sign-up): added to their account, then forgotten by the browser."""
    if not current_user.is_authenticated:
        return jsonify(error=_("Connectez-vous pour garder ces sessions dans « Mon programme ».")), 401
    ids = agenda.parse_device_ids(request.form.get("ids"))
    version = released_programme(g.event)
    if version is None or not ids:
        return jsonify(added=0)
    public_ids = {slot.session_id for slot in public.public_slots(version) if slot.session_id is not None}
    added, problem = run(lambda: agenda.merge_device_favourites(current_actor(), ids, public_ids))
    if problem is not None:
        return jsonify(error=problem.message), 409
    if added:
        flash(
            ngettext(
                "%(num)d session choisie sur cet appareil a été ajoutée à votre programme.",
                "%(num)d sessions choisies sur cet appareil ont été ajoutées à votre programme.",
                added,
            ),
            "success",
        )
    return jsonify(added=added)
