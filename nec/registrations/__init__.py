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
