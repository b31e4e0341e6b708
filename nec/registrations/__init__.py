"""Registrations: participants' sign-ups to an event and their seats in sessions.

Registers its personal data and its retention purge with nec.core.hooks.
"""

from nec.core import hooks
from nec.registrations import personal_data

hooks.register_personal_data(personal_data.REGISTRATION_DATA)
hooks.register_purge(personal_data.OLD_REGISTRATIONS_PURGE)
