"""The check-in page's form: a code scanned by the camera or typed from a printout."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import Length

from nec.core.forms import NecForm
from nec.core.i18n import lazy_gettext as _l


class ScanForm(NecForm):
    code = StringField(
        _l("Code d'arrivée"),
        validators=[Length(max=400)],
        description=_l("Le code de 32 caractères sous le QR code du participant, ou l'adresse lue par la caméra."),
    )
