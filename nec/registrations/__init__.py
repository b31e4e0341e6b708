"""Registrations: participants' sign-ups to an event and their seats in sessions.

Declares what the ground floor needs of this module (nec.core.hooks, core.mail_templates): its personal
data and retention purge, and its mail kinds.
"""

from nec.core import hooks
from nec.core.mail_templates import register_mail_kinds
from nec.registrations import mail_kinds, personal_data

hooks.register_personal_data(personal_data.REGISTRATION_DATA)
hooks.register_purge(personal_data.OLD_REGISTRATIONS_PURGE)
register_mail_kinds(mail_kinds.RegistrationMailKind, mail_kinds.PLACEHOLDERS, mail_kinds.DEFAULTS)


def _session_actions() -> None:
    from nec.registrations.me import actions

    hooks.register_session_actions(
        hooks.SessionActions("registrations", actions.render, actions.is_personal, actions.state)
    )


_session_actions()
