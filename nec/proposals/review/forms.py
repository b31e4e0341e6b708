"""Forms of the review pages: criteria (organisers) and a review (one score per criterion, a comment).

Forms check the shape of what was typed; the rules that need the database live in review.py and
come back as ReviewError.
"""

from __future__ import annotations

from collections.abc import Callable

from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from nec.core.forms import NecForm, WholeNumberField
from nec.core.i18n import lazy_gettext as _l
from nec.proposals.models import ReviewCriterion
from nec.proposals.review.services import MAX_COMMENT_LENGTH


class CriterionForm(NecForm):
    name = StringField(
        _l("Nom du critère"),
        description=_l("Par exemple « Utilité pour les médiateurs numériques » ou « Clarté de la proposition »."),
        validators=[
            InputRequired(_l("Indiquez le nom du critère.")),
            Length(max=120, message=_l("Le nom ne doit pas dépasser 120 caractères.")),
        ],
    )
    description = TextAreaField(
        _l("Ce que les relecteurs doivent regarder (facultatif)"),
        validators=[Optional(), Length(max=600, message=_l("La description ne doit pas dépasser 600 caractères."))],
    )
    max_score = WholeNumberField(
        _l("Note maximale"),
        description=_l("Les relecteurs notent de 0 à ce nombre (entre 1 et 10)."),
        default=5,
        validators=[
            InputRequired(_l("Indiquez la note maximale, entre 1 et 10.")),
            NumberRange(1, 10, _l("La note maximale doit être un nombre entre 1 et 10.")),
        ],
    )
    weight = WholeNumberField(
        _l("Poids"),
        description=_l("L'importance du critère dans la note globale (entre 1 et 10) : un poids 2 compte double."),
        default=1,
        validators=[
            InputRequired(_l("Indiquez le poids, entre 1 et 10.")),
            NumberRange(1, 10, _l("Le poids doit être un nombre entre 1 et 10.")),
        ],
    )

    def criterion_fields(self) -> dict:
        return {
            "name": self.name.data or "",
            "description": self.description.data or "",
            "max_score": self.max_score.data,
            "weight": self.weight.data,
        }


class ReviewForm(NecForm):
    comment = TextAreaField(
        _l("Commentaire"),
        description=_l("Ce qui vous a convaincu ou ce qui manque. L'équipe organisatrice le lit avant de décider."),
        validators=[
            Optional(),
            Length(
                max=MAX_COMMENT_LENGTH,
                message=_l("Le commentaire ne doit pas dépasser %(max)d caractères.", max=MAX_COMMENT_LENGTH),
            ),
        ],
    )

    def score_fields(self):
        return [self[name] for name in self._score_names]

    def scores(self) -> dict[int, int | None]:
        return {criterion_id: self[name].data for criterion_id, name in self._score_ids.items()}


def _score_range(maximum: int, message) -> Callable:
    """NumberRange without its `message % {min, max}`: the message holds the criterion's name, whose
    own "%" made that formatting fail (a 500). The text is given as it is."""

    def check(form, field):
        if field.data is not None and not 0 <= field.data <= maximum:
            raise ValidationError(message)

    return check


def review_form_class(criteria: list[ReviewCriterion]) -> type[ReviewForm]:
    """A ReviewForm with one field per criterion, named c_<criterion id>."""
    attrs = {"_score_names": [], "_score_ids": {}}
    for criterion in criteria:
        name = f"c_{criterion.id}"
        message = _l(
            "Donnez une note entière de 0 à %(max)d pour « %(name)s ».",
            max=criterion.max_score,
            name=criterion.name,
        )
        attrs[name] = WholeNumberField(
            _l("%(name)s (note de 0 à %(max)d)", name=criterion.name, max=criterion.max_score),
            description=criterion.description or None,
            validators=[InputRequired(message), _score_range(criterion.max_score, message)],
        )
        attrs["_score_names"].append(name)
        attrs["_score_ids"][criterion.id] = name
    return type("CriteriaReviewForm", (ReviewForm,), attrs)
