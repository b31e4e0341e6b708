"""Forms of direct programming (a session and its speakers) and of the import page."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from nec.core.forms import NecForm, NecSubForm
from nec.core.i18n import lazy_gettext as _l
from nec.events.forms import WholeNumberField
from nec.events.models import Event
from nec.proposals.models import SessionState, SpeakerRole
from nec.proposals.session_speakers import SessionSpeakerData
from nec.proposals.sessions.services import DIRECT_STATES, MAX_SPEAKERS, SessionDetails


class SessionSpeakerForm(NecSubForm):
    """One line of the speakers' table; an empty line is ignored."""

    full_name = StringField(
        _l("Nom"), validators=[Optional(), Length(max=200, message=_l("Le nom ne doit pas dépasser 200 caractères."))]
    )
    email = StringField(
        _l("Adresse e-mail"),
        validators=[
            Optional(),
            Length(max=254),
            Email(message=_l("Indiquez une adresse e-mail valide, par exemple nom@exemple.fr.")),
        ],
    )
    role = SelectField(_l("Rôle"), validators=[Optional()], filters=[lambda value: (value or "").strip()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice("", _l("— Choisir —")), *SpeakerRole.choices()]

    @property
    def is_empty(self) -> bool:
        return not ((self.full_name.data or "").strip() or (self.email.data or "").strip())

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_empty:
            return ok
        if not (self.full_name.data or "").strip():
            self.full_name.errors = [*self.full_name.errors, _l("Indiquez le nom de cette personne.")]
            ok = False
        if not (self.email.data or "").strip():
            self.email.errors = [*self.email.errors, _l("Indiquez l'adresse e-mail de cette personne.")]
            ok = False
        if not self.role.data:
            self.role.errors = [*self.role.errors, _l("Choisissez le rôle de cette personne.")]
            ok = False
        return ok


class SessionForm(NecForm):
    format_id = SelectField(_l("Format"), coerce=int, validators=[InputRequired(_l("Choisissez le format."))])
    theme_id = SelectField(_l("Thème"), coerce=int, validators=[Optional()])
    title = StringField(
        _l("Titre"),
        validators=[
            InputRequired(_l("Indiquez le titre de la session.")),
            Length(max=250, message=_l("Le titre ne doit pas dépasser 250 caractères.")),
        ],
    )
    summary = TextAreaField(
        _l("Résumé"),
        description=_l("Deux ou trois phrases, affichées dans le programme."),
        validators=[Optional(), Length(max=600, message=_l("Le résumé ne doit pas dépasser 600 caractères."))],
    )
    description = TextAreaField(_l("Description"), validators=[Optional()])
    duration = WholeNumberField(
        _l("Durée en minutes"),
        description=_l("Laissez vide pour la durée habituelle du format."),
        validators=[
            Optional(),
            NumberRange(min=1, max=600, message=_l("La durée doit être comprise entre 1 et 600 minutes.")),
        ],
    )
    seat_capacity = WholeNumberField(
        _l("Nombre de places"),
        description=_l("Pour un atelier : le nombre de participants qui peuvent s'inscrire."),
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message=_l("Le nombre de places doit être supérieur à zéro.")),
        ],
    )
    state = SelectField(_l("État"), validators=[InputRequired()])
    speakers = FieldList(FormField(SessionSpeakerForm), min_entries=MAX_SPEAKERS, max_entries=MAX_SPEAKERS)

    def __init__(self, event: Event, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.format_id.choices = [SelectChoice(f.id, f.name) for f in event.formats]
        self.theme_id.choices = [
            SelectChoice(0, _l("Aucun thème")),
            *[SelectChoice(t.id, t.name) for t in event.themes],
        ]
        self.state.choices = [SelectChoice(s.value, s.title) for s in DIRECT_STATES]

    def details(self) -> SessionDetails:
        fmt = next(f for f in self.event.formats if f.id == self.format_id.data)
        theme = next((t for t in self.event.themes if t.id == self.theme_id.data), None)
        return SessionDetails(
            format=fmt,
            theme=theme,
            title=self.title.data or "",
            summary=self.summary.data or "",
            description=self.description.data or "",
            duration=self.duration.data,
            seat_capacity=self.seat_capacity.data,
        )

    def entries(self) -> list[SessionSpeakerData]:
        return [
            SessionSpeakerData(
                full_name=row.full_name.data.strip(),
                email=row.email.data.strip().lower(),
                role=SpeakerRole(row.role.data),
            )
            for row in (entry.form for entry in self.speakers)
            if not row.is_empty
        ]

    def chosen_state(self) -> SessionState:
        return SessionState(self.state.data)

    def fill_speakers(self, session) -> None:
        """Show the session's speakers in the first lines (on GET)."""
        for entry, session_speaker in zip(self.speakers, session.speakers, strict=False):
            entry.form.full_name.data = session_speaker.speaker.full_name
            entry.form.email.data = session_speaker.speaker.email
            entry.form.role.data = session_speaker.role.value


class ImportForm(NecForm):
    kind = RadioField(
        _l("Ce que contient le fichier"),
        choices=[
            SelectChoice("sessions", _l("Des sessions, avec leurs intervenant·es")),
            SelectChoice("speakers", _l("Des intervenant·es (profils)")),
        ],
        default="sessions",
        validators=[InputRequired(_l("Choisissez ce que contient le fichier."))],
    )
    file = FileField(
        _l("Fichier CSV ou Excel (.xlsx)"),
        description=_l("5 Mo au plus. La première ligne donne le nom des colonnes."),
        validators=[FileRequired(_l("Choisissez le fichier à importer."))],
    )
    only_valid = BooleanField(
        _l("Importer seulement les lignes valides"),
        description=_l(
            "Sans cette case, rien n'est importé tant qu'une ligne a un problème : corrigez le fichier puis "
            "envoyez-le à nouveau."
        ),
    )
