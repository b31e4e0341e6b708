"""Every route of the application, classified: who may use it, and with which objects of the world.

A new route must be added here (both guards fail on a route they do not know): say who may use it
and which objects its address takes. The names of the objects are those of `world._ids`; a value that
names no object is used as written (a format, a page name).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.security.world import ROLES

# Who may use a route. The roles are those of world.ROLES; "speaker" is the speaker whose objects the
# case uses (their proposal, their photo), "organiser" and "reviewer" are those of event A.
PUBLIC = frozenset(ROLES)  # anyone, signed in or not
LINK = frozenset(ROLES)  # whoever holds the signed link in the address: the link is the permission
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
OWNER = frozenset({"speaker"})  # the person the object belongs to, and nobody else
REVIEWER = frozenset({"reviewer", "organiser"})
ORGANISER = frozenset({"organiser"})
ANY_ORGANISER = frozenset({"organiser", "other_organiser"})  # organises some event (creating one)
NOBODY = frozenset()


@dataclass(frozen=True)
class Case:
    """One way to call a route: who may, and the objects (by name) its address takes."""

    allowed: frozenset
    values: dict = field(default_factory=dict)
    query: str = ""  # added to the address (names of the world's objects in {braces})
    # A refused POST may answer with a redirect back to a page (and change nothing) instead of a 403/404.
    refusal_redirects: bool = False
    # The route's answer is a 404 for everyone (the API's unknown addresses): not a refusal.
    answers_404: bool = False


def case(allowed, query: str = "", refusal_redirects: bool = False, answers_404: bool = False, **values) -> list[Case]:
    return [Case(allowed, values, query, refusal_redirects, answers_404)]


ACCESS: dict[str, list[Case]] = {
    # --- no event ---------------------------------------------------------------------------------------
    "events.index": case(PUBLIC),
    "core.healthz": case(PUBLIC),
    "core.legal": case(PUBLIC, page="mentions-legales"),
    "core.set_language": case(PUBLIC),
    "static": case(PUBLIC, filename="css/nec.css"),
    "events.create_event": case(ANY_ORGANISER),
    # accounts
    "accounts.signup": case(PUBLIC),
    "accounts.login": case(PUBLIC),
    "accounts.request_magic_link": case(PUBLIC),
    "accounts.magic_link": case(LINK, token="magic_token"),
    "accounts.confirm_signup": case(LINK, token="signup_token"),
    "accounts.logout": case(PUBLIC),
    "accounts.password_reset_request": case(PUBLIC),
    "accounts.password_reset": case(LINK, token="reset_token"),
    "accounts.account": case(SIGNED_IN),
    "accounts.change_password": case(SIGNED_IN),
    "accounts.download_data": case(SIGNED_IN),
    "accounts.delete_account_confirm": case(SIGNED_IN),
    "accounts.delete_account": case(SIGNED_IN),
    # the read-only API: public data of published events
    "api.events": case(PUBLIC),
    "api.event": case(PUBLIC, slug="ev"),
    "api.rooms": case(PUBLIC, slug="ev"),
    "api.sessions": case(PUBLIC, slug="ev"),
    "api.speakers": case(PUBLIC, slug="ev"),
    "api.unknown": case(PUBLIC, answers_404=True, _rest="nothing/here"),
    # --- an event's public pages ---------------------------------------------------------------------------
    "events.home": case(PUBLIC),
    "proposals_speaker.call_page": case(PUBLIC),
    "programme_public.programme": case(PUBLIC),
    "programme_public.session": case(PUBLIC, session_id="released"),
    "programme_public.speakers": case(PUBLIC),
    "programme_public.speaker": case(PUBLIC, speaker_id="public_speaker"),
    "programme_public.speaker_photo": case(PUBLIC, speaker_id="public_speaker", digest="digest"),
    "programme_public.mine": case(PUBLIC),
    "programme_public.add_favourite": case(SIGNED_IN, session_id="released", refusal_redirects=True),
    "programme_public.remove_favourite": case(SIGNED_IN, session_id="released", refusal_redirects=True),
    "programme_public.merge_favourites": case(SIGNED_IN),
    "programme_releases.changes": case(PUBLIC),
    "programme_releases.changes_atom": case(PUBLIC),
    "programme_exports.schedule_ics": case(PUBLIC),
    "programme_exports.schedule_json": case(PUBLIC),
    "programme_exports.schedule_pdf": case(PUBLIC),
    "programme_exports.schedule_xml": case(PUBLIC),
    "programme_exports.session_ics": case(PUBLIC, session_id="released"),
    "programme_exports.mine_ics": case(LINK, query="token={subscription_token}"),
    "programme_exports.subscribe": case(PUBLIC),
    # A calendar subscription without an account: the random secret in the address is the permission
    # (once a role has deleted the link, it answers 404 to everyone).
    "programme_exports.create_device_calendar": case(PUBLIC),
    "programme_exports.device_calendar": case(LINK, answers_404=True, token="device_token"),
    "programme_exports.update_device_calendar": case(LINK, answers_404=True, token="device_token"),
    "programme_exports.delete_device_calendar": case(LINK, answers_404=True, token="device_token"),
    "programme_exports.device_calendar_ics": case(LINK, answers_404=True, token="device_token"),
    # registrations: the participant's side (the personal space follows the registration the browser opened
    # with its personal link, or the signed-in person's; without one it says how to register)
    "registrations_signup.register": case(PUBLIC),
    "registrations_signup.confirm": case(LINK, token="registration_confirm_token"),
    "registrations_me.access": case(LINK, token="personal_token"),
    "registrations_me.registration": case(PUBLIC),
    "registrations_me.cancel": case(PUBLIC),
    "registrations_me.merge_agenda": case(PUBLIC, answers_404=True),
    "registrations_me.download_data": case(PUBLIC, answers_404=True),
    "registrations_me.delete_data": case(PUBLIC),
    "registrations_me.calendar": case(LINK, token="personal_token"),
    "registrations_me.take_seat": case(PUBLIC, session_id="released"),
    "registrations_me.leave_seat": case(PUBLIC, session_id="released"),
    "registrations_me.offer": case(LINK, answers_404=True, token="bad_token"),
    "programme_exports.reset_subscription": case(SIGNED_IN),
    # --- links sent by e-mail --------------------------------------------------------------------------------
    "proposals_speaker.invitation": case(LINK, token="invitation_token"),
    "proposals_speaker.confirm": case(OWNER, token="confirmation_token"),
    "proposals_sessions.claim": case(LINK, token="claim_token"),
    # --- the speaker's area ----------------------------------------------------------------------------------
    "proposals_speaker.area": case(SIGNED_IN),
    "proposals_speaker.new_proposal": case(SIGNED_IN, query="format={format}"),
    "proposals_speaker.profile": case(SIGNED_IN),
    "proposals_speaker.availability": case(SIGNED_IN),
    "proposals_speaker.profile_photo": [
        Case(OWNER),  # one's own photo
        Case(ORGANISER, query="speaker={public_speaker}"),  # a speaker's photo, for the organisers
    ],
    "proposals_speaker.edit_proposal": case(OWNER, session_id="own"),
    "proposals_speaker.consents": case(OWNER, session_id="own"),
    "proposals_speaker.withdraw_proposal": case(OWNER, session_id="own"),
    # --- review -----------------------------------------------------------------------------------------------
    "proposals_review.index": case(REVIEWER),
    "proposals_review.review_session": case(REVIEWER, session_id="proposal"),
    # --- the organisers' pages ------------------------------------------------------------------------------
    "events.manage_dashboard": case(ORGANISER),
    "events.manage_event": case(ORGANISER),
    "events.manage_days": case(ORGANISER),
    "events.edit_day": case(ORGANISER, day_id="day"),
    "events.manage_rooms": case(ORGANISER),
    "events.edit_room": case(ORGANISER, room_id="room"),
    "events.delete_room": case(ORGANISER, room_id="room"),
    "events.move_room": case(ORGANISER, room_id="room"),
    "events.manage_themes": case(ORGANISER),
    "events.edit_theme": case(ORGANISER, theme_id="theme"),
    "events.delete_theme": case(ORGANISER, theme_id="theme"),
    "events.move_theme": case(ORGANISER, theme_id="theme"),
    "events.manage_formats": case(ORGANISER),
    "events.edit_format": case(ORGANISER, format_id="format"),
    "events.delete_format": case(ORGANISER, format_id="format"),
    "accounts.team": case(ORGANISER),
    "accounts.team_add": case(ORGANISER),
    "accounts.team_remove": case(ORGANISER, refusal_redirects=True, role_id="role"),
    "proposals_call.manage_call": case(ORGANISER),
    "proposals_call.manage_questions": case(ORGANISER),
    "proposals_call.edit_question": case(ORGANISER, question_id="question"),
    "proposals_call.delete_question": case(ORGANISER, question_id="question"),
    "proposals_call.move_question": case(ORGANISER, question_id="question"),
    "proposals_call.mail_templates": case(ORGANISER),
    "proposals_call.edit_mail_template": case(ORGANISER, kind="mail_kind"),
    "proposals_call.reset_mail_template": case(ORGANISER, kind="mail_kind"),
    "proposals_review.criteria": case(ORGANISER),
    "proposals_review.edit_criterion": case(ORGANISER, criterion_id="criterion"),
    "proposals_review.delete_criterion": case(ORGANISER, criterion_id="criterion"),
    "proposals_review.move_criterion": case(ORGANISER, criterion_id="criterion"),
    "proposals_review.proposals": case(ORGANISER),
    "proposals_review.proposal": case(ORGANISER, session_id="proposal"),
    "proposals_review.stage_one": case(ORGANISER, session_id="proposal"),
    "proposals_review.stage": case(ORGANISER),
    "proposals_review.decisions": case(ORGANISER),
    "proposals_review.apply": case(ORGANISER),
    "proposals_review.remind": case(ORGANISER),
    "proposals_sessions.sessions": case(ORGANISER),
    "proposals_sessions.new_session": case(ORGANISER),
    "proposals_sessions.edit_session": case(ORGANISER, session_id="proposal"),
    "proposals_sessions.cancel_session": case(ORGANISER, session_id="proposal"),
    "proposals_sessions.speakers": case(ORGANISER),
    "proposals_sessions.send_claim_link": case(ORGANISER, speaker_id="unclaimed"),
    "proposals_sessions.import_file": case(ORGANISER),
    "proposals_sessions.import_example": case(ORGANISER, fmt="csv"),
    "proposals_sessions.import_example_speakers": case(ORGANISER, fmt="xlsx"),
    "proposals_sessions.export": case(ORGANISER, what="speakers", fmt="xlsx"),
    "programme_exports_manage.programme_table": case(ORGANISER, fmt="csv"),
    "programme_editor.board": case(ORGANISER),
    "programme_editor.grid_css": case(ORGANISER),
    "programme_editor.move": case(ORGANISER, session_id="released"),
    "programme_editor.place": case(ORGANISER, session_id="released"),
    "programme_editor.preview": case(ORGANISER, session_id="released", query="day={day_date}&room={room}&start=10:00"),
    "programme_editor.unschedule": case(ORGANISER, session_id="released"),
    "programme_editor.new_break": case(ORGANISER),
    "programme_editor.edit_break": case(ORGANISER, break_id="break"),
    "programme_editor.delete_break": case(ORGANISER, break_id="break"),
    "programme_generator.index": case(ORGANISER),
    "programme_generator.draft": case(ORGANISER),
    "programme_generator.run": case(ORGANISER, run_id="run"),
    "programme_releases_manage.manage": case(ORGANISER),
    # check-in on site: the organisers' page, and the participant's QR code and certificate
    "registrations_checkin_manage.page": case(ORGANISER),
    "registrations_checkin_manage.scan": case(ORGANISER),
    "registrations_checkin_manage.check_in": case(ORGANISER, registration_id="registration"),
    "registrations_checkin_manage.undo": case(ORGANISER, registration_id="registration"),
    "registrations_checkin_manage.counts": case(ORGANISER),
    "registrations_checkin.qr_code": case(OWNER),
    "registrations_checkin.certificate": case(OWNER),
    # registrations, the organisers' pages
    "registrations_manage.settings": case(ORGANISER),
    "registrations_manage.participants": case(ORGANISER),
    "registrations_manage.export": case(ORGANISER, fmt="csv"),
    "registrations_manage.add_participant": case(ORGANISER),
    "registrations_manage.participant": case(ORGANISER, registration_id="registration"),
    "registrations_manage.change_attendance": case(ORGANISER, registration_id="registration"),
    "registrations_manage.change_seat": case(ORGANISER, registration_id="registration"),
    "registrations_manage.remove_seat": case(ORGANISER, registration_id="registration", session_id="workshop"),
    "registrations_manage.cancel": case(ORGANISER, registration_id="registration"),
    "registrations_manage.send_link": case(ORGANISER, registration_id="registration"),
    "registrations_manage.workshops": case(ORGANISER),
    "registrations_manage.message": case(ORGANISER),
    "registrations_manage.figures": case(ORGANISER),
    "registrations_manage.chart": case(ORGANISER, name="fill-rates"),
}

# POST routes whose form the world's pages do not show: what a browser (or the page's script) sends.
KNOWN_FORMS: dict[str, list[tuple[str, str]]] = {
    "programme_editor.move": [
        ("room", "{room}"),
        ("starts_at", "{day_date}T10:00"),
        ("pinned", "1"),
    ],  # the grid's script
    "proposals_review.apply": [],  # a button, shown once a decision is prepared
    "proposals_call.reset_mail_template": [],  # a button, shown once a wording is customised
    "programme_public.merge_favourites": [("ids", "1,2")],  # agenda-merge.js, for a signed-in person
    # the participant's buttons and form, shown to a registered participant (or while registrations are open)
    "registrations_signup.register": [("full_name", "Ana"), ("email", "ana@example.org"), ("attendance", "on_site")],
    "registrations_me.cancel": [],
    "registrations_me.merge_agenda": [("ids", "{released}")],  # registration-agenda.js, in the personal space
    "registrations_me.delete_data": [],
    "registrations_me.take_seat": [],
    "registrations_me.leave_seat": [],
    "registrations_me.offer": [("answer", "accept")],
    "programme_exports.update_device_calendar": [("ids", "{released}")],  # agenda.js, without an account
    "registrations_checkin_manage.check_in": [],  # a button beside a person found by name
    "registrations_checkin_manage.undo": [],  # a button beside a person already checked in
}

# Ids of one event's objects: in a cross-event case, event B's ids go into event A's addresses.
ID_ARGUMENTS = {"session_id", "speaker_id", "day_id", "room_id", "theme_id", "format_id", "role_id",
                "question_id", "criterion_id", "break_id", "run_id", "registration_id"}  # fmt: skip
