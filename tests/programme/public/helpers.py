"""What the public programme's tests share: an event with a released programme, a draft and a login helper.

The released version is built by hand (ScheduleVersion(name=..., released_at=...) with its slots), as
an organiser's release would leave it, so these tests do not depend on the release workflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nec.events.models import FormatKind, Room, SessionFormat, Theme
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import (
    InvitationState,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
)

PARIS = ZoneInfo("Europe/Paris")
DAY_ONE = date(2031, 1, 28)
DAY_TWO = date(2031, 1, 29)


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


@dataclass
class Programme:
    event: object
    rooms: dict[str, Room]
    themes: dict[str, Theme]
    formats: dict[str, SessionFormat]
    speakers: dict[str, SpeakerProfile]
    sessions: dict[str, Session]
    release: ScheduleVersion | None
    draft: ScheduleVersion
    extra: list[Session] = field(default_factory=list)


def build_programme(db, make_event, *, extra_sessions: int = 0, released: bool = True, **event_kw) -> Programme:
    """Two days in Paris; the release holds:

    - day one 9:00: "Le métier de médiateur numérique" (round table, room A, theme Médiation; Alice
      moderates, Bruno, who refused to publish his profile, is a panelist) and "Fabriquer son tiers-lieu"
      (workshop of 12 seats, room B, theme Tiers-lieux, Chloé facilitates) which clash;
    - day one 12:30: a lunch break;
    - day two 14:00: "Financer l'inclusion numérique" (talk, accepted, room A, no theme, Alice);
    - a cancelled session and a rejected one (still in the release: the public pages must hide them);
    - `extra_sessions` more talks on day two, one after the other in room B.

    The draft holds every released session plus "Session secrète du brouillon", never released.
    """
    event = make_event(start_date=DAY_ONE, days=2, timezone="Europe/Paris", **event_kw)
    rooms = {
        "A": Room(event=event, name="Salle Aliénor", position=1),
        "B": Room(event=event, name="Salle Bastide", position=2),
    }
    themes = {
        "mediation": Theme(event=event, name="Médiation", colour="#1f5f8b", position=1),
        "tiers": Theme(event=event, name="Tiers-lieux", colour="#aa3300", position=2),
    }
    formats = {
        "table": SessionFormat(event=event, kind=FormatKind.round_table, name="Table ronde", default_duration=75),
        "workshop": SessionFormat(event=event, kind=FormatKind.workshop, name="Atelier", default_duration=120),
        "talk": SessionFormat(event=event, kind=FormatKind.talk, name="Intervention", default_duration=30),
    }
    speakers = {
        "alice": SpeakerProfile(
            event=event, full_name="Alice Durand", email="alice@example.org", structure="EPN de Barbezieux",
            territory="Sud Charente", bio="Alice anime un espace public numérique depuis dix ans.",
            publish_consent=True,
        ),
        "bruno": SpeakerProfile(
            event=event, full_name="Bruno Secret", email="bruno@example.org", structure="Structure discrète",
            bio="BIO-PRIVEE de Bruno, jamais publiée.", publish_consent=False,
        ),
        "chloe": SpeakerProfile(
            event=event, full_name="Chloé Moreau", email="chloe@example.org", structure="Tiers-lieu La Fabrique",
            bio="Chloé fait vivre un tiers-lieu rural.", publish_consent=True,
        ),
        "denis": SpeakerProfile(
            event=event, full_name="Denis Brouillon", email="denis@example.org",
            bio="Denis n'est que dans le brouillon.",
            publish_consent=True,
        ),
    }  # fmt: skip

    def session(title, fmt, theme=None, state=SessionState.confirmed, **kw):
        return Session(
            event=event, title=title, format=formats[fmt], theme=themes.get(theme), duration=60, state=state,
            summary=kw.pop("summary", f"Résumé de {title}"), **kw,
        )  # fmt: skip

    sessions = {
        "table": session(
            "Le métier de médiateur numérique", "table", "mediation",
            description="Premier paragraphe.\n\nSecond paragraphe de la description.", audience="Médiateurs",
        ),
        "workshop": session("Fabriquer son tiers-lieu", "workshop", "tiers", seat_capacity=12),
        "talk": session("Financer l'inclusion numérique", "talk", state=SessionState.accepted, summary="Subventions"),
        "cancelled": session("Session annulée après la publication", "talk", state=SessionState.cancelled),
        "rejected": session("Session refusée par erreur publiée", "talk", state=SessionState.rejected),
        "draft_only": session("Session secrète du brouillon", "talk"),
    }  # fmt: skip
    sessions["table"].speakers = [
        SessionSpeaker(speaker=speakers["alice"], role=SpeakerRole.moderator, position=0),
        SessionSpeaker(speaker=speakers["bruno"], role=SpeakerRole.panelist, position=1),
    ]
    sessions["workshop"].speakers = [
        SessionSpeaker(speaker=speakers["chloe"], role=SpeakerRole.facilitator, position=0),
        # Invited, then declined: not a speaker of the session.
        SessionSpeaker(
            speaker=speakers["alice"],
            role=SpeakerRole.facilitator,
            position=1,
            invitation_state=InvitationState.declined,
        ),
    ]
    sessions["talk"].speakers = [SessionSpeaker(speaker=speakers["alice"], role=SpeakerRole.speaker)]
    sessions["cancelled"].speakers = [SessionSpeaker(speaker=speakers["chloe"], role=SpeakerRole.speaker)]
    sessions["draft_only"].speakers = [SessionSpeaker(speaker=speakers["denis"], role=SpeakerRole.speaker)]

    extra = []
    for n in range(extra_sessions):
        extra_session = session(f"Atelier express numéro {n + 1}", "talk", "mediation" if n % 2 else "tiers")
        extra_session.speakers = [
            SessionSpeaker(speaker=speakers["chloe" if n % 2 else "alice"], role=SpeakerRole.speaker),
            SessionSpeaker(
                speaker=SpeakerProfile(
                    event=event, full_name=f"Personne {n}", email=f"p{n}@example.org", publish_consent=bool(n % 3)
                ),
                role=SpeakerRole.speaker,
            ),
        ]
        extra.append(extra_session)

    db.session.add_all([*rooms.values(), *themes.values(), *formats.values(), *sessions.values(), *extra])
    db.session.flush()

    def placed(key, room, day, start, end):
        return Slot(session=sessions[key], room=rooms[room], starts_at=paris(day, *start), ends_at=paris(day, *end))

    def slots():
        made = [
            placed("table", "A", DAY_ONE, (9, 0), (10, 15)),
            placed("workshop", "B", DAY_ONE, (9, 0), (11, 0)),
            Slot(title="Pause déjeuner", starts_at=paris(DAY_ONE, 12, 30), ends_at=paris(DAY_ONE, 14)),
            placed("talk", "A", DAY_TWO, (14, 0), (14, 30)),
            placed("cancelled", "B", DAY_ONE, (14, 0), (15, 0)),
            placed("rejected", "A", DAY_ONE, (14, 0), (15, 0)),
        ]
        start = paris(DAY_TWO, 9)
        for extra_session in extra:
            end = start + timedelta(minutes=10)
            made.append(Slot(session=extra_session, room=rooms["B"], starts_at=start, ends_at=end))
            start = end
        return made

    release = None
    if released:
        release = ScheduleVersion(event=event, name="v1", released_at=paris(DAY_ONE, 8) - timedelta(days=20))
        release.slots = slots()
        db.session.add(release)
    draft = ScheduleVersion(event=event)
    draft.slots = [
        *slots(),
        placed("draft_only", "A", DAY_TWO, (9, 0), (10, 0)),
    ]
    db.session.add(draft)
    db.session.commit()
    return Programme(event, rooms, themes, formats, speakers, sessions, release, draft, extra)
