"""Forms of the speaker's pages: the proposal, the profile, availability, consents, answers to links.

Forms check the shape of what was typed; the rules of an NEC (the lineup of a round table, the
deadline) live in services.py and come back as ProposalError.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from nec.core.forms import NecForm, NecSubForm
from nec.core.i18n import lazy_gettext as _l
from nec.proposals.models import AttendanceMode, Level, SpeakerRole, StructureType

CO_SPEAKER_ROWS = 5
SUMMARY_MAX = 600

LANGUAGES = (("fr", _l("Français")), ("en", _l("Anglais")), ("oc", _l("Occitan")), ("fr-lsf", _l("Français et LSF")))


def choices_of(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _values(field) -> set[str]:
    return {choice.value for choice in field.choices}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


class CoSpeakerForm(NecSubForm):
    """One row of the lineup; a row left blank is ignored. (A plain Form: the page has one CSRF token.)"""

    name = StringField(_l("Prénom et nom"), validators=[Optional(), Length(max=200)], filters=[_strip])
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[Optional(), Length(max=254), Email(_l("Cette adresse e-mail n'est pas valide."))],
        filters=[_lower],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )
    role = SelectField(_l("Rôle"), choices=[], validate_choice=False)

    def validate(self, extra_validators=None) -> bool:
        """Name and address go together; checked here, not on the field: a field missing from the
        request stops its own validators (Optional), and a row with an address but no name got through.
        Each error names the person of the row, so the summary at the top of the page says whose it is."""
        ok = super().validate(extra_validators)
        if bool(self.name.data) != bool(self.email.data):
            message = _l("Indiquez à la fois le nom et l'adresse e-mail de la personne, ou aucun des deux.")
            self.name.errors = [*self.name.errors, message]
            ok = False
        if not ok:
            who = self.person()
            for field in (self.name, self.email, self.role):
                field.errors = [_l("%(who)s : %(message)s", who=who, message=m) for m in field.errors]
        return ok

    def person(self) -> str:
        """How the row's person is called in messages: "Personne 2 (paul@example.org)", as the row's legend."""
        number = int(self._prefix.rstrip("-").rsplit("-", 1)[-1]) + 1
        named = self.email.data or self.name.data or (self.email.raw_data or [""])[0]
        if named:
            return _l("Personne %(n)d (%(who)s)", n=number, who=named)
        return _l("Personne %(n)d", n=number)

    def is_blank(self) -> bool:
        return not self.name.data and not self.email.data


class ProposalForm(NecForm):
    title = StringField(
        _l("Titre de la session"),
        description=_l("Quelques mots qui donnent envie de venir, par exemple « Le métier de médiateur numérique »."),
        validators=[
            InputRequired(_l("Donnez un titre à votre session.")),
            Length(max=250, message=_l("Le titre ne doit pas dépasser 250 caractères.")),
        ],
        filters=[_strip],
    )
    summary = TextAreaField(
        _l("Résumé"),
        description=_l("En deux ou trois phrases : il sera affiché dans le programme."),
        validators=[
            InputRequired(_l("Écrivez un court résumé de la session.")),
            Length(max=SUMMARY_MAX, message=_l("Le résumé ne doit pas dépasser 600 caractères.")),
        ],
        filters=[_strip],
        render_kw={"rows": 3},
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("Le déroulé, ce que les participants y gagnent. Pour l'équipe qui choisit les sessions."),
        validators=[Optional(), Length(max=10000)],
        filters=[_strip],
        render_kw={"rows": 8},
    )
    theme_id = SelectField(_l("Thématique"), choices=[], validate_choice=False)
    duration = IntegerField(
        _l("Durée (en minutes)"),
        validators=[
            InputRequired(_l("Indiquez la durée en minutes.")),
            NumberRange(min=1, max=600, message=_l("Indiquez une durée entre 1 et 600 minutes.")),
        ],
    )
    audience = StringField(
        _l("Public visé"),
        description=_l("Par exemple : médiateurs numériques, élus, travailleurs sociaux, tout public."),
        validators=[Optional(), Length(max=300)],
        filters=[_strip],
    )
    level = RadioField(_l("Niveau"), choices=[], default=Level.beginner.value, validate_choice=False)
    language = SelectField(_l("Langue"), choices=choices_of(LANGUAGES), default="fr", validate_choice=False)
    attendance_mode = RadioField(
        _l("Vous interviendrez"), choices=[], default=AttendanceMode.either.value, validate_choice=False
    )
    seat_capacity = IntegerField(
        _l("Nombre de places"),
        description=_l("Combien de participants au plus ? Ils s'inscriront à l'atelier."),
        validators=[
            Optional(),
            NumberRange(min=1, max=10000, message=_l("Indiquez un nombre de places d'au moins 1.")),
        ],
    )
    needs = TextAreaField(
        _l("Besoins"),
        description=_l("Matériel, salle, accessibilité, aide à la visioconférence…"),
        validators=[Optional(), Length(max=5000)],
        filters=[_strip],
        render_kw={"rows": 3},
    )
    needs_accessible_room = BooleanField(
        _l("Une salle accessible en fauteuil roulant est nécessaire"),
        description=_l("Pour vous, un ou une autre intervenante, ou le public attendu."),
    )
    own_role = RadioField(_l("Votre rôle"), choices=[], validate_choice=False)
    co_speakers = FieldList(
        FormField(CoSpeakerForm),
        label=_l("Co-intervenant·es"),
        min_entries=CO_SPEAKER_ROWS,
        max_entries=CO_SPEAKER_ROWS,
    )
    save_draft = SubmitField(_l("Enregistrer le brouillon"))
    submit = SubmitField(_l("Envoyer la proposition"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Titles are translated per request, so the choices are made here.
        self.level.choices = Level.choices()
        self.attendance_mode.choices = AttendanceMode.choices()

    def adapt_to(self, fmt, themes, roles: tuple[SpeakerRole, ...], own_default: SpeakerRole) -> None:
        """Fit the form to the format: its roles, its themes, seats for a workshop."""
        role_choices = [SelectChoice(r.value, r.title) for r in roles]
        self.own_role.choices = role_choices
        if not self.is_submitted() and self.own_role.data not in {r.value for r in roles}:
            self.own_role.data = own_default.value
        for row in self.co_speakers:
            row.form.role.choices = role_choices
            if not row.form.role.data:
                row.form.role.data = roles[0].value
        self.theme_id.choices = [SelectChoice("", _l("Pas de thématique particulière"))] + [
            SelectChoice(str(t.id), t.name) for t in themes
        ]
        if fmt.has_seats:
            self.seat_capacity.validators = [
                InputRequired(_l("Indiquez le nombre de places de l'atelier.")),
                NumberRange(min=1, max=10000, message=_l("Indiquez un nombre de places d'au moins 1.")),
            ]
            self.seat_capacity.flags.required = True
        else:
            del self.seat_capacity

    def relax_for_draft(self, question_names=()) -> None:
        """A draft needs only its title: what submission requires (summary, duration, seats, required
        answers) may stay empty; what is typed must still have the right shape."""
        for name in ("summary", "duration", "seat_capacity", *question_names):
            field = getattr(self, name, None)
            if field is None:
                continue
            field.validators = [Optional() if isinstance(v, InputRequired) else v for v in field.validators]
            field.flags.required = False

    def validate_own_role(self, field):
        if field.data not in _values(field):
            raise ValidationError(_l("Choisissez votre rôle dans la liste."))

    def validate_theme_id(self, field):
        if field.data is None:  # an event without themes shows no theme field: no particular theme
            field.data = ""
        if field.data not in _values(field):
            raise ValidationError(_l("Choisissez une thématique de la liste."))

    def validate_language(self, field):
        if field.data not in _values(field):
            raise ValidationError(_l("Choisissez une langue dans la liste."))

    def validate_level(self, field):
        if field.data not in {m.value for m in Level}:
            raise ValidationError(_l("Choisissez un niveau."))

    def validate_attendance_mode(self, field):
        if field.data not in {m.value for m in AttendanceMode}:
            raise ValidationError(_l("Dites si vous interviendrez sur place ou en ligne."))

    def validate_co_speakers(self, field):
        for row in field:
            if not row.form.is_blank() and row.form.role.data not in _values(self.own_role):
                raise ValidationError(_l("%(who)s : choisissez son rôle dans la liste.", who=row.form.person()))


class ChooseFormatForm(NecForm):
    format = RadioField(_l("Quel format proposez-vous ?"), choices=[], validate_choice=False)


class ProfileForm(NecForm):
    full_name = StringField(
        _l("Prénom et nom"),
        validators=[
            InputRequired(_l("Indiquez votre prénom et votre nom.")),
            Length(max=200, message=_l("Ce nom est trop long.")),
        ],
        filters=[_strip],
        render_kw={"autocomplete": "name"},
    )
    structure = StringField(
        _l("Structure"),
        description=_l("Votre employeur ou votre association, par exemple « Centre social de Barbezieux »."),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
        render_kw={"autocomplete": "organization"},
    )
    structure_type = SelectField(
        _l("Type de structure"), choices=[], default=StructureType.other.value, validate_choice=False
    )
    territory = StringField(
        _l("Commune ou territoire"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
    )
    bio = TextAreaField(
        _l("Quelques mots sur vous"),
        description=_l("Votre parcours, ce que vous faites : trois ou quatre phrases suffisent."),
        validators=[Optional(), Length(max=3000, message=_l("Écrivez au plus 3 000 caractères."))],
        filters=[_strip],
        render_kw={"rows": 5},
    )
    photo = FileField(
        _l("Photo (facultative)"),
        description=_l("Une image JPEG, PNG ou WebP, de 5 Mo et 4000 × 4000 pixels au plus."),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    remove_photo = BooleanField(_l("Retirer ma photo"))
    publish_consent = BooleanField(
        _l("J'accepte que ma structure, mon territoire, ma photo et ma présentation soient publiés avec mon nom."),
        description=_l(
            "Votre nom apparaît dans tous les cas sur le programme public, à côté de vos sessions. Sans votre "
            "accord, rien d'autre n'est publié. Vous pouvez changer d'avis à tout moment ici."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure_type.choices = StructureType.choices()

    def validate_structure_type(self, field):
        if field.data not in {m.value for m in StructureType}:
            raise ValidationError(_l("Choisissez un type de structure dans la liste."))


class AvailabilityForm(NecForm):
    """The half-day checkboxes are read from request.form directly (their keys are dates)."""

    whole_event = BooleanField(_l("Je suis disponible pendant tout l'événement"))
    none_available = BooleanField(_l("Je ne suis disponible à aucun moment de l'événement"))


CONSENT_CHOICES = (("yes", _l("Oui, j'accepte")), ("no", _l("Non, je refuse")))


class ConsentForm(NecForm):
    recording = RadioField(
        _l("Enregistrement vidéo de la session"),
        choices=choices_of(CONSENT_CHOICES),
        validators=[
            InputRequired(_l("Dites si vous acceptez d'être enregistré·e.")),
            AnyOf(("yes", "no"), message=_l("Choisissez « oui » ou « non ».")),
        ],
        validate_choice=False,
    )
    replay = RadioField(
        _l("Publication du replay"),
        choices=choices_of(CONSENT_CHOICES),
        validators=[
            InputRequired(_l("Dites si vous acceptez la publication du replay.")),
            AnyOf(("yes", "no"), message=_l("Choisissez « oui » ou « non ».")),
        ],
        validate_choice=False,
    )


class ButtonForm(NecForm):
    """A form that is only a button (and its CSRF token): withdraw, accept, decline, confirm."""
