"""Forms of the organiser's pages: the event, its days, rooms, themes and session formats.

Forms check the shape of what was typed; the rules that need the database (a free slug, a unique
name, a room still in use) live in services.py and come back as SetupError.
"""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import URL, Email, InputRequired, Length, NumberRange, Optional, Regexp

from nec.core.forms import NecForm, WholeNumberField
from nec.core.i18n import lazy_gettext as _l
from nec.events.models import EventFormat, FormatKind, RoomKind

# Time zones people of a French-speaking event are most likely to need (any valid one is accepted).
COMMON_TIMEZONES = (
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Luxembourg",
    "Europe/Zurich",
    "America/Guadeloupe",
    "America/Martinique",
    "America/Cayenne",
    "America/Miquelon",
    "America/Montreal",
    "Indian/Reunion",
    "Indian/Mayotte",
    "Pacific/Noumea",
    "Pacific/Tahiti",
    "Pacific/Wallis",
    "Africa/Dakar",
    "Africa/Abidjan",
    "Africa/Casablanca",
    "Africa/Tunis",
)


class EventForm(NecForm):
    title = StringField(
        _l("Titre de l'événement"),
        validators=[InputRequired(_l("Indiquez le titre de l'événement.")), Length(max=200)],
    )
    slug = StringField(
        _l("Adresse de l'événement"),
        description=_l(
            "La fin de l'adresse web de l'événement : lettres minuscules sans accent, chiffres et tirets "
            "(par exemple nec-sud-charente-2025). Laissez vide pour la créer à partir du titre."
        ),
        validators=[Optional(), Length(max=80, message=_l("L'adresse ne doit pas dépasser 80 caractères."))],
    )
    tagline = StringField(
        _l("Phrase d'accroche"),
        description=_l("Une phrase qui dit en quelques mots de quoi parle l'événement."),
        validators=[
            Optional(),
            Length(max=300, message=_l("La phrase d'accroche ne doit pas dépasser 300 caractères.")),
        ],
    )
    description = TextAreaField(
        _l("Présentation"),
        description=_l("Laissez une ligne vide entre deux paragraphes."),
        validators=[Optional()],
    )
    start_date = DateField(
        _l("Premier jour"),
        validators=[InputRequired(_l("Indiquez le premier jour de l'événement."))],
        invalid_value_message=_l("Indiquez une date valide, par exemple 28/01/2025."),
    )
    end_date = DateField(
        _l("Dernier jour"),
        description=_l("Le même que le premier jour pour un événement d'une seule journée."),
        validators=[InputRequired(_l("Indiquez le dernier jour de l'événement."))],
        invalid_value_message=_l("Indiquez une date valide, par exemple 29/01/2025."),
    )
    timezone = StringField(
        _l("Fuseau horaire"),
        default="Europe/Paris",
        description=_l("Les horaires du programme sont affichés à l'heure de ce fuseau (Europe/Paris en métropole)."),
        validators=[InputRequired(_l("Indiquez le fuseau horaire, par exemple Europe/Paris.")), Length(max=64)],
    )
    format = SelectField(_l("Format"), default=EventFormat.on_site.value, validators=[InputRequired()])
    venue_name = StringField(
        _l("Nom du lieu"),
        validators=[Optional(), Length(max=200, message=_l("Le nom du lieu ne doit pas dépasser 200 caractères."))],
    )
    venue_address = StringField(
        _l("Adresse du lieu"),
        validators=[Optional(), Length(max=400, message=_l("L'adresse ne doit pas dépasser 400 caractères."))],
    )
    organiser_name = StringField(
        _l("Structure organisatrice"),
        validators=[Optional(), Length(max=200, message=_l("Le nom ne doit pas dépasser 200 caractères."))],
    )
    contact_email = EmailField(
        _l("Adresse e-mail de contact"),
        validators=[
            Optional(),
            Length(max=254),
            Email(message=_l("Indiquez une adresse e-mail valide, par exemple contact@exemple.fr.")),
        ],
    )
    website = URLField(
        _l("Site web"),
        validators=[
            Optional(),
            Length(max=400),
            URL(message=_l("Indiquez une adresse web complète, par exemple https://www.exemple.fr.")),
        ],
    )
    is_published = BooleanField(
        _l("Publier l'événement"),
        description=_l("Tant qu'il n'est pas publié, seule l'équipe organisatrice voit l'événement."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.format.choices = EventFormat.choices()
        self.timezone_suggestions = COMMON_TIMEZONES

    def event_details(self) -> dict:
        """The values for services.create_event / update_event."""
        return {
            "title": self.title.data.strip(),
            "slug": (self.slug.data or "").strip(),
            "tagline": (self.tagline.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "timezone": self.timezone.data.strip(),
            "format": EventFormat(self.format.data),
            "venue_name": (self.venue_name.data or "").strip(),
            "venue_address": (self.venue_address.data or "").strip(),
            "organiser_name": (self.organiser_name.data or "").strip(),
            "contact_email": (self.contact_email.data or "").strip().lower(),
            "website": (self.website.data or "").strip(),
            "is_published": bool(self.is_published.data),
        }


class DayForm(NecForm):
    opens_at = TimeField(
        _l("Ouverture"),
        validators=[InputRequired(_l("Indiquez l'heure d'ouverture."))],
        invalid_value_message=_l("Indiquez une heure valide, par exemple 09:00."),
    )
    closes_at = TimeField(
        _l("Fermeture"),
        validators=[InputRequired(_l("Indiquez l'heure de fermeture."))],
        invalid_value_message=_l("Indiquez une heure valide, par exemple 17:30."),
    )
    lunch_start = TimeField(
        _l("Début de la pause déjeuner"),
        description=_l("Laissez les deux heures de la pause vides s'il n'y a pas de pause déjeuner."),
        validators=[Optional()],
        invalid_value_message=_l("Indiquez une heure valide, par exemple 12:30."),
    )
    lunch_end = TimeField(
        _l("Fin de la pause déjeuner"),
        validators=[Optional()],
        invalid_value_message=_l("Indiquez une heure valide, par exemple 14:00."),
    )

    def hours(self) -> dict:
        return {
            "opens_at": self.opens_at.data,
            "closes_at": self.closes_at.data,
            "lunch_start": self.lunch_start.data,
            "lunch_end": self.lunch_end.data,
        }


def _name_field(label):
    return StringField(
        label,
        validators=[
            InputRequired(_l("Indiquez un nom.")),
            Length(max=120, message=_l("Le nom ne doit pas dépasser 120 caractères.")),
        ],
    )


class RoomForm(NecForm):
    name = _name_field(_l("Nom de la salle"))
    kind = SelectField(_l("Type de salle"), default=RoomKind.physical.value)
    capacity = WholeNumberField(
        _l("Capacité (nombre de places)"),
        description=_l("Laissez vide si le nombre de places n'est pas limité."),
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message=_l("Indiquez un nombre de places supérieur à zéro.")),
        ],
    )
    is_accessible = BooleanField(
        _l("Accessible en fauteuil roulant (de plain-pied ou avec ascenseur)"),
        default=True,
        description=_l("Les sessions qui demandent une salle accessible ne seront placées que dans ces salles."),
    )
    accessibility_notes = TextAreaField(
        _l("Accessibilité"),
        description=_l("Accès en fauteuil roulant, boucle magnétique, étage, ascenseur..."),
        validators=[Optional()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = RoomKind.choices()

    def room_fields(self) -> dict:
        return {
            "name": self.name.data,
            "kind": RoomKind(self.kind.data),
            "capacity": self.capacity.data,
            "accessibility_notes": self.accessibility_notes.data or "",
            "is_accessible": self.is_accessible.data,
        }


class ThemeForm(NecForm):
    name = _name_field(_l("Nom du thème"))
    description = TextAreaField(_l("Description"), validators=[Optional()])
    colour = StringField(
        _l("Couleur"),
        default="#1f5f8b",
        description=_l("La couleur qui repère ce thème dans le programme."),
        validators=[
            InputRequired(_l("Choisissez une couleur.")),
            Regexp(r"^#[0-9a-fA-F]{6}$", message=_l("Choisissez une couleur (au format #1f5f8b).")),
        ],
        render_kw={"type": "color"},
    )

    def theme_fields(self) -> dict:
        return {"name": self.name.data, "description": self.description.data or "", "colour": self.colour.data}


class FormatForm(NecForm):
    kind = SelectField(_l("Type de session"))
    name = _name_field(_l("Nom du format"))
    description = TextAreaField(_l("Description"), validators=[Optional()])
    default_duration = WholeNumberField(
        _l("Durée par défaut (en minutes)"),
        validators=[
            InputRequired(_l("Indiquez la durée en minutes.")),
            NumberRange(min=1, max=600, message=_l("La durée doit être un nombre de minutes entre 1 et 600.")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = FormatKind.choices()

    def format_fields(self) -> dict:
        return {
            "kind": FormatKind(self.kind.data),
            "name": self.name.data,
            "description": self.description.data or "",
            "default_duration": self.default_duration.data,
        }
