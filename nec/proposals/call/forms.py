"""Forms of the organiser's call pages: dates and formats, custom questions, e-mail wordings.

Forms check the shape of what was typed; the rules that need the database or the event's time zone
(closing after opening, a format of this event, unknown placeholders) live in call.py as CallError.
"""

from __future__ import annotations

from datetime import datetime

from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from nec.core.forms import NecForm
from nec.core.i18n import lazy_gettext as _l
from nec.events.models import SessionFormat
from nec.proposals.models import QuestionKind, QuestionTarget

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M"]


class LocalDateTimeField(DateTimeLocalField):
    """A date and time as the organiser reads a clock in the event's time zone (naive; call.py converts)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", DATETIME_FORMATS)
        kwargs.setdefault(
            "invalid_value_message", _l("Indiquez une date et une heure valides, par exemple 03/03/2025 18:00.")
        )
        super().__init__(label, validators or [Optional()], **kwargs)


class CallForm(NecForm):
    opens_at = LocalDateTimeField(
        _l("Ouverture de l'appel"),
        description=_l("Date et heure, à l'heure de l'événement. Laissez vide tant que l'appel ne doit pas ouvrir."),
    )
    closes_at = LocalDateTimeField(
        _l("Clôture de l'appel"),
        description=_l(
            "Date et heure, à l'heure de l'événement. Après cette heure, plus personne ne peut proposer ni modifier "
            "de proposition. Laissez vide pour ne pas fixer de fin."
        ),
    )
    introduction = TextAreaField(
        _l("Texte d'introduction"),
        description=_l(
            "Affiché en haut de la page publique de l'appel : ce que vous attendez, pour qui, comment. "
            "Laissez une ligne vide entre deux paragraphes."
        ),
        validators=[Optional(), Length(max=20000, message=_l("Le texte ne doit pas dépasser 20 000 caractères."))],
    )
    blind_review = BooleanField(
        _l("Relecture à l'aveugle"),
        description=_l("Les relecteurs ne voient ni le nom ni la structure des personnes qui proposent."),
    )
    reviews_visible_after_own = BooleanField(
        _l("Les relecteurs voient les autres avis seulement après avoir donné le leur"),
        description=_l("Évite que le premier avis influence les suivants."),
    )

    # One "offer_<id>" checkbox and one "closes_<id>" date per session format (see call_form_class).
    format_ids: tuple[int, ...] = ()

    def format_rows(self) -> list[tuple[SessionFormat, BooleanField, LocalDateTimeField]]:
        return [(fmt, self[f"offer_{fmt.id}"], self[f"closes_{fmt.id}"]) for fmt in self.formats]

    def settings(self) -> dict:
        """The values for call.update_call (dates naive, in the event's time zone)."""
        return {
            "opens_at": self.opens_at.data,
            "closes_at": self.closes_at.data,
            "introduction": self.introduction.data or "",
            "blind_review": bool(self.blind_review.data),
            "reviews_visible_after_own": bool(self.reviews_visible_after_own.data),
            "formats": {fmt.id: self[f"closes_{fmt.id}"].data for fmt in self.formats if self[f"offer_{fmt.id}"].data},
        }


def call_form_class(formats: list[SessionFormat]) -> type[CallForm]:
    """CallForm with a checkbox and an optional closing date for each of the event's formats."""
    attrs: dict[str, object] = {}
    for fmt in formats:
        attrs[f"offer_{fmt.id}"] = BooleanField(_l("Proposer le format « %(name)s »", name=fmt.name))
        attrs[f"closes_{fmt.id}"] = LocalDateTimeField(
            _l("Clôture propre au format « %(name)s »", name=fmt.name),
            description=_l("Laissez vide pour suivre la clôture de l'appel."),
        )
    cls = type("EventCallForm", (CallForm,), attrs)
    cls.formats = list(formats)
    return cls


def local_value(instant: datetime | None, tz) -> datetime | None:
    """A stored UTC instant as the naive local value the form shows."""
    return instant.astimezone(tz).replace(tzinfo=None) if instant is not None else None


class QuestionForm(NecForm):
    target = RadioField(
        _l("À qui la question est posée"),
        default=QuestionTarget.proposal.value,
        invalid_choice_message=_l("Choisissez à qui la question est posée."),
    )
    kind = SelectField(
        _l("Type de réponse"),
        default=QuestionKind.short_text.value,
        invalid_choice_message=_l("Choisissez un type de réponse dans la liste."),
    )
    label = StringField(
        _l("Question"),
        validators=[
            InputRequired(_l("Écrivez la question.")),
            Length(max=300, message=_l("La question ne doit pas dépasser 300 caractères.")),
        ],
    )
    help_text = StringField(
        _l("Aide (facultatif)"),
        description=_l("Une phrase sous la question pour aider à répondre."),
        validators=[Optional(), Length(max=600, message=_l("L'aide ne doit pas dépasser 600 caractères."))],
    )
    choices = TextAreaField(
        _l("Réponses proposées"),
        description=_l("Pour « Choix unique » et « Choix multiples » : une réponse par ligne, au moins deux."),
        validators=[Optional()],
    )
    required = BooleanField(_l("Réponse obligatoire"))
    format_id = SelectField(
        _l("Posée pour"),
        description=_l("Une question peut ne concerner qu'un format, par exemple le matériel d'un atelier."),
        default="",
        invalid_choice_message=_l("Choisissez un format dans la liste."),
    )

    def __init__(self, *args, formats: list[SessionFormat] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = QuestionTarget.choices()
        self.kind.choices = QuestionKind.choices()
        self.format_id.choices = [SelectChoice("", str(_l("Tous les formats")))] + [
            SelectChoice(str(fmt.id), str(_l("Le format « %(name)s » seulement", name=fmt.name))) for fmt in formats
        ]

    def question_fields(self) -> dict:
        """The values for call.add_question / update_question."""
        return {
            "target": QuestionTarget(self.target.data),
            "kind": QuestionKind(self.kind.data),
            "label": self.label.data or "",
            "help_text": self.help_text.data or "",
            "choices": [line.strip() for line in (self.choices.data or "").splitlines() if line.strip()],
            "required": bool(self.required.data),
            "format_id": int(self.format_id.data) if self.format_id.data else None,
        }


class MailWordingForm(NecForm):
    subject = StringField(
        _l("Objet"),
        validators=[
            InputRequired(_l("Écrivez l'objet de l'e-mail.")),
            Length(max=300, message=_l("L'objet ne doit pas dépasser 300 caractères.")),
        ],
    )
    body = TextAreaField(
        _l("Texte de l'e-mail"),
        validators=[
            InputRequired(_l("Écrivez le texte de l'e-mail.")),
            Length(max=20000, message=_l("Le texte ne doit pas dépasser 20 000 caractères.")),
        ],
    )
