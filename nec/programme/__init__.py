"""Programme: the solver, the generator, the editor, the releases, the public programme and its exports.

Registers what the ground floor needs of this module (nec.core.hooks): personal data (favourites), the
in-use check for rooms, the days on which slots are placed, its panel of the organiser's dashboard, and
the worker's duty that computes queued generator runs.
"""

from nec.core import hooks
from nec.programme import event_hooks, personal_data
from nec.programme.exports import device_calendars
from nec.programme.generator import worker as generator_worker

hooks.register_personal_data(personal_data.FAVOURITES_DATA)
hooks.register_room_in_use(event_hooks.room_in_use)
hooks.register_busy_days(event_hooks.slot_days)
hooks.register_dashboard_panels(hooks.DashboardPanels("programme", 20, event_hooks.dashboard_panels))
hooks.register_person_events(event_hooks.agenda_event_ids)
hooks.register_purge(device_calendars.RETENTION_PURGE)
hooks.register_duty(generator_worker.GENERATOR_DUTY)
