"""The editor's forms: place a session by choosing from lists (no dragging needed), and a break."""

from __future__ import annotations

from datetime import time

from flask_babel import format_date
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from nec.core.forms import NecForm
from nec.core.i18n import lazy_gettext as _l
from nec.core.web import clock_text
from nec.events.models import Event
from nec.programme.editor.services import MAX_BREAK_TITLE, time_choices


def _day_choices(event: Event) -> list[SelectChoice]:
    return [SelectChoice(day.date.isoformat(), format_date(day.date, "EEEE d MMMM y")) for day in event.days]


def _time_choices(event: Event, keep: list[time]) -> list[SelectChoice]:
    return [SelectChoice(at.strftime("%H:%M"), clock_text(at)) for at in time_choices(event, keep)]


class PlaceForm(NecForm):
    """Day, room and start time from lists: the editor's way that needs no dragging.

    The lists do not check their own values (validate_choice=False): the editor's parsers do, and say
    what to choose in French (a page left open while a room was removed would otherwise get WTForms'
    bare "N'est pas un choix valide")."""

    day = SelectField(_l("Jour"), validators=[InputRequired(_l("Choisissez le jour."))], validate_choice=False)
    room = SelectField(_l("Salle"), validators=[InputRequired(_l("Choisissez la salle."))], validate_choice=False)
    start = SelectField(
        _l("Heure de début"), validators=[InputRequired(_l("Choisissez l'heure de début."))], validate_choice=False
    )
    pinned = BooleanField(
        _l("Épingler la session à cette place"),
        default=True,
        description=_l("Une session épinglée n'est pas déplacée quand le générateur refait le programme."),
    )

    def __init__(self, event: Event, keep: list[time] = (), **kwargs):
        super().__init__(**kwargs)
        self.day.choices = _day_choices(event)
        self.room.choices = [
            SelectChoice(str(room.id), _room_label(room)) for room in sorted(event.rooms, key=lambda r: r.position)
        ]
        self.start.choices = _time_choices(event, list(keep))


class BreakForm(NecForm):
    """A break across all rooms (coffee, lunch): a name, a day, a start and an end."""

    title = StringField(
        _l("Nom de la pause"),
        description=_l("Par exemple « Pause café » ou « Déjeuner ». Elle s'affiche dans toutes les salles."),
        validators=[
            InputRequired(_l("Donnez un nom à la pause, par exemple « Pause café ».")),
            Length(max=MAX_BREAK_TITLE, message=_l("Le nom est trop long : %(max)d caractères au plus.")),
        ],
    )
    # As in PlaceForm, the editor's parsers check the values of the lists.
    day = SelectField(_l("Jour"), validators=[InputRequired(_l("Choisissez le jour."))], validate_choice=False)
    start = SelectField(
        _l("Début"), validators=[InputRequired(_l("Choisissez l'heure de début."))], validate_choice=False
    )
    end = SelectField(_l("Fin"), validators=[InputRequired(_l("Choisissez l'heure de fin."))], validate_choice=False)

    def __init__(self, event: Event, keep: list[time] = (), **kwargs):
        super().__init__(**kwargs)
        self.day.choices = _day_choices(event)
        self.start.choices = self.end.choices = _time_choices(event, list(keep))


def _room_label(room) -> str:
    if room.capacity:
        return _l("%(name)s (%(capacity)d places)", name=room.name, capacity=room.capacity)
    return room.name
