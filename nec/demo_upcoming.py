"""The upcoming demo event `nec-charente`: two days in Angoulême, on site and online, about five weeks after
the day it is loaded, so that a visitor can register, take a workshop seat or join a waiting list.

Its dates are computed from the loading day, everything else comes from fixed lists and a seeded random
generator: two loads on the same day give the same event, a load on another day gives the same event
moved in time. The call is closed, the programme released, the registrations open with about 150
participants; some workshops are nearly full and one is full with a waiting list (a seat was given back
and offered to the first person waiting). A demo participant account holds seats, so that a visitor can
sign in and see the personal space. All people are fictitious; addresses use reserved domains (RFC 2606).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from nec import demo as archive
from nec.accounts.models import EventRole, EventRoleKind, User
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.time import localize
from nec.events.models import (
    DEFAULT_DURATIONS,
    Event,
    EventDay,
    EventFormat,
    FormatKind,
    Room,
    RoomKind,
    SessionFormat,
    Theme,
)
from nec.extensions import db
from nec.programme.models import Favourite, Slot
from nec.proposals.models import (
    AttendanceMode,
    Availability,
    Call,
    CallFormat,
    Level,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
    StructureType,
)
from nec.registrations.models import (
    Attendance,
    Registration,
    RegistrationSettings,
    RegistrationState,
    Seat,
    SeatCounter,
    SeatState,
)
from nec.registrations.services import department_of

SLUG = "nec-charente"
PARTICIPANT_EMAIL = "participante@nec-charente.example.org"
PARTICIPANT_NAME = "Camille Rivière (démo)"
SEED = 16_2026
TZ = "Europe/Paris"
WEEKS_AHEAD = 5  # the first day is the first Thursday at least this many weeks minus three days ahead
PARTICIPANTS = 150  # the demo participant's registration included
PENDING = 8  # registered in the last hours, not confirmed yet
CANCELLED = 7
ON_SITE_SHARE = 0.62
ON_SITE_CAPACITY = 100
ONLINE_CAPACITY = 150
OFFER_HOURS = 48


@dataclass
class UpcomingLoaded:
    """What a load created, with a few counts for the message."""

    event: Event
    participant_email: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Dates:
    """Every date of the demo, computed from the loading moment (`now`, UTC)."""

    now: datetime
    today: date  # in the event's time zone
    day_1: date
    day_2: date

    @classmethod
    def from_now(cls, now: datetime) -> Dates:
        today = now.astimezone(ZoneInfo(TZ)).date()
        earliest = today + timedelta(weeks=WEEKS_AHEAD, days=-3)
        day_1 = earliest + timedelta(days=(3 - earliest.weekday()) % 7)  # a Thursday, 32 to 38 days ahead
        return cls(now=now, today=today, day_1=day_1, day_2=day_1 + timedelta(days=1))

    def days_ago(self, days: int, at: time) -> datetime:
        return localize(self.today - timedelta(days=days), at, TZ)

    def on_day(self, day: int, at: time) -> datetime:
        return localize(self.day_1 + timedelta(days=day), at, TZ)

    @property
    def call_opens(self) -> datetime:
        return localize(self.day_1 - timedelta(days=130), time(9, 0), TZ)

    @property
    def call_closes(self) -> datetime:
        return localize(self.day_1 - timedelta(days=75), time(18, 0), TZ)

    @property
    def decided(self) -> datetime:
        return localize(self.day_1 - timedelta(days=65), time(10, 0), TZ)

    @property
    def released(self) -> datetime:  # the programme, published as v1
        return self.days_ago(26, time(10, 0))

    @property
    def registrations_open(self) -> datetime:
        return self.days_ago(24, time(9, 0))

    @property
    def registrations_close(self) -> datetime:
        return localize(self.day_1 - timedelta(days=2), time(23, 59), TZ)


# --- the event's frame ----------------------------------------------------------------------------

EVENT_TITLE = "Numérique en Communs Charente"
EVENT_TAGLINE = (
    "Deux journées à Angoulême, sur place et en ligne, pour les actrices et acteurs de la médiation numérique"
)
EVENT_DESCRIPTION = "\n\n".join(
    [
        "Deux journées pour se retrouver entre médiatrices et médiateurs numériques, conseillères et conseillers "
        "numériques, bénévoles, agents d'accueil, bibliothécaires, travailleurs sociaux et élus de Charente et de "
        "Nouvelle-Aquitaine : tables rondes dans l'auditorium, retransmises en ligne, et ateliers en petit "
        "groupe, sur place ou à distance, dont les places sont limitées.",
        "L'inscription est gratuite. Choisissez de venir sur place ou de suivre en ligne ; une fois inscrit·e, "
        "réservez votre place dans les ateliers qui vous intéressent. Quand un atelier est complet, inscrivez-vous "
        "sur sa liste d'attente : si une place se libère, elle vous est proposée par e-mail.",
        "Cet événement de démonstration est fictif : les personnes, les structures citées et les inscriptions "
        "sont inventées, et ses dates avancent avec le jour où la démonstration a été chargée.",
    ]
)
VENUE_NAME = "Espace des congrès de démonstration, Angoulême"
VENUE_ADDRESS = "1 place de la Médiation, 16000 Angoulême"

ROOMS = [
    # name, kind, capacity, accessibility notes
    ("Auditorium", RoomKind.physical, 220,
     "De plain-pied ; boucle magnétique ; sous-titrage en direct des tables rondes, retransmises en ligne."),
    ("Salle Charente", RoomKind.physical, 60, "De plain-pied ; boucle magnétique."),
    ("Salle Touvre", RoomKind.physical, 24, "Ascenseur ; ordinateurs et tablettes fournis."),
    ("Salle Né", RoomKind.physical, 18, "De plain-pied ; smartphones de prêt pour l'atelier."),
    ("Salle Tardoire", RoomKind.physical, 14, "De plain-pied ; établis adaptés aux fauteuils roulants."),
    ("Salle en ligne", RoomKind.virtual, 40, "Visioconférence avec sous-titrage automatique ; accès par téléphone."),
]  # fmt: skip

THEME_KEYS = ("strategy", "profession", "funding", "employment", "third_places", "networks", "essentials", "ecology")

# The speakers: (structure, type, territory); one person each, names drawn by the seeded generator.
SPEAKERS = [
    ("Département, mission inclusion numérique", StructureType.local_authority, "Angoulême (Charente)"),
    ("Services de l'État, mission société numérique", StructureType.public_service, "Angoulême (Charente)"),
    ("Réseau charentais de l'inclusion numérique", StructureType.network, "Montmoreau (Charente)"),
    ("Espace public numérique Le Clic", StructureType.epn, "Angoulême (Charente)"),
    ("Espace France Services du Sud Charente", StructureType.france_services, "Barbezieux-Saint-Hilaire (Charente)"),
    ("CCAS, pôle accès aux droits", StructureType.ccas, "Ruelle-sur-Touvre (Charente)"),
    ("Médiathèque intercommunale des Deux Vallées", StructureType.library, "Montmoreau (Charente)"),
    ("EPN Cyber'Seniors", StructureType.epn, "Confolens (Charente)"),
    ("Association Clés numériques", StructureType.association, "Angoulême (Charente)"),
    ("Atelier de réemploi Ordi-Solidaire", StructureType.association, "Limoges (Haute-Vienne)"),
    ("Conseil indépendant en financement de projets", StructureType.independent, "Bordeaux (Gironde)"),
    ("Communauté de communes des Deux Vallées", StructureType.local_authority, "Montmoreau (Charente)"),
    ("Hub régional Les Connecteurs numériques", StructureType.network, "Bordeaux (Gironde)"),
    ("Association Bus connecté", StructureType.association, "Saintes (Charente-Maritime)"),
    ("La Grange numérique", StructureType.third_place, "Brossac (Charente)"),
    ("Le Fil, tiers-lieu et fablab", StructureType.third_place, "Jarnac (Charente)"),
    ("Mission locale du Sud Charente", StructureType.employment, "Barbezieux-Saint-Hilaire (Charente)"),
    ("Agence pour l'emploi du Cognaçais", StructureType.employment, "Cognac (Charente)"),
    ("Organisme de formation Médiation & Compétences", StructureType.training, "Limoges (Haute-Vienne)"),
    ("Collectif Numérique responsable", StructureType.association, "Poitiers (Vienne)"),
    ("Centre social Le Lien, tiers-lieu numérique", StructureType.social_centre, "Chalais (Charente)"),
    ("Collège Jean-Moulin, référent numérique", StructureType.education, "Cognac (Charente)"),
]  # fmt: skip
SPEAKER_BIOS = {
    StructureType.local_authority: "Pilote la politique d'inclusion numérique de son territoire.",
    StructureType.public_service: "Accompagne les collectivités et les associations qui portent la médiation.",
    StructureType.network: "Anime un réseau d'actrices et d'acteurs de la médiation numérique.",
    StructureType.epn: "Anime des ateliers d'initiation au numérique pour tous les publics.",
    StructureType.france_services: "Aide chaque jour les usagers dans leurs démarches administratives en ligne.",
    StructureType.ccas: "Accompagne les personnes âgées et isolées vers leurs droits.",
    StructureType.library: "Organise les permanences numériques de la médiathèque.",
    StructureType.association: "Porte des projets de médiation numérique avec des bénévoles.",
    StructureType.independent: "Aide les structures à financer leurs projets de médiation numérique.",
    StructureType.third_place: "Fait vivre un tiers-lieu rural ouvert aux habitants et aux associations.",
    StructureType.employment: "Accompagne les jeunes et les demandeurs d'emploi dans leurs démarches.",
    StructureType.training: "Forme des médiatrices et médiateurs numériques.",
    StructureType.social_centre: "Coordonne les actions numériques d'un centre social rural.",
    StructureType.education: "Accompagne les familles dans l'usage des outils numériques de l'école.",
}


@dataclass(frozen=True)
class Planned:
    """A session and its place in the released programme. `booked` and `waiting` are the seats the demo's
    participants hold in a limited workshop (before the seat given back in the full one)."""

    kind: FormatKind
    theme: str
    title: str
    summary: str
    day: int  # 0: the first day
    start: time
    room: str
    speakers: tuple[int, ...]  # indexes in SPEAKERS; the first moderates a round table or a plenary
    duration: int | None = None  # the format's default when None
    seat_capacity: int | None = None
    attendance: AttendanceMode = AttendanceMode.either
    level: Level = Level.beginner
    booked: int = 0
    waiting: int = 0


FULL_WORKSHOP = "Accompagner les démarches en ligne sans faire à la place"
REUSE_WORKSHOP = "Reconditionner un ordinateur pour un foyer qui n'en a pas"
SECURITY_WORKSHOP = "Arnaques, mots de passe, sauvegardes : la cybersécurité du quotidien"
# The demo participant waits in the full workshop and holds a seat in the two others.
PARTICIPANT_WORKSHOPS = (FULL_WORKSHOP, REUSE_WORKSHOP, SECURITY_WORKSHOP)

PROGRAMME = [
    Planned(FormatKind.plenary, "strategy", "Ouverture : où en est l'inclusion numérique en Charente ?",
            "Le département, l'État et le réseau charentais font le point : qui accompagne qui, où, et ce qui "
            "manque encore.", 0, time(9, 30), "Auditorium", (2, 0, 1)),
    Planned(FormatKind.round_table, "profession", "Conseillers numériques : que deviennent les postes ?",
            "Des employeurs et des conseillers racontent comment ils pérennisent les postes et le métier.",
            0, time(10, 45), "Auditorium", (12, 11, 3, 20)),
    Planned(FormatKind.workshop, "essentials", FULL_WORKSHOP,
            "Mises en situation à partir de vraies démarches (CAF, impôts, ANTS) : aider la personne à faire "
            "elle-même, savoir quand passer le relais, protéger ses données.", 0, time(10, 45), "Salle Touvre",
            (4, 5), seat_capacity=20, attendance=AttendanceMode.on_site, booked=20, waiting=5),
    Planned(FormatKind.workshop, "essentials", "Animer un atelier smartphone pour les seniors",
            "Préparer une séance d'initiation au smartphone : le déroulé, les gestes, les erreurs à éviter.",
            0, time(10, 45), "Salle Né", (7,), seat_capacity=16, attendance=AttendanceMode.on_site, booked=15),
    Planned(FormatKind.round_table, "funding", "Financer la médiation numérique : ce qui marche sur le terrain",
            "Appels à projets, conventions, mutualisation entre communes : des structures comparent leurs "
            "modèles.", 0, time(14, 0), "Auditorium", (10, 11, 8, 14)),
    Planned(FormatKind.workshop, "ecology", REUSE_WORKSHOP,
            "Diagnostic, effacement sûr des données, installation d'un système libre : on repart avec une "
            "méthode et une liste de contrôle.", 0, time(14, 0), "Salle Tardoire", (9,), seat_capacity=12,
            attendance=AttendanceMode.on_site, booked=11),
    Planned(FormatKind.workshop, "networks", "Animer un atelier numérique à distance",
            "Les outils, le rythme et les petites astuces pour garder l'attention d'un groupe en visioconférence.",
            0, time(14, 0), "Salle en ligne", (18,), seat_capacity=30, attendance=AttendanceMode.online,
            booked=14),
    Planned(FormatKind.talk, "third_places", "Le bus connecté : deux ans sur les routes de Saintonge",
            "Retour d'expérience d'un espace numérique itinérant : les villages, les publics, les chiffres.",
            0, time(15, 30), "Salle Charente", (13,)),
    Planned(FormatKind.talk, "essentials", "Une permanence numérique à la médiathèque",
            "Ce qu'une médiathèque rurale a changé pour accueillir les démarches en ligne.",
            0, time(16, 15), "Salle Charente", (6,)),
    Planned(FormatKind.round_table, "third_places", "Tiers-lieux et médiation : coopérer sur un territoire rural",
            "Un tiers-lieu, un centre social et une communauté de communes racontent leurs coopérations.",
            1, time(9, 30), "Auditorium", (15, 14, 20, 11)),
    Planned(FormatKind.workshop, "essentials", SECURITY_WORKSHOP,
            "Reconnaître une arnaque, choisir et retenir ses mots de passe, sauvegarder ses photos : un atelier "
            "à reprendre ensuite avec ses publics.", 1, time(9, 30), "Salle Touvre", (3, 8), seat_capacity=20,
            attendance=AttendanceMode.on_site, booked=18),
    Planned(FormatKind.talk, "employment", "Numérique et recherche d'emploi : l'expérience d'une mission locale",
            "Comment une mission locale accompagne les jeunes vers les démarches d'emploi en ligne.",
            1, time(11, 0), "Salle Charente", (16,)),
    Planned(FormatKind.talk, "ecology", "Un numérique plus sobre dans un espace public numérique",
            "Réemploi, logiciels libres, usages raisonnés : ce qu'un EPN peut faire dès demain.",
            1, time(11, 45), "Salle Charente", (19,)),
    Planned(FormatKind.round_table, "employment", "Accompagner vers l'emploi quand tout passe par le numérique",
            "France Travail, missions locales et structures d'insertion : qui fait quoi, et comment s'orienter.",
            1, time(14, 0), "Auditorium", (17, 16, 4)),
    Planned(FormatKind.workshop, "networks", "Faire vivre un réseau local d'aidants numériques",
            "Cartographier les lieux d'aide, se répartir les publics, se passer le relais : un atelier pour "
            "repartir avec un plan.", 1, time(14, 0), "Salle Né", (12, 20), seat_capacity=16,
            attendance=AttendanceMode.on_site, booked=9),
    Planned(FormatKind.plenary, "strategy", "Clôture : ce que nous emportons",
            "Les rapporteurs des ateliers et des tables rondes partagent ce qu'ils retiennent ; la suite du réseau.",
            1, time(16, 0), "Auditorium", (2, 0)),
]  # fmt: skip
BREAKS = [(0, time(12, 45), time(14, 0), "Déjeuner"), (1, time(12, 30), time(14, 0), "Déjeuner")]
DAY_HOURS = [
    (time(9, 0), time(17, 30), time(12, 45), time(14, 0)),
    (time(9, 0), time(17, 0), time(12, 30), time(14, 0)),
]

# The participants' structures: templates ({c}: "de <commune>" or "d'<commune>"; {a}: an association's name).
PARTICIPANT_STRUCTURES = {
    StructureType.epn: ["Espace public numérique {c}", "Cyberbase {c}"],
    StructureType.social_centre: ["Centre social {c}", "Centre socioculturel {c}"],
    StructureType.local_authority: ["Mairie {c}", "Communauté de communes"],
    StructureType.association: ["Association {a}"],
    StructureType.third_place: ["Tiers-lieu {c}", "Fablab {c}"],
    StructureType.network: ["Réseau départemental d'inclusion numérique", "Hub numérique régional"],
    StructureType.public_service: ["Caisse d'allocations familiales", "Préfecture, service de l'accueil"],
    StructureType.company: ["Entreprise de services numériques"],
    StructureType.independent: ["Médiation numérique (indépendant·e)"],
    StructureType.library: ["Médiathèque {c}", "Bibliothèque {c}"],
    StructureType.france_services: ["France Services {c}"],
    StructureType.ccas: ["CCAS {c}"],
    StructureType.employment: ["Mission locale {c}", "Agence France Travail {c}"],
    StructureType.training: ["Organisme de formation aux métiers du numérique"],
    StructureType.education: ["Collège {c}", "Lycée professionnel {c}"],
    StructureType.other: ["", "Bénévole", "Étudiant·e en médiation numérique"],
}
PARTICIPANT_TYPE_WEIGHTS = {
    StructureType.epn: 12,
    StructureType.social_centre: 10,
    StructureType.local_authority: 12,
    StructureType.association: 14,
    StructureType.third_place: 6,
    StructureType.network: 3,
    StructureType.public_service: 5,
    StructureType.company: 2,
    StructureType.independent: 3,
    StructureType.library: 8,
    StructureType.france_services: 9,
    StructureType.ccas: 6,
    StructureType.employment: 5,
    StructureType.training: 2,
    StructureType.education: 2,
    StructureType.other: 5,
}
# A few people from far away follow online: Corsica and overseas have their own département codes.
FAR_COMMUNES = [("Ajaccio", "Corse-du-Sud", "20000"), ("Saint-Denis", "La Réunion", "97400")]


# --- loading --------------------------------------------------------------------------------------


def get_upcoming_event() -> Event | None:
    return db.session.scalar(sa.select(Event).where(Event.slug == SLUG))


def load_upcoming(password: str, *, now: datetime | None = None) -> UpcomingLoaded | None:
    """Create the upcoming demo event, dated from `now` (the loading moment), and commit; None (and no
    change) if it already exists. The demo organiser organises it; the demo accounts get `password`."""
    if get_upcoming_event() is not None:
        return None
    dates = Dates.from_now(now or utcnow())
    rng = random.Random(SEED)

    organiser = archive._demo_user(archive.ORGANISER_EMAIL, archive.ORGANISER_NAME, password)
    archive._demo_user(archive.REVIEWER_EMAIL, archive.REVIEWER_NAME, password, same_as=organiser)
    participant = archive._demo_user(PARTICIPANT_EMAIL, PARTICIPANT_NAME, password, same_as=organiser)
    event = _build_event(dates)
    db.session.add(event)
    db.session.add(EventRole(event=event, user=organiser, role=EventRoleKind.organiser))
    speakers = _build_speakers(event, dates, rng)
    sessions = _build_sessions(event, speakers, dates)
    db.session.add_all(speakers)
    db.session.add_all(sessions)
    db.session.add(_build_call(event, dates))
    db.session.flush()
    _release_programme(event, sessions, dates)

    registrations = _build_registrations(event, participant, dates, rng)
    seats, counters = _build_seats(registrations, sessions, participant, dates, rng)
    db.session.add_all(registrations)
    db.session.add_all(seats)
    db.session.add_all(counters)
    db.session.add(_build_settings(event, registrations, dates))
    db.session.add_all(
        Favourite(user_id=participant.id, session_id=s.id, created_at=dates.days_ago(3, time(20, 0)))
        for s in sessions
        if s.title.startswith(("Ouverture", "Financer", "Tiers-lieux", "Clôture"))
    )
    log_action("demo.loaded", actor=organiser, event=event, target=event)
    loaded = UpcomingLoaded(
        event,
        PARTICIPANT_EMAIL,
        counts={
            "sessions": len(sessions),
            "registrations": len(registrations),
            "confirmed": sum(1 for r in registrations if r.state == RegistrationState.confirmed),
            "seats": sum(1 for s in seats if s.state == SeatState.booked),
            "waiting": sum(1 for s in seats if s.state == SeatState.waiting),
        },
    )
    try:
        db.session.commit()
    except IntegrityError:  # another process loaded it at the same moment
        db.session.rollback()
        if get_upcoming_event() is None:
            raise
        return None
    return loaded


def has_passed(now: datetime | None = None) -> bool:
    """Whether the upcoming demo event exists and its last day is over: it is no longer upcoming."""
    event = get_upcoming_event()
    today = (now or utcnow()).astimezone(ZoneInfo(TZ)).date()
    return event is not None and event.end_date < today


def delete_upcoming() -> bool:
    """Delete the upcoming demo event and everything attached to it, and commit; False if there was none."""
    return archive.delete_demo(SLUG)


def login_lines(base_url: str) -> str:
    """The French lines that add the demo participant and the upcoming event to the demo login."""
    base_url = base_url.rstrip("/")
    return "\n".join(
        [
            f"Compte de participante (inscrite à {SLUG}) : {PARTICIPANT_EMAIL} (même mot de passe).",
            f"Événement à venir, inscriptions ouvertes : {base_url}/{SLUG}/",
        ]
    )


def give_password(password: str) -> None:
    """Give every demo account the same password and commit (when only one of the two events was loaded)."""
    organiser = archive._demo_user(archive.ORGANISER_EMAIL, archive.ORGANISER_NAME, password)
    archive._demo_user(archive.REVIEWER_EMAIL, archive.REVIEWER_NAME, password, same_as=organiser)
    archive._demo_user(PARTICIPANT_EMAIL, PARTICIPANT_NAME, password, same_as=organiser)
    db.session.commit()


# --- builders -------------------------------------------------------------------------------------


def _build_event(dates: Dates) -> Event:
    event = Event(
        slug=SLUG,
        title=EVENT_TITLE,
        tagline=EVENT_TAGLINE,
        description=EVENT_DESCRIPTION,
        start_date=dates.day_1,
        end_date=dates.day_2,
        timezone=TZ,
        format=EventFormat.hybrid,
        venue_name=VENUE_NAME,
        venue_address=VENUE_ADDRESS,
        organiser_name="Réseau charentais de l'inclusion numérique (démo)",
        contact_email="contact@nec-charente.example.org",
        is_published=True,
    )
    event.days = [
        EventDay(date=dates.day_1 + timedelta(days=i), opens_at=opens, closes_at=closes, lunch_start=lunch,
                 lunch_end=lunch_end)
        for i, (opens, closes, lunch, lunch_end) in enumerate(DAY_HOURS)
    ]  # fmt: skip
    event.rooms = [
        Room(name=name, kind=kind, capacity=capacity, accessibility_notes=notes, position=i)
        for i, (name, kind, capacity, notes) in enumerate(ROOMS)
    ]
    themes = {key: (name, description, colour) for key, name, description, colour in archive.THEMES}
    event.themes = [
        Theme(name=themes[key][0], description=themes[key][1], colour=themes[key][2], position=i)
        for i, key in enumerate(THEME_KEYS)
    ]
    event.formats = [
        SessionFormat(
            kind=kind,
            name=FormatKind._titles()[kind.value],
            description=archive.FORMAT_DESCRIPTIONS[kind],
            default_duration=DEFAULT_DURATIONS[kind],
        )
        for kind in FormatKind
    ]
    return event


def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    everyone = [(f, last) for f in archive.FIRST_NAMES_F + archive.FIRST_NAMES_M for last in archive.LAST_NAMES]
    return rng.sample(everyone, count)


def _build_speakers(event: Event, dates: Dates, rng: random.Random) -> list[SpeakerProfile]:
    speakers = []
    for (first, last), (structure, kind, territory) in zip(_names(rng, len(SPEAKERS)), SPEAKERS, strict=True):
        speakers.append(
            SpeakerProfile(
                event=event,
                full_name=f"{first} {last}",
                email=archive._email(first, last, "example.org"),
                structure=structure,
                structure_type=kind,
                territory=territory,
                bio=f"{structure} ({territory}). {SPEAKER_BIOS[kind]}",
                publish_consent=True,
                availabilities=[
                    Availability(starts_at=dates.on_day(i, opens), ends_at=dates.on_day(i, closes))
                    for i, (opens, closes, _lunch, _end) in enumerate(DAY_HOURS)
                ],
            )
        )
    return speakers


def _build_sessions(event: Event, speakers: list[SpeakerProfile], dates: Dates) -> list[Session]:
    formats = {f.kind: f for f in event.formats}
    themes = dict(zip(THEME_KEYS, event.themes, strict=True))
    sessions = []
    for p, plan in enumerate(PROGRAMME):
        fmt = formats[plan.kind]
        submitted_at = dates.call_opens + timedelta(days=10 + 3 * p, hours=p % 7)
        session = Session(
            event=event,
            format=fmt,
            theme=themes[plan.theme],
            title=plan.title,
            summary=plan.summary,
            description=plan.summary,
            duration=plan.duration or fmt.default_duration,
            audience="Médiatrices et médiateurs numériques, et toute personne curieuse",
            level=plan.level,
            language="fr",
            attendance_mode=plan.attendance,
            seat_capacity=plan.seat_capacity,
            state=SessionState.confirmed,
            submitted_at=None if plan.kind == FormatKind.plenary else submitted_at,
            decided_at=dates.decided,
            confirmed_at=dates.decided + timedelta(days=1 + p % 6, hours=p % 5),
        )
        for position, index in enumerate(plan.speakers):
            role = {
                FormatKind.round_table: SpeakerRole.panelist,
                FormatKind.workshop: SpeakerRole.facilitator,
            }.get(plan.kind, SpeakerRole.speaker)
            if position == 0 and plan.kind in (FormatKind.round_table, FormatKind.plenary):
                role = SpeakerRole.moderator
            session.speakers.append(
                SessionSpeaker(
                    speaker=speakers[index],
                    role=role,
                    position=position,
                    recording_consent=True,
                    replay_consent=True,
                    consent_updated_at=dates.decided + timedelta(days=3),
                )
            )
        sessions.append(session)
    return sessions


def _build_call(event: Event, dates: Dates) -> Call:
    call = Call(
        event=event,
        opens_at=dates.call_opens,
        closes_at=dates.call_closes,
        introduction="Proposez une table ronde, un atelier ou une courte présentation pour le Numérique en "
        "Communs Charente.",
        blind_review=False,
        reviews_visible_after_own=True,
    )
    call.formats = [
        CallFormat(format=f)
        for f in event.formats
        if f.kind in (FormatKind.round_table, FormatKind.workshop, FormatKind.talk)
    ]
    return call


def _release_programme(event: Event, sessions: list[Session], dates: Dates) -> None:
    """Place every session where PROGRAMME says (the draft), then publish the draft as v1."""
    from nec.programme import draft as drafts
    from nec.programme.releases import services as publishing

    rooms = {room.name: room for room in event.rooms}
    draft = drafts.get_draft(event)
    for plan, session in zip(PROGRAMME, sessions, strict=True):
        starts_at = dates.on_day(plan.day, plan.start)
        db.session.add(
            Slot(
                version_id=draft.id,
                session_id=session.id,
                room_id=rooms[plan.room].id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=session.duration),
            )
        )
    for day, start, end, title in BREAKS:
        db.session.add(
            Slot(version_id=draft.id, starts_at=dates.on_day(day, start), ends_at=dates.on_day(day, end), title=title)
        )
    db.session.flush()
    publishing.release(event, "v1", "Le programme des deux journées.", None, False, at=dates.released)


def _place(rng: random.Random, charente_share: float) -> tuple[str, str]:
    """A (commune, postcode): mostly Charente."""
    charente = [c for c in archive.COMMUNES if c[1] == "Charente"]
    commune, _department, postcode = (
        rng.choice(charente) if rng.random() < charente_share else rng.choice(archive.COMMUNES)
    )
    return commune, postcode


def _build_registrations(event: Event, participant: User, dates: Dates, rng: random.Random) -> list[Registration]:
    """~150 registrations since the opening: confirmed, a few cancelled, a few still pending (the last
    hours'), on site or online; the demo participant's is confirmed, on site, linked to the account."""
    types = list(PARTICIPANT_TYPE_WEIGHTS)
    weights = list(PARTICIPANT_TYPE_WEIGHTS.values())
    opened = dates.registrations_open
    span = int((dates.now - timedelta(hours=3) - opened).total_seconds() // 60)
    registrations = []
    emails = {PARTICIPANT_EMAIL}
    far = list(FAR_COMMUNES)
    for i, (first, last) in enumerate(_names(rng, PARTICIPANTS - 1)):
        kind = rng.choices(types, weights)[0]
        on_site = rng.random() < ON_SITE_SHARE
        if not on_site and far and i % 9 == 0:
            commune, _department, postcode = far.pop(0)
        else:
            commune, postcode = _place(rng, 0.8 if on_site else 0.4)
        template = rng.choice(PARTICIPANT_STRUCTURES[kind])
        structure = template.format(c=archive._of(commune), a=rng.choice(archive.ASSOCIATION_NAMES))
        email = archive._email(first, last, rng.choice(["example.org", "example.net", "example.com"]))
        if email in emails:
            email = email.replace("@", f".{i}@")
        emails.add(email)
        # Early days and the last week draw the most registrations.
        minute = int(span * (rng.random() ** 1.6 if rng.random() < 0.6 else 1 - rng.random() ** 2.5))
        registration = Registration(
            event=event,
            email=email,
            full_name=f"{first} {last}",
            structure=structure,
            structure_type=kind,
            commune=commune,
            postcode=postcode,
            department=department_of(postcode),
            attendance=Attendance.on_site if on_site else Attendance.online,
            state=RegistrationState.confirmed,
            consent_news=rng.random() < 0.45,
            consent_image=on_site and rng.random() < 0.3,
            created_at=opened + timedelta(minutes=minute),
        )
        registration.confirmed_at = registration.created_at + timedelta(minutes=rng.randrange(2, 90))
        if rng.random() < 0.05:
            registration.consent_accessibility = True
            registration.accessibility_needs = rng.choice(archive.ACCESSIBILITY_NEEDS)
        registrations.append(registration)
    for n, registration in enumerate(registrations[-PENDING:]):  # registered in the last hours
        registration.state = RegistrationState.pending
        registration.created_at = dates.now - timedelta(hours=2 + 3 * n, minutes=rng.randrange(60))
        registration.confirmed_at = None
        registration.expires_at = registration.created_at + timedelta(hours=48)
    for registration in rng.sample(registrations[:-PENDING], CANCELLED):
        registration.state = RegistrationState.cancelled
        registration.cancelled_at = min(
            registration.confirmed_at + timedelta(days=rng.randrange(1, 6), hours=rng.randrange(8)),
            registration.confirmed_at + (dates.now - registration.confirmed_at) * 0.8,
        ).replace(microsecond=0)
    own = Registration(
        event=event,
        user=participant,
        email=PARTICIPANT_EMAIL,
        full_name=PARTICIPANT_NAME,
        structure="France Services de Montmoreau",
        structure_type=StructureType.france_services,
        commune="Montmoreau",
        postcode="16190",
        department=department_of("16190"),
        attendance=Attendance.on_site,
        state=RegistrationState.confirmed,
        consent_news=True,
        created_at=opened + timedelta(hours=3),
        confirmed_at=opened + timedelta(hours=3, minutes=6),
    )
    registrations.append(own)
    registrations.sort(key=lambda r: r.created_at)
    return registrations


def _overlaps(a: Planned, b: Planned) -> bool:
    if a.day != b.day:
        return False
    start_a = a.start.hour * 60 + a.start.minute
    start_b = b.start.hour * 60 + b.start.minute
    return start_a < start_b + (b.duration or DEFAULT_DURATIONS[b.kind]) and start_b < start_a + (
        a.duration or DEFAULT_DURATIONS[a.kind]
    )


def _build_seats(registrations, sessions, participant, dates, rng) -> tuple[list[Seat], list[SeatCounter]]:
    """Each workshop gets the seats its plan says, from confirmed participants of its mode who hold no seat
    in an overlapping workshop, in the order they booked. In the full workshop a booked person gave a seat
    back two hours ago: the first person waiting has the offer. The demo participant has a seat in two
    workshops and waits in the full one (second in line)."""
    confirmed = [r for r in registrations if r.state == RegistrationState.confirmed and r.user is not participant]
    own = next(r for r in registrations if r.user is participant)
    holding: dict[int, list[Planned]] = {id(r): [] for r in registrations}
    seats: list[Seat] = []
    counters: list[SeatCounter] = []
    for plan, session in zip(PROGRAMME, sessions, strict=True):
        if not plan.seat_capacity:
            continue
        mode = Attendance.online if plan.attendance == AttendanceMode.online else Attendance.on_site
        mine = plan.title in PARTICIPANT_WORKSHOPS
        candidates = [r for r in confirmed if r.attendance == mode]
        if plan.title == FULL_WORKSHOP:  # full for days: its seats were taken before the last two days
            candidates = [r for r in candidates if r.confirmed_at < dates.now - timedelta(days=2)]
        rng.shuffle(candidates)
        chosen = [r for r in candidates if not any(_overlaps(plan, other) for other in holding[id(r)])]
        chosen = chosen[: plan.booked + plan.waiting - mine]
        # A seat is taken some time after the registration's confirmation, and before now.
        taken_at = {
            id(r): min(
                r.confirmed_at + timedelta(minutes=rng.randrange(3, 60 * 24 * 6)),
                r.confirmed_at + (dates.now - r.confirmed_at) * rng.uniform(0.2, 0.8),
            ).replace(microsecond=0)
            for r in chosen
        }
        if mine:
            others = sorted(taken_at.values())
            taken_at[id(own)] = own.confirmed_at + timedelta(minutes=5)
            if plan.title == FULL_WORKSHOP:  # came late: third in the queue, second once the seat is offered
                taken_at[id(own)] = others[plan.booked + 1] + timedelta(seconds=30)
            chosen.append(own)
        chosen.sort(key=lambda r: (taken_at[id(r)], r.email))
        workshop_seats = []
        for ticket, registration in enumerate(chosen, start=1):
            holding[id(registration)].append(plan)
            at = taken_at[id(registration)]
            booked = ticket <= plan.booked
            workshop_seats.append(
                Seat(
                    registration=registration,
                    session=session,
                    state=SeatState.booked if booked else SeatState.waiting,
                    ticket=ticket,
                    created_at=at,
                    booked_at=at if booked else None,
                )
            )
        if plan.title == FULL_WORKSHOP:
            _give_back_and_offer(workshop_seats, dates)
        seats += workshop_seats
        counters.append(
            SeatCounter(
                session=session,
                taken=sum(1 for s in workshop_seats if s.state in (SeatState.booked, SeatState.offered)),
                waiting=sum(1 for s in workshop_seats if s.state == SeatState.waiting),
                last_ticket=len(workshop_seats),
            )
        )
    return seats, counters


def _give_back_and_offer(seats: list[Seat], dates: Dates) -> None:
    """A booked person gave their seat back two hours ago; the first person waiting has the offer."""
    given_back = next(s for s in seats if s.state == SeatState.booked and s.ticket == 7)
    given_back.state = SeatState.cancelled
    given_back.ended_at = dates.now - timedelta(hours=2)
    first_waiting = min((s for s in seats if s.state == SeatState.waiting), key=lambda s: s.ticket)
    first_waiting.state = SeatState.offered
    first_waiting.offered_at = given_back.ended_at
    first_waiting.offer_expires_at = given_back.ended_at + timedelta(hours=OFFER_HOURS)


def _build_settings(event: Event, registrations: list[Registration], dates: Dates) -> RegistrationSettings:
    confirmed = [r for r in registrations if r.state == RegistrationState.confirmed]
    return RegistrationSettings(
        event=event,
        is_open=True,
        opens_at=dates.registrations_open,
        closes_at=dates.registrations_close,
        on_site_capacity=ON_SITE_CAPACITY,
        online_capacity=ONLINE_CAPACITY,
        on_site_taken=sum(1 for r in confirmed if r.attendance == Attendance.on_site),
        online_taken=sum(1 for r in confirmed if r.attendance == Attendance.online),
        offer_hours=OFFER_HOURS,
        pending_hours=48,
        reminder_days="7,1",
        workshop_reminder_hours=24,
        retention_days=365,
    )
