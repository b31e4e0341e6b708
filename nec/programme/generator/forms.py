"""Forms of the programme pages: the generator's weights and time limit."""

from __future__ import annotations

from wtforms.validators import InputRequired, NumberRange, Optional

from nec.core.forms import NecForm
from nec.core.i18n import lazy_gettext as _l
from nec.events.forms import WholeNumberField
from nec.programme.generator.bridge import WEIGHTED_TERMS
from nec.programme.generator.runs import MAX_TIME_LIMIT, MIN_TIME_LIMIT
from nec.programme.solver.solve import Weights

MAX_WEIGHT = 1000


def _weight(label, description):
    return WholeNumberField(
        label,
        description=description,
        validators=[
            InputRequired(_l("Indiquez un poids (0 pour ne pas en tenir compte).")),
            NumberRange(min=0, max=MAX_WEIGHT, message=_l("Indiquez un poids entre 0 et %(max)s.", max=MAX_WEIGHT)),
        ],
    )


class GeneratorForm(NecForm):
    """How much each wish of the organiser counts, and how long the generator may search."""

    wishes = _weight(
        _l("Souhaits des participant·es"),
        _l(
            "Éviter que les mêmes personnes veuillent assister à deux sessions en même temps (d'après les places "
            "d'atelier réservées et les sessions mises en favori). Coût par paire de sessions en conflit."
        ),
    )
    themes = _weight(
        _l("Répartir les thèmes"),
        _l("Éviter que deux sessions d'un même thème aient lieu en même temps. Coût par quart d'heure en trop."),
    )
    density = _weight(
        _l("Limiter le nombre de sessions en parallèle"),
        _l("Coût par session en parallèle au-delà du maximum indiqué plus bas, par quart d'heure."),
    )
    max_parallel = WholeNumberField(
        _l("Nombre maximal de sessions en parallèle"),
        description=_l("Au-delà, chaque session en plus coûte. Laissez vide pour ne fixer aucun maximum."),
        validators=[
            Optional(),
            NumberRange(min=1, max=50, message=_l("Indiquez un nombre entre 1 et 50, ou laissez vide.")),
        ],
    )
    back_to_back = _weight(
        _l("Laisser une pause aux intervenant·es"),
        _l("Laisser une pause aux intervenant·es entre deux sessions. Coût par enchaînement sans pause."),
    )
    min_break = WholeNumberField(
        _l("Pause minimale entre deux sessions d'une même personne (en minutes)"),
        validators=[
            InputRequired(_l("Indiquez une durée de pause en minutes (0 pour aucune).")),
            NumberRange(min=0, max=120, message=_l("Indiquez une pause entre 0 et 120 minutes.")),
        ],
    )
    theme_rooms = _weight(
        _l("Garder un thème dans la même salle"),
        _l("Garder les sessions d'un même thème dans la même salle. Coût par salle en plus pour un thème."),
    )
    changes = _weight(
        _l("Changer le moins possible le programme publié"),
        _l(
            "Changer le moins possible le programme déjà publié (utile quand on relance le générateur tard). "
            "Coût par session déplacée."
        ),
    )
    time_limit = WholeNumberField(
        _l("Durée de recherche (en secondes)"),
        description=_l(
            "Le générateur cherche pendant ce temps au plus, puis garde le meilleur programme trouvé. "
            "Entre %(min)s et %(max)s secondes.",
            min=MIN_TIME_LIMIT,
            max=MAX_TIME_LIMIT,
        ),
        validators=[
            InputRequired(_l("Indiquez une durée de recherche en secondes.")),
            NumberRange(
                min=MIN_TIME_LIMIT,
                max=MAX_TIME_LIMIT,
                message=_l(
                    "Indiquez une durée entre %(min)s et %(max)s secondes.", min=MIN_TIME_LIMIT, max=MAX_TIME_LIMIT
                ),
            ),
        ],
    )

    def fill(self, weights: Weights, time_limit: int) -> None:
        for name in (*WEIGHTED_TERMS, "max_parallel", "min_break"):
            getattr(self, name).data = getattr(weights, name)
        self.time_limit.data = time_limit

    def weights(self) -> Weights:
        base = Weights()
        values = {name: getattr(self, name).data for name in (*WEIGHTED_TERMS, "max_parallel", "min_break")}
        return Weights(**values, unplaced=base.unplaced)
