"""The public programme's exports (frab XML and JSON, iCalendar, PDF) and a person's calendar subscription."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from nec.core.actions import run
from nec.core.links import base_url
from nec.core.web import current_actor
from nec.extensions import limiter
from nec.programme.exports import device_calendars, subscriptions
from nec.programme.exports import services as exports
from nec.programme.models import ScheduleVersion
from nec.programme.public import agenda, cache
from nec.programme.releases.versions import content_fingerprint, latest_release, release_slots

bp = Blueprint("programme_exports", __name__)

CACHE_SECONDS = 300


@bp.get("/<ev>/schedule.xml")
def schedule_xml():
    return _export("xml")


@bp.get("/<ev>/schedule.json")
def schedule_json():
    return _export("json")


@bp.get("/<ev>/schedule.ics")
def schedule_ics():
    return _export("ics")


@bp.get("/<ev>/schedule.pdf")
def schedule_pdf():
    return _export("pdf")


@bp.get("/<ev>/sessions/<int:session_id>/session.ics")
def session_ics(session_id: int):
    return _export("ics", session_id=session_id)


def _export(name: str, session_id: int | None = None) -> Response:
    """The latest release in one format; 304 when the client already holds this very release."""
    event = g.event
    exporter = exports.get_exporter(name)
    version = latest_release(event)
    if version is None:
        return _not_found(
            _(
                "Le programme de cet événement n'est pas encore publié. Revenez plus tard : "
                "ce fichier sera disponible dès sa publication."
            )
        )

    locale = str(get_locale() or "fr") if exporter.localised else None
    etag = _etag(version, content_fingerprint(event), exporter.name, session_id, locale)
    # Weak comparison (RFC 9110): a proxy that compresses the file may have weakened the tag.
    if request.if_none_match.contains_weak(etag):
        return _with_cache_headers(Response(status=304), etag, exporter)

    # The file is the same for everyone: kept in the page cache under its ETag (which names the release,
    # the fingerprint of later changes and the format), so a release or a change makes a new entry.
    key = ("export", event.id, etag)
    cached = cache.page_cache().get(key)
    if cached is not None:
        body, filename = cached
        response = Response(body, content_type=exporter.content_type)
        response.headers["Content-Disposition"] = f'inline; filename="{filename.decode()}"'
        return _with_cache_headers(response, etag, exporter)

    schedule = exports.build_schedule(event, version, release_slots(version), current_app.config["NEC_BASE_URL"])
    filename = exporter.filename(event)
    if session_id is not None:
        schedule = schedule.only_session(session_id)
        if schedule is None:
            return _not_found(
                _(
                    "Cette session ne figure pas dans le programme publié. Elle a peut-être été retirée "
                    "ou pas encore programmée : consultez le programme de l'événement."
                )
            )
        filename = f"{event.slug}-session-{session_id}.{exporter.extension}"

    try:
        rendered = exporter.render(schedule)
    except exports.ExportUnavailable:
        current_app.logger.warning("%s export unavailable on this server", exporter.name, exc_info=True)
        return _unavailable()
    body = rendered.encode() if isinstance(rendered, str) else rendered
    cache.page_cache().put(key, (body, filename.encode()))
    response = Response(body, content_type=exporter.content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return _with_cache_headers(response, etag, exporter)


# --- the personal calendar -------------------------------------------------------------------------------


@bp.get("/<ev>/programme/mine.ics")
def mine_ics():
    """Read by calendar apps: no cookie, the token in the address is the permission."""
    user = subscriptions.user_for_token(request.args.get("token"), g.event)
    if user is None:
        return _not_found(
            _(
                "Ce lien d'abonnement n'est pas valide ou a été changé. Connectez-vous et copiez le "
                "nouveau lien depuis la page « S'abonner à mon programme »."
            )
        )
    body = subscriptions.personal_calendar(user, g.event, base_url())
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{g.event.slug}-mon-programme.ics"'
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.private = True  # one person's choices: never kept by a shared cache
    response.cache_control.no_cache = True
    response.headers["Referrer-Policy"] = "no-referrer"
    return response.make_conditional(request)


@bp.get("/<ev>/programme/subscribe")
def subscribe():
    """A signed-in person's link; a visitor without an account may make a personal link of their device's agenda."""
    event = g.event
    if not current_user.is_authenticated:
        ids = agenda.parse_device_ids(request.args.get("ids"))
        return _private_page(render_template("programme/exports/subscribe_device.html", event=event, ids=ids))
    token = subscriptions.subscription_token(current_actor(), event)
    return _subscription_page(url_for(".mine_ics", token=token))


def _subscription_page(feed_path: str, device_token: str | None = None) -> Response:
    https_url = base_url() + feed_path
    webcal_url = "webcal://" + https_url.partition("://")[2]
    page = render_template(
        "programme/exports/subscribe.html",
        event=g.event,
        https_url=https_url,
        webcal_url=webcal_url,
        released=latest_release(g.event) is not None,
        device_token=device_token,
    )
    return _private_page(page)


def _private_page(page: str) -> Response:
    response = Response(page)
    response.headers["Cache-Control"] = "no-store"  # the page holds a private link
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/<ev>/programme/subscribe/reset")
@login_required
def reset_subscription():
    user = current_actor()
    _result, problem = run(lambda: subscriptions.revoke_subscriptions(user, g.event, actor=user))
    if problem is not None:
        return _error(problem.message, 409)
    login_user(user)  # the new session_version: this browser stays signed in, the others end
    flash(
        _(
            "Votre lien d'abonnement a changé : l'ancien ne fonctionne plus. Abonnez-vous de nouveau "
            "avec le lien ci-dessous sur vos appareils."
        ),
        "success",
    )
    return redirect(url_for(".subscribe"))


# --- a subscription without an account (the agenda kept on the visitor's device) ---------------------

DEVICE_CREATE_LIMIT = "5 per minute; 30 per day"
DEVICE_UPDATE_LIMIT = "30 per minute; 600 per day"


def _unknown_device_link():
    return _not_found(
        _(
            "Ce lien d'agenda n'existe pas ou a été supprimé. Depuis « Mon programme », vous pouvez "
            "créer un nouveau lien d'abonnement."
        )
    )


@bp.post("/<ev>/programme/device-calendars")
@limiter.limit(DEVICE_CREATE_LIMIT)
def create_device_calendar():
    ids = agenda.parse_device_ids(request.form.get("ids"))
    token, problem = run(lambda: device_calendars.create(g.event, ids))
    if problem is not None:
        return _error(problem.message, 409)
    flash(
        _("Votre lien d'abonnement est prêt. Gardez-le pour vous : il montre les sessions que vous avez choisies."),
        "success",
    )
    return redirect(url_for(".device_calendar", token=token))


@bp.get("/<ev>/programme/device-calendars/<token>")
def device_calendar(token: str):
    if device_calendars.find(g.event, token) is None:
        return _unknown_device_link()
    return _subscription_page(url_for(".device_calendar_ics", token=token), device_token=token)


@bp.post("/<ev>/programme/device-calendars/<token>/sessions")
@limiter.limit(DEVICE_UPDATE_LIMIT)
def update_device_calendar(token: str):
    """Sent by static/js/agenda.js when the visitor adds or removes a session on this device."""
    link = device_calendars.find(g.event, token)
    if link is None:
        return _unknown_device_link()
    ids = agenda.parse_device_ids(request.form.get("ids"))
    kept, problem = run(lambda: device_calendars.update(link, ids))
    if problem is not None:
        return _error(problem.message, 409)
    return {"sessions": kept}


@bp.post("/<ev>/programme/device-calendars/<token>/delete")
def delete_device_calendar(token: str):
    link = device_calendars.find(g.event, token)
    if link is None:
        return _unknown_device_link()
    # "Mon programme" with the sessions named in its address: without them its script reloads the page
    # with the device's own list, and the confirmation would be lost on the way.
    ids = ",".join(str(i) for i in sorted(device_calendars.session_ids(link)))
    _result, problem = run(lambda: device_calendars.delete(link))
    if problem is not None:
        return _error(problem.message, 409)
    flash(_("Le lien d'abonnement est supprimé : votre agenda ne recevra plus ces sessions."), "success")
    return redirect(url_for("programme_public.mine", ids=ids or None))


@bp.get("/<ev>/programme/calendars/<token>.ics")
def device_calendar_ics(token: str):
    """Read by calendar apps: the random secret in the address is the permission."""
    link = device_calendars.find(g.event, token)
    if link is None:
        return _unknown_device_link()
    run(lambda: device_calendars.mark_used(link))  # the date of use, which the retention purge reads
    body = device_calendars.device_calendar(link, g.event, base_url())
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{g.event.slug}-mon-programme.ics"'
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.headers["Referrer-Policy"] = "no-referrer"
    return response.make_conditional(request)


# --- helpers -----------------------------------------------------------------------------------------


def _etag(
    version: ScheduleVersion, fingerprint: str, name: str, session_id: int | None, locale: str | None = None
) -> str:
    """The release (its id and when it was released), what changed since in the sessions, the format,
    and the language for a format written in the visitor's language (the PDF)."""
    released = version.released_at.strftime("%Y%m%dT%H%M%S%f")
    scope = f"-s{session_id}" if session_id is not None else ""
    language = f"-{locale}" if locale else ""
    return f"v{version.id}-{released}-{fingerprint}-{name}{scope}{language}-r{exports.EXPORT_REVISION}"


def _with_cache_headers(response: Response, etag: str, exporter: exports.Exporter | None = None) -> Response:
    response.set_etag(etag)
    if exporter is not None and exporter.localised:  # the language comes from the visitor's session or account
        response.vary.add("Cookie")
    if g.event.is_published:
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_SECONDS
    else:  # only the team sees an unpublished event: no shared cache may keep it
        response.cache_control.private = True
        response.cache_control.no_cache = True
    return response


def _unavailable():
    """503: this server cannot make the PDF (no Pango library); the other formats still work."""
    message = _(
        "La version PDF du programme n'est pas disponible sur ce serveur pour le moment. "
        "Consultez le programme en ligne, ou imprimez sa page depuis votre navigateur."
    )
    response = render_template("errors.html", code=503, message=message, detail=None)
    return response, 503, {"Retry-After": "3600", "Cache-Control": "no-store"}


def _not_found(message: str):
    return _error(message, 404)


def _error(message: str, code: int):
    return render_template("errors.html", code=code, message=message, detail=None), code
