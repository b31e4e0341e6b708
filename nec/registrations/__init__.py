"""Registrations: participants' sign-ups to an event and their seats in sessions.

Declares what the ground floor needs of this module (nec.core.hooks, core.mail_templates): its personal
data and retention purge, its mail kinds, the worker's duties (offers and unconfirmed registrations that
expire, reminders), its notice on the event's pages and its panel of the organiser's dashboard.
"""

from nec.core import hooks
from nec.core.mail_templates import register_mail_kinds
from nec.registrations import duties, event_hooks, mail_kinds, personal_data

hooks.register_personal_data(personal_data.REGISTRATION_DATA)
hooks.register_purge(personal_data.OLD_REGISTRATIONS_PURGE)
register_mail_kinds(mail_kinds.RegistrationMailKind, mail_kinds.PLACEHOLDERS, mail_kinds.DEFAULTS)
register_mail_kinds(mail_kinds.ReminderMailKind, mail_kinds.REMINDER_PLACEHOLDERS, mail_kinds.REMINDER_DEFAULTS)
hooks.register_duty(duties.OFFERS)
hooks.register_duty(duties.PENDING)
hooks.register_duty(duties.REMINDERS)
hooks.register_event_notices(hooks.EventNotices("registrations", 20, event_hooks.registration_notices))
hooks.register_dashboard_panels(hooks.DashboardPanels("registrations", 30, event_hooks.dashboard_panels))


def _session_actions() -> None:
    from nec.registrations.me import actions

    hooks.register_session_actions(
        hooks.SessionActions("registrations", actions.render, actions.is_personal, actions.state)
    )


_session_actions()
