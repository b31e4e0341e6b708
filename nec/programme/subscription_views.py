"""The personal calendar subscription (webcal) of "Mon programme", and the programme as CSV/XLSX for organisers."""

from __future__ import annotations

import hashlib
from datetime import date

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from nec.accounts.permissions import organiser_required
from nec.core.audit import log_action
from nec.core.links import base_url
from nec.extensions import db
from nec.programme import subscriptions
from nec.programme.releases import latest_release

bp = Blueprint("subscriptions", __name__)

MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _error(message: str, code: int = 404):
    return render_template("errors.html", code=code, message=message, detail=None), code


# --- the personal calendar -------------------------------------------------------------------------------


@bp.get("/<ev>/programme/mine.ics")
def mine_ics():
    """Read by calendar apps: no cookie, the token in the address is the permission."""
    user = subscriptions.user_for_token(request.args.get("token"), g.event)
    if user is None:
        return _error(
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
@login_required
def subscribe():
    event = g.event
    token = subscriptions.subscription_token(current_user, event)
    https_url = base_url() + url_for(".mine_ics", token=token)
    webcal_url = "webcal://" + https_url.partition("://")[2]
    response = Response(
        render_template(
            "programme/subscribe.html",
            event=event,
            https_url=https_url,
            webcal_url=webcal_url,
            released=latest_release(event) is not None,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the page holds a private link
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/<ev>/programme/subscribe/reset")
@login_required
def reset_subscription():
    user = current_user._get_current_object()
    subscriptions.revoke_subscriptions(user)
    log_action("programme.subscription_reset", actor=user, event=g.event, target=user)
    db.session.commit()
    login_user(user)  # the new session_version: this browser stays signed in, the others end
    flash(
        _(
            "Votre lien d'abonnement a changé : l'ancien ne fonctionne plus. Abonnez-vous de nouveau "
            "avec le lien ci-dessous sur vos appareils."
        ),
        "success",
    )
    return redirect(url_for(".subscribe"))


# --- the organisers' table ---------------------------------------------------------------------------------


@bp.get("/<ev>/manage/programme.<fmt>")
@organiser_required
def programme_table(fmt: str):
    if fmt not in MIME_TYPES:
        return _error(_("Ce format n'est pas proposé : choisissez le fichier CSV ou le fichier Excel (XLSX)."))
    event = g.event
    wanted = request.args.get("version", "").strip()
    if wanted == "draft":
        version = subscriptions.draft_version(event)
        name = "brouillon"
        missing = _("Ce programme n'a pas encore de brouillon : créez-le ou générez-le d'abord.")
    elif not wanted:
        version = latest_release(event)
        name = "publie"
        missing = _(
            "Le programme n'a pas encore été publié. Pour télécharger le brouillon, ajoutez « ?version=draft » "
            "à l'adresse ou utilisez le lien « brouillon »."
        )
    else:
        return _error(_("Cette version n'existe pas : demandez la version publiée, ou le brouillon (version=draft)."))
    if version is None:
        return _error(missing)
    content = subscriptions.programme_file(event, version, fmt)
    response = Response(content, mimetype=MIME_TYPES[fmt])
    filename = f"{event.slug}-programme-{name}-{date.today().isoformat()}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # names of speakers without a public profile
    return response
