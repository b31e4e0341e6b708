"""The form that publishes the programme (a name, a comment, whether to e-mail the speakers)."""

from __future__ import annotations

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from nec.core.forms import NecForm
from nec.core.i18n import lazy_gettext as _l
from nec.programme.releases.services import NAME_MAX_LENGTH

COMMENT_MAX_LENGTH = 2000


class ReleaseForm(NecForm):
    name = StringField(
        _l("Nom de la version"),
        description=_l("Par exemple « v2 » ou « Programme définitif ». Chaque version a un nom différent."),
        validators=[
            InputRequired(_l("Donnez un nom à cette version du programme (par exemple « v1 »).")),
            Length(max=NAME_MAX_LENGTH, message=_l("Le nom est trop long : %(max)d caractères au plus.")),
        ],
    )
    comment = TextAreaField(
        _l("Commentaire (facultatif)"),
        description=_l("Affiché au public avec la liste des changements, par exemple « Ajout des ateliers »."),
        validators=[
            Length(max=COMMENT_MAX_LENGTH, message=_l("Le commentaire est trop long : %(max)d caractères au plus."))
        ],
    )
    notify = BooleanField(
        _l("Prévenir les intervenant·es concernés par e-mail"),
        description=_l(
            "Chaque intervenant·e d'une session nouvelle ou déplacée reçoit un e-mail avec le jour, l'heure et "
            "la salle de ses sessions, et un lien pour les ajouter à son agenda."
        ),
    )
