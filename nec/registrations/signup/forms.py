"""The registration form: plain questions, separate unticked consents, and a field people never see."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from nec.core.forms import NecForm
from nec.core.i18n import lazy_gettext as _l
from nec.proposals.models import StructureType
from nec.registrations.models import Attendance


class RegistrationForm(NecForm):
    full_name = StringField(
        _l("Votre nom et prénom"), validators=[DataRequired(_l("Indiquez votre nom.")), Length(max=200)]
    )
    email = EmailField(
        _l("Votre adresse e-mail"),
        description=_l("Nous y envoyons le lien qui confirme votre inscription."),
        validators=[DataRequired(_l("Indiquez votre adresse e-mail.")), Length(max=254)],
    )
    structure = StringField(
        _l("Votre structure"),
        description=_l("Par exemple : médiathèque de Cognac."),
        validators=[Optional(), Length(max=200)],
    )
    structure_type = SelectField(_l("Type de structure"), choices=[], default=StructureType.other.value)
    commune = StringField(_l("Commune"), validators=[Optional(), Length(max=200)])
    postcode = StringField(
        _l("Code postal"), description=_l("Cinq chiffres, par exemple 16000."), validators=[Optional(), Length(max=5)]
    )
    attendance = RadioField(_l("Comment participerez-vous ?"), choices=[], validate_choice=False)
    consent_news = BooleanField(_l("Je souhaite recevoir les nouvelles du réseau par e-mail."))
    consent_image = BooleanField(_l("J'accepte d'être photographié·e ou filmé·e pendant l'événement."))
    consent_accessibility = BooleanField(
        _l("J'accepte que les organisateurs gardent mes besoins d'accessibilité pour préparer mon accueil."),
        description=_l("Ces informations peuvent concerner votre santé : elles ne sont gardées qu'avec votre accord."),
    )
    accessibility_needs = TextAreaField(
        _l("Besoins d'accessibilité (facultatif)"),
        description=_l("Par exemple : accès en fauteuil, boucle magnétique, place près de l'écran."),
        validators=[Optional(), Length(max=2000)],
    )
    # A field hidden from people (and from screen readers); robots fill it in.
    website = StringField(_l("Ne remplissez pas ce champ"), validators=[Optional()])
    agenda = HiddenField()

    def fill_choices(self, modes: list[Attendance]) -> None:
        self.structure_type.choices = [(kind.value, kind.title) for kind in StructureType]
        self.attendance.choices = [(mode.value, mode.title) for mode in modes]
        if not self.attendance.data and modes:
            self.attendance.data = modes[0].value


class ButtonForm(NecForm):
    """A button that changes something (confirm, cancel, take a seat): its CSRF token only."""
