"""Proposals: the call for sessions, the speakers' side, the review and the organisers' sessions.

Declares what the ground floor needs of this module (nec.core.hooks, core.mail_templates): its
personal data and retention purge, its mail kinds, its in-use checks for themes and formats, who is a
speaker of an event, where its call stands (for the event's home and the list of events), and its
panels of the organiser's dashboard.
"""

from nec.core import hooks
from nec.core.mail_templates import register_mail_kinds
from nec.proposals import event_hooks, mail_kinds, personal_data

hooks.register_personal_data(personal_data.SPEAKER_DATA)
hooks.register_personal_data(personal_data.REVIEW_DATA)
hooks.register_purge(personal_data.NOT_RETAINED_PURGE)
register_mail_kinds(mail_kinds.MailTemplateKind, mail_kinds.PLACEHOLDERS, mail_kinds.DEFAULTS)
hooks.register_format_in_use(event_hooks.format_in_use)
hooks.register_theme_release(event_hooks.release_theme)
hooks.register_speaker_check(event_hooks.is_speaker_of)
hooks.register_event_notices(hooks.EventNotices("call", 10, event_hooks.call_notices))
hooks.register_dashboard_panels(hooks.DashboardPanels("proposals", 10, event_hooks.dashboard_panels))
hooks.register_person_events(event_hooks.speaker_event_ids)
