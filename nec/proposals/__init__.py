"""Proposals: the call for sessions, the speakers' side, the review and the organisers' sessions.

Registers what the ground floor needs of this module (nec.core.hooks): personal data, mail kinds,
in-use checks for themes and formats, and who is a speaker of an event.
"""

from nec.core import hooks
from nec.proposals import event_hooks, personal_data

hooks.register_personal_data(personal_data.SPEAKER_DATA)
hooks.register_personal_data(personal_data.REVIEW_DATA)
hooks.register_purge(personal_data.NOT_RETAINED_PURGE)
hooks.register_format_in_use(event_hooks.format_in_use)
hooks.register_theme_release(event_hooks.release_theme)
hooks.register_speaker_check(event_hooks.is_speaker_of)
