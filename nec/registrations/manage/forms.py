"""Forms of the organisers' registration pages. They check the shape of what was typed; the rules that
need the database (a capacity below the registrations already counted, a full mode) are the services'."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from nec.core.forms import NecForm, WholeNumberField
from nec.core.i18n import lazy_gettext as _l
from nec.proposals.call.forms import LocalDateTimeField
from nec.proposals.models import StructureType
from nec.registrations.manage.services import Audience, SettingsValues
from nec.registrations.models import Attendance
from nec.registrations.services import RegistrationData


def _range(low: int, high: int, message):
    return [InputRequired(message), NumberRange(min=low, max=high, message=message)]


class SettingsForm(NecForm):
    is_open = BooleanField(
        _l("Les inscriptions sont ouvertes"),
        description=_l("Décochez pour fermer les inscriptions à tout moment, quelles que soient les dates."),
    )
    opens_at = LocalDateTimeField(
        _l("Ouverture des inscriptions"),
        description=_l("Date et heure, à l'heure de l'événement. Laissez vide pour ouvrir dès maintenant."),
    )
    closes_at = LocalDateTimeField(
        _l("Clôture des inscriptions"),
        description=_l(
            "Date et heure, à l'heure de l'événement. Laissez vide pour prendre des inscriptions jusqu'à la fin."
        ),
    )
    on_site_capacity = WholeNumberField(
        _l("Places sur place"),
        description=_l("La capacité du lieu. Laissez vide pour ne pas limiter."),
        validators=[Optional(), NumberRange(min=0, max=100000, message=_l("Indiquez un nombre entre 0 et 100 000."))],
    )
    online_capacity = WholeNumberField(
        _l("Places en ligne"),
        description=_l("Laissez vide pour ne pas limiter."),
        validators=[Optional(), NumberRange(min=0, max=100000, message=_l("Indiquez un nombre entre 0 et 100 000."))],
    )
    offer_hours = WholeNumberField(
        _l("Durée d'une proposition de place (heures)"),
        description=_l(
            "Quand une place se libère dans un atelier complet, la personne suivante de la liste d'attente a ce "
            "temps pour la prendre. La proposition se termine toujours avant le début de l'atelier."
        ),
        validators=_range(1, 720, _l("Indiquez un nombre d'heures entre 1 et 720.")),
    )
    pending_hours = WholeNumberField(
        _l("Délai pour confirmer une inscription (heures)"),
        description=_l("Une inscription dont le lien de confirmation n'est pas suivi à temps est effacée."),
        validators=_range(1, 720, _l("Indiquez un nombre d'heures entre 1 et 720.")),
    )
    reminder_days = StringField(
        _l("Rappels avant l'événement (jours)"),
        description=_l(
            "Par exemple « 7,1 » : un rappel une semaine avant, puis la veille. Laissez vide pour aucun rappel."
        ),
        validators=[Optional(), Length(max=40, message=_l("Indiquez au plus quelques nombres."))],
    )
    workshop_reminder_hours = WholeNumberField(
        _l("Rappel avant chaque atelier (heures)"),
        description=_l(
            "Les personnes qui ont une place reçoivent un rappel ce nombre d'heures avant. 0 : aucun rappel."
        ),
        validators=_range(0, 168, _l("Indiquez un nombre d'heures entre 0 et 168.")),
    )
    retention_days = WholeNumberField(
        _l("Conservation des données (jours après l'événement)"),
        description=_l(
            "Ensuite, les inscriptions sont anonymisées : les chiffres restent, les noms et adresses disparaissent."
        ),
        validators=_range(30, 3650, _l("Indiquez un nombre de jours entre 30 et 3 650.")),
    )

    def values(self) -> SettingsValues:
        return SettingsValues(
            is_open=bool(self.is_open.data),
            opens_at=self.opens_at.data,
            closes_at=self.closes_at.data,
            on_site_capacity=self.on_site_capacity.data,
            online_capacity=self.online_capacity.data,
            offer_hours=self.offer_hours.data,
            pending_hours=self.pending_hours.data,
            reminder_days=self.reminder_days.data or "",
            workshop_reminder_hours=self.workshop_reminder_hours.data,
            retention_days=self.retention_days.data,
        )


def _structure_choices():
    return [(kind.value, kind.title) for kind in StructureType]


class ParticipantForm(NecForm):
    full_name = StringField(
        _l("Nom et prénom"),
        validators=[InputRequired(_l("Indiquez le nom.")), Length(max=200, message=_l("200 caractères au plus."))],
    )
    email = EmailField(
        _l("Adresse e-mail"),
        description=_l("La personne y reçoit la confirmation et le lien de son espace personnel."),
        validators=[
            InputRequired(_l("Indiquez l'adresse e-mail.")),
            Length(max=254, message=_l("Adresse trop longue.")),
        ],
    )
    structure = StringField(
        _l("Structure"), validators=[Optional(), Length(max=200, message=_l("200 caractères au plus."))]
    )
    structure_type = SelectField(
        _l("Type de structure"),
        default=StructureType.other.value,
        invalid_choice_message=_l("Choisissez un type dans la liste."),
    )
    commune = StringField(
        _l("Commune"), validators=[Optional(), Length(max=200, message=_l("200 caractères au plus."))]
    )
    postcode = StringField(
        _l("Code postal"),
        description=_l("Cinq chiffres ; le département en est déduit."),
        validators=[Optional(), Length(max=5, message=_l("Le code postal a cinq chiffres, par exemple 16000."))],
    )
    attendance = RadioField(
        _l("Participation"),
        validators=[InputRequired(_l("Choisissez comment la personne participe."))],
        invalid_choice_message=_l("Choisissez comment la personne participe."),
    )

    def __init__(self, modes: list[Attendance], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure_type.choices = _structure_choices()
        self.attendance.choices = [(mode.value, mode.title) for mode in modes]
        if len(modes) == 1 and not self.attendance.data:
            self.attendance.data = modes[0].value

    def data_for_service(self) -> RegistrationData:
        return RegistrationData(
            full_name=self.full_name.data or "",
            email=self.email.data or "",
            structure=self.structure.data or "",
            structure_type=self.structure_type.data or StructureType.other.value,
            commune=self.commune.data or "",
            postcode=self.postcode.data or "",
            attendance=self.attendance.data,
        )


class AttendanceForm(NecForm):
    attendance = RadioField(
        _l("Participation"),
        validators=[InputRequired(_l("Choisissez sur place ou en ligne."))],
        invalid_choice_message=_l("Choisissez sur place ou en ligne."),
    )

    def __init__(self, modes: list[Attendance], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendance.choices = [(mode.value, mode.title) for mode in modes]


class SeatForm(NecForm):
    """Give a seat in a workshop, or move the person's seat from one workshop to another."""

    from_session = SelectField(_l("Atelier actuel"), coerce=str, validate_choice=False)
    to_session = SelectField(
        _l("Nouvel atelier"),
        coerce=str,
        validators=[InputRequired(_l("Choisissez un atelier."))],
        validate_choice=False,
    )


class MessageForm(NecForm):
    audience = SelectField(
        _l("Destinataires"),
        default=Audience.EVERYONE,
        validate_choice=False,
        description=_l("Seules les inscriptions confirmées reçoivent le message."),
    )
    include_waiting = BooleanField(
        _l("Pour un atelier : écrire aussi aux personnes de sa liste d'attente"),
    )
    subject = StringField(
        _l("Objet"),
        validators=[
            InputRequired(_l("Écrivez l'objet du message.")),
            Length(max=200, message=_l("200 caractères au plus.")),
        ],
    )
    body = TextAreaField(
        _l("Message"),
        description=_l("Texte simple. Chaque personne reçoit son propre e-mail, sans voir les autres adresses."),
        validators=[
            InputRequired(_l("Écrivez le message.")),
            Length(max=10000, message=_l("Le message ne doit pas dépasser 10 000 caractères.")),
        ],
    )
