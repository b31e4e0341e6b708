"""The programme as a table for organisers (CSV, XLSX), of the latest release or of the draft."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, g, render_template, request
from flask_babel import gettext as _

from nec.accounts.permissions import organiser_required
from nec.programme.draft import find_draft
from nec.programme.exports import table
from nec.programme.releases.versions import latest_release

bp = Blueprint("programme_exports_manage", __name__)

MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _error(message: str, code: int = 404):
    return render_template("errors.html", code=code, message=message, detail=None), code


# --- the organisers' table ---------------------------------------------------------------------------------


@bp.get("/<ev>/manage/programme.<fmt>")
@organiser_required
def programme_table(fmt: str):
    if fmt not in MIME_TYPES:
        return _error(_("Ce format n'est pas proposé : choisissez le fichier CSV ou le fichier Excel (XLSX)."))
    event = g.event
    wanted = request.args.get("version", "").strip()
    if wanted == "draft":
        version = find_draft(event)
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
    content = table.programme_file(event, version, fmt)
    response = Response(content, mimetype=MIME_TYPES[fmt])
    filename = f"{event.slug}-programme-{name}-{date.today().isoformat()}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # names of speakers without a public profile
    return response
