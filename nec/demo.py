"""The demo event `nec-sud-charente`, modelled on the Sud Charente NEC of January 2021.

Everything is generated from fixed lists and a seeded random generator, so that two loads give the same
event. All people are fictitious; e-mail addresses use the reserved example.* domains (RFC 2606).
Plain functions: they add to db.session and commit once (the CLI and the tests call them directly).
"""

from __future__ import annotations

import os
import random
import secrets
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from nec.accounts.models import EventRole, EventRoleKind, User
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.models import AuditLogEntry, OutboxMessage
from nec.core.slugs import slugify
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
from nec.library.models import Recording, Resource
from nec.programme.models import Favourite, GeneratorRun, ScheduleVersion, Slot
from nec.proposals.models import (
    Answer,
    AttendanceMode,
    Availability,
    Call,
    CallFormat,
    Level,
    Question,
    QuestionKind,
    QuestionTarget,
    Review,
    ReviewCriterion,
    ReviewScore,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
    StructureType,
)
from nec.registrations.models import (
    Attendance,
    CheckIn,
    EventReminder,
    Registration,
    RegistrationSettings,
    RegistrationState,
    Seat,
    SeatCounter,
    SeatState,
)
from nec.registrations.services import department_of
from nec.visio.models import VisioRoom

DEMO_SLUG = "nec-sud-charente"
ORGANISER_EMAIL = "organisatrice@nec-sud-charente.example.org"
ORGANISER_NAME = "Élise Fontaine (démo)"
REVIEWER_EMAIL = "relecteur@nec-sud-charente.example.org"
REVIEWER_NAME = "Marc Delage (démo)"
LOGIN_FILE_NAME = "demo-login.txt"
SEED = 20210128
TZ = "Europe/Paris"
DAY_1 = date(2021, 1, 28)
DAY_2 = date(2021, 1, 29)
PARTICIPANTS = 300
CANCELLED_REGISTRATIONS = 6
PARTIAL_SPEAKERS = 6  # available only part of the event
SILENT_SPEAKERS = 3  # have not given their availability yet
WAITING_LIST_MAX = 3  # per full workshop: "a few" people wait, not a crowd


@dataclass
class DemoLoaded:
    """What a load created: the event, the organiser's login and a few counts for the message."""

    event: Event
    organiser_email: str
    reviewer_email: str
    password: str
    counts: dict[str, int] = field(default_factory=dict)


# --- the event's frame ----------------------------------------------------------------------------

EVENT_TITLE = "Numérique en Communs Sud Charente"
EVENT_TAGLINE = "Deux journées en ligne pour faire réseau autour de la médiation numérique"
EVENT_DESCRIPTION = "\n\n".join(
    [
        "Deux journées en visioconférence pour les actrices et les acteurs de l'inclusion numérique de "
        "Charente et de Nouvelle-Aquitaine : médiatrices et médiateurs numériques, conseillères et conseillers "
        "numériques, tiers-lieux, centres sociaux, associations, collectivités et services publics. Tables "
        "rondes et ateliers alternent : le métier de médiateur numérique, le financement de la médiation, "
        "l'insertion et l'emploi, l'impact des tiers-lieux, l'animation d'un réseau, les essentiels du métier "
        "et les impacts du numérique sur l'environnement.",
        "Cet événement de démonstration s'inspire du Numérique en Communs que l'Espace Numérique Sud Charente, "
        "association de Montmoreau qui anime le réseau départemental de l'inclusion numérique, a organisé "
        "en ligne les 28 et 29 janvier 2021 avec le réseau régional et le programme national Société Numérique. "
        "Les personnes, les structures citées et les inscriptions de cette démonstration sont fictives.",
        "Ce que l'équipe a retenu de cette édition : un programme moins chargé, avec des pauses ; des ateliers "
        "plus longs pour laisser de la place au débat ; et deux thèmes de plus, le développement économique "
        "des territoires et l'écologie.",
    ]
)

ROOMS = [
    # name, capacity, accessibility notes
    (
        "Salle plénière",
        300,
        "Sous-titrage en direct ; interprétation en langue des signes française pour les plénières.",
    ),
    ("Salle Parenthèse", 100, "Sous-titrage automatique ; supports envoyés la veille sur demande."),
    ("Salle Annexe", 60, "Sous-titrage automatique."),
    ("Salle Mobilité", 40, "Accès par téléphone possible pour les personnes sans ordinateur."),
    ("Salle Coopération", 40, "Sous-titrage automatique."),
]

THEMES = [
    # key, name, description, colour
    (
        "strategy",
        "Stratégies publiques et territoires",
        "Infrastructures, équipements, usages : ce que font l'État, la région, le département et les communes.",
        "#1f5f8b",
    ),
    (
        "profession",
        "Le métier de médiateur numérique",
        "Statut, formation, compétences et organisation d'un métier encore jeune.",
        "#7a3e9d",
    ),
    (
        "funding",
        "Financer la médiation numérique",
        "Subventions, appels à projets, Pass Numérique, modèles économiques durables.",
        "#b5530f",
    ),
    (
        "employment",
        "Numérique, insertion et emploi",
        "Accompagner vers l'emploi, former, soutenir les entrepreneurs des territoires.",
        "#2e7d32",
    ),
    (
        "third_places",
        "Tiers-lieux et coopérations",
        "Ce que changent les tiers-lieux et les coopérations qu'ils nouent sur un territoire.",
        "#00727a",
    ),
    ("networks", "Animer un réseau", "Faire vivre un réseau local, départemental ou régional d'acteurs.", "#8c2f39"),
    (
        "essentials",
        "Les essentiels de la médiation",
        "Accueillir, accompagner sans faire à la place, aller vers les publics éloignés.",
        "#4a5a14",
    ),
    (
        "ecology",
        "Impacts du numérique et écologie",
        "Sobriété, réemploi du matériel, effets du numérique sur l'environnement et la société.",
        "#35654d",
    ),
]

FORMAT_DESCRIPTIONS = {
    FormatKind.round_table: "Une personne modère, deux à cinq intervenant·es croisent leurs expériences, puis la "
    "salle pose ses questions.",
    FormatKind.workshop: "Un temps de travail en petit groupe, animé, avec un nombre de places limité : "
    "on s'inscrit à l'avance.",
    FormatKind.talk: "Une présentation courte d'un projet ou d'un retour d'expérience, suivie de questions.",
    FormatKind.plenary: "Un temps pour toutes et tous, dans la salle plénière.",
}

# --- the people -----------------------------------------------------------------------------------

FIRST_NAMES_F = [
    "Camille", "Léa", "Manon", "Chloé", "Sarah", "Julie", "Claire", "Sophie", "Nathalie", "Isabelle",
    "Sandrine", "Céline", "Aurélie", "Émilie", "Marion", "Pauline", "Laura", "Élodie", "Anne", "Christine",
    "Véronique", "Martine", "Nadia", "Fatima", "Yasmina", "Inès", "Mélanie", "Hélène", "Agnès", "Brigitte",
    "Lucie", "Maëlle", "Margaux", "Océane", "Laetitia", "Amandine",
]  # fmt: skip
FIRST_NAMES_M = [
    "Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Alexandre", "Romain", "Guillaume", "Pierre", "Jean",
    "Philippe", "Michel", "Laurent", "Stéphane", "Sébastien", "Christophe", "Olivier", "Frédéric", "David",
    "Karim", "Mehdi", "Yann", "Loïc", "Benoît", "Mathieu", "Hugo", "Lucas", "Théo", "Bernard", "Patrick",
    "Didier", "Franck", "Jérôme", "Vincent", "Samuel", "Rachid",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Perrin", "Morin",
    "Clément", "Gauthier", "Dumont", "Lopez", "Chevalier", "Robin", "Masson", "Sanchez", "Nguyen", "Boyer",
    "Denis", "Lemaire", "Duval", "Joly", "Roche", "Roy", "Noël", "Meyer", "Meunier", "Perez", "Marchand",
    "Dufour", "Blanchard", "Barbier", "Brun", "Brunet", "Schmitt", "Colin", "Fernandez", "Renard", "Arnaud",
    "Caron", "Aubert", "Giraud", "Vidal", "Renaud", "Picard", "Gaillard", "Lacroix", "Fabre", "Dupuis",
    "Mesnard", "Chauvet", "Raynaud", "Brissaud", "Boutin", "Texier", "Chaigneau", "Rivière", "Benali",
    "Haddad", "Diallo", "Traoré", "Da Silva", "Ferreira", "Pereira", "Bouchet", "Vergnaud", "Sabourin",
]  # fmt: skip

# The speakers' structures (invented names, real places): name, type, territory, number of speakers.
SPEAKER_STRUCTURES = [
    ("Cyberbase Les Tilleuls", StructureType.epn, "Arras (Pas-de-Calais)", 3),
    ("Espace public numérique Le Clic", StructureType.epn, "Angoulême (Charente)", 2),
    ("Cyber-espace de la médiathèque", StructureType.epn, "Cognac (Charente)", 1),
    ("Espace numérique La Passerelle", StructureType.epn, "Périgueux (Dordogne)", 1),
    ("EPN Les Écrans partagés", StructureType.epn, "Barbezieux-Saint-Hilaire (Charente)", 1),
    ("EPN Cyber'Seniors", StructureType.epn, "Confolens (Charente)", 1),
    ("Centre social Le Lien, tiers-lieu numérique", StructureType.social_centre, "Chalais (Charente)", 3),
    ("Centre socioculturel du Pays d'Aubeterre", StructureType.social_centre, "Aubeterre-sur-Dronne (Charente)", 1),
    ("Centre social de la Vallée du Né", StructureType.social_centre, "Blanzac-Porcheresse (Charente)", 1),
    ("Centre social Les Portes du Confolentais", StructureType.social_centre, "Confolens (Charente)", 1),
    ("Centre social et culturel du Ruffécois", StructureType.social_centre, "Ruffec (Charente)", 1),
    ("Communauté de communes des Deux Vallées", StructureType.local_authority, "Montmoreau (Charente)", 3),
    ("Communauté de communes des Collines d'Horte", StructureType.local_authority, "Villebois-Lavalette (Charente)", 2),
    ("Département, mission inclusion numérique", StructureType.local_authority, "Angoulême (Charente)", 2),
    ("Région, service de l'aménagement numérique", StructureType.local_authority, "Bordeaux (Gironde)", 1),
    ("Communauté de communes des Collines du Ruffécois", StructureType.local_authority, "Ruffec (Charente)", 1),
    ("Médiathèque intercommunale des Deux Vallées", StructureType.local_authority, "Montmoreau (Charente)", 2),
    ("CCAS, pôle accès aux droits", StructureType.local_authority, "Ruelle-sur-Touvre (Charente)", 1),
    ("Espace France Services du Sud Charente", StructureType.public_service, "Barbezieux-Saint-Hilaire (Charente)", 1),
    ("Agence pour l'emploi du Cognaçais", StructureType.public_service, "Cognac (Charente)", 1),
    ("Services de l'État, mission société numérique", StructureType.public_service, "Angoulême (Charente)", 1),
    ("Caisse d'allocations familiales, service partenariats", StructureType.public_service, "Angoulême (Charente)", 1),
    ("Mission locale du Sud Charente", StructureType.public_service, "Barbezieux-Saint-Hilaire (Charente)", 1),
    ("Hub régional Les Connecteurs numériques", StructureType.network, "Bordeaux (Gironde)", 3),
    ("Réseau Numérique & Entreprendre Hauts-de-France", StructureType.network, "Lille (Nord)", 2),
    ("Réseau charentais de l'inclusion numérique", StructureType.network, "Montmoreau (Charente)", 2),
    ("Réseau des tiers-lieux néo-aquitains", StructureType.network, "Bordeaux (Gironde)", 2),
    ("Coordination nationale des médiations numériques", StructureType.network, "Paris", 1),
    ("La Grange numérique", StructureType.third_place, "Brossac (Charente)", 2),
    ("Le Fil, tiers-lieu et fablab", StructureType.third_place, "Jarnac (Charente)", 2),
    ("La Cordée des Chais", StructureType.third_place, "Segonzac (Charente)", 1),
    ("L'Atelier partagé", StructureType.third_place, "Saint-Junien (Haute-Vienne)", 1),
    ("Association Clés numériques", StructureType.association, "Angoulême (Charente)", 2),
    ("Association Tremplin numérique", StructureType.association, "Cognac (Charente)", 2),
    ("Association Science et Bidouille", StructureType.association, "La Rochelle (Charente-Maritime)", 1),
    ("Association Parents connectés", StructureType.association, "Niort (Deux-Sèvres)", 1),
    ("Collectif Numérique responsable", StructureType.association, "Poitiers (Vienne)", 2),
    ("Atelier de réemploi Ordi-Solidaire", StructureType.association, "Limoges (Haute-Vienne)", 1),
    ("École de la médiation numérique", StructureType.association, "Angoulême (Charente)", 1),
    ("Association Bus connecté", StructureType.association, "Saintes (Charente-Maritime)", 1),
    ("Formatrice indépendante", StructureType.independent, "Poitiers (Vienne)", 1),
    ("Conseil indépendant en financement de projets", StructureType.independent, "Bordeaux (Gironde)", 1),
    ("SCIC Les Communs numériques", StructureType.company, "Toulouse (Haute-Garonne)", 1),
    ("Organisme de formation Médiation & Compétences", StructureType.company, "Limoges (Haute-Vienne)", 1),
]  # fmt: skip

JOB_TITLES = {  # (masculine, feminine)
    StructureType.epn: [
        ("Animateur multimédia", "Animatrice multimédia"),
        ("Médiateur numérique", "Médiatrice numérique"),
        ("Responsable de l'espace", "Responsable de l'espace"),
    ],
    StructureType.social_centre: [
        ("Directeur", "Directrice"),
        ("Animateur numérique", "Animatrice numérique"),
        ("Coordinateur du tiers-lieu numérique", "Coordinatrice du tiers-lieu numérique"),
    ],
    StructureType.local_authority: [
        ("Conseiller numérique France Services", "Conseillère numérique France Services"),
        ("Chargé de mission inclusion numérique", "Chargée de mission inclusion numérique"),
        ("Élu délégué au numérique", "Élue déléguée au numérique"),
    ],
    StructureType.public_service: [
        ("Chargé de mission", "Chargée de mission"),
        ("Conseiller", "Conseillère"),
        ("Responsable de site", "Responsable de site"),
    ],
    StructureType.network: [
        ("Coordinateur", "Coordinatrice"),
        ("Chargé de développement", "Chargée de développement"),
        ("Animateur de communauté", "Animatrice de communauté"),
    ],
    StructureType.third_place: [
        ("Facilitateur", "Facilitatrice"),
        ("Fabmanager", "Fabmanageuse"),
        ("Cofondateur", "Cofondatrice"),
    ],
    StructureType.association: [
        ("Formateur", "Formatrice"),
        ("Président", "Présidente"),
        ("Médiateur numérique", "Médiatrice numérique"),
        ("Chargé de projet", "Chargée de projet"),
    ],
    StructureType.independent: [("Formateur", "Formatrice"), ("Consultant", "Consultante")],
    StructureType.company: [("Gérant", "Gérante"), ("Responsable pédagogique", "Responsable pédagogique")],
}

BIO_SENTENCES = {
    StructureType.epn: [
        "Accompagne chaque semaine des débutants, des jeunes et des retraités dans leurs premiers pas en ligne.",
        "Ouvre depuis peu l'espace aux entrepreneurs du quartier qui veulent se faire connaître sur internet.",
        "Anime des ateliers collectifs et une permanence sans rendez-vous le mercredi.",
    ],
    StructureType.social_centre: [
        "A accompagné la transformation du centre social en tiers-lieu numérique ouvert à tous les âges.",
        "Anime des ateliers de robotique, d'électronique et de code pour les enfants du territoire.",
        "Fait circuler une navette numérique qui va à la rencontre des personnes isolées.",
    ],
    StructureType.local_authority: [
        "Se déplace dans huit communes, deux demi-journées par semaine : bibliothèques, mairies, CCAS.",
        "Pilote le plan local d'inclusion numérique et cherche à le financer dans la durée.",
        "Sensibilise les parents au temps d'écran et prépare l'arrivée d'un bus connecté.",
    ],
    StructureType.public_service: [
        "Aide les habitants dans leurs démarches en ligne et oriente vers les bons interlocuteurs.",
        "Travaille avec les acteurs locaux pour que personne ne perde ses droits faute d'accès au numérique.",
    ],
    StructureType.network: [
        "Met en relation les actrices et acteurs de la médiation numérique et les aide à monter des projets.",
        "Organise des rencontres régulières entre médiateurs pour partager les outils et les pratiques.",
        "Rapproche la médiation numérique des entrepreneurs et des acteurs économiques.",
    ],
    StructureType.third_place: [
        "Fait vivre un lieu partagé où l'on vient travailler, apprendre, réparer et se rencontrer.",
        "Anime un fablab et des ateliers de fabrication numérique ouverts aux habitants.",
    ],
    StructureType.association: [
        "Conçoit des formations courtes pour les bénévoles et les professionnels de l'accompagnement.",
        "Accompagne des personnes en insertion vers les compétences numériques utiles pour l'emploi.",
        "Défend un numérique plus sobre : réemploi du matériel, logiciels libres, usages raisonnés.",
    ],
    StructureType.independent: [
        "Intervient auprès des collectivités et des associations qui lancent un projet de médiation numérique.",
    ],
    StructureType.company: [
        "Forme des médiatrices et médiateurs numériques et construit des parcours de formation avec les employeurs.",
    ],
}

# Real places for participants (weights favour Charente), as (commune, department, postcode).
COMMUNES = [
    ("Angoulême", "Charente", "16000"), ("Cognac", "Charente", "16100"),
    ("Barbezieux-Saint-Hilaire", "Charente", "16300"), ("Montmoreau", "Charente", "16190"),
    ("Villebois-Lavalette", "Charente", "16320"), ("Chalais", "Charente", "16210"),
    ("Aubeterre-sur-Dronne", "Charente", "16390"), ("Confolens", "Charente", "16500"),
    ("Ruffec", "Charente", "16700"), ("Jarnac", "Charente", "16200"), ("Soyaux", "Charente", "16800"),
    ("La Couronne", "Charente", "16400"), ("Chasseneuil-sur-Bonnieure", "Charente", "16260"),
    ("Rouillac", "Charente", "16170"), ("Baignes-Sainte-Radegonde", "Charente", "16360"),
    ("Brossac", "Charente", "16480"), ("Chabanais", "Charente", "16150"), ("Mansle", "Charente", "16230"),
    ("Segonzac", "Charente", "16130"), ("Châteauneuf-sur-Charente", "Charente", "16120"),
    ("Ruelle-sur-Touvre", "Charente", "16600"), ("Gond-Pontouvre", "Charente", "16160"),
    ("Bordeaux", "Gironde", "33000"), ("Libourne", "Gironde", "33500"), ("Poitiers", "Vienne", "86000"),
    ("Châtellerault", "Vienne", "86100"), ("Limoges", "Haute-Vienne", "87000"),
    ("La Rochelle", "Charente-Maritime", "17000"), ("Saintes", "Charente-Maritime", "17100"),
    ("Rochefort", "Charente-Maritime", "17300"), ("Jonzac", "Charente-Maritime", "17500"),
    ("Niort", "Deux-Sèvres", "79000"), ("Périgueux", "Dordogne", "24000"), ("Ribérac", "Dordogne", "24600"),
    ("Bergerac", "Dordogne", "24100"), ("Guéret", "Creuse", "23000"), ("Tulle", "Corrèze", "19000"),
    ("Mont-de-Marsan", "Landes", "40000"), ("Agen", "Lot-et-Garonne", "47000"),
    ("Pau", "Pyrénées-Atlantiques", "64000"), ("Arras", "Pas-de-Calais", "62000"),
    ("Lens", "Pas-de-Calais", "62300"), ("Lille", "Nord", "59000"), ("Marseille", "Bouches-du-Rhône", "13001"),
    ("Lyon", "Rhône", "69001"), ("Nantes", "Loire-Atlantique", "44000"), ("Rennes", "Ille-et-Vilaine", "35000"),
    ("Toulouse", "Haute-Garonne", "31000"), ("Clermont-Ferrand", "Puy-de-Dôme", "63000"),
]  # fmt: skip
ASSOCIATION_NAMES = [
    "Au fil du clic", "Génération connectée", "Coup de pouce numérique", "Les Amis du clavier",
    "Solidarité informatique", "Les Bidouilleurs du coin", "Lien et partage", "Numérique pour tous",
]  # fmt: skip
PARTICIPANT_STRUCTURES = {  # templates; {c} is "de <commune>" or "d'<commune>"
    StructureType.epn: ["Espace public numérique {c}", "Cyberbase {c}"],
    StructureType.social_centre: ["Centre social {c}", "Centre socioculturel {c}"],
    StructureType.local_authority: ["Mairie {c}", "CCAS {c}", "Médiathèque {c}", "Communauté de communes"],
    StructureType.public_service: ["France Services {c}", "Mission locale {c}", "Agence pour l'emploi {c}"],
    StructureType.network: ["Réseau départemental d'inclusion numérique", "Hub numérique régional"],
    StructureType.third_place: ["Tiers-lieu {c}", "Fablab {c}"],
    StructureType.association: ["Association {a}"],
    StructureType.independent: ["Médiation numérique (indépendant·e)"],
    StructureType.company: ["Entreprise de services numériques", "Organisme de formation"],
    StructureType.other: ["", "Bénévole", "Étudiant·e en médiation numérique"],
}
PARTICIPANT_TYPE_WEIGHTS = {
    StructureType.epn: 14,
    StructureType.social_centre: 12,
    StructureType.local_authority: 22,
    StructureType.public_service: 12,
    StructureType.network: 4,
    StructureType.third_place: 8,
    StructureType.association: 16,
    StructureType.independent: 3,
    StructureType.company: 3,
    StructureType.other: 6,
}
ACCESSIBILITY_NEEDS = [
    "J'utilise un lecteur d'écran.",
    "Sous-titres souhaités : je suis malentendant.",
    "Je me connecte par téléphone, sans ordinateur.",
    "Merci de m'envoyer les supports à l'avance.",
]

# --- the programme --------------------------------------------------------------------------------

EPN, SOC, LOC, PUB, NET, TPL, ASSO, INDEP, COMP = (
    StructureType.epn,
    StructureType.social_centre,
    StructureType.local_authority,
    StructureType.public_service,
    StructureType.network,
    StructureType.third_place,
    StructureType.association,
    StructureType.independent,
    StructureType.company,
)


@dataclass
class SessionPlan:
    kind: FormatKind
    theme: str
    title: str
    summary: str
    description: str
    people: int  # besides the moderator of a round table or a plenary
    prefer: tuple[StructureType, ...]  # the structures its speakers preferably come from
    level: Level = Level.beginner
    audience: str = "Médiatrices et médiateurs numériques, et toute personne curieuse"
    seat_capacity: int | None = None
    needs: str = ""
    popularity: int = 1  # how much participants want a seat in this workshop
    anchors: tuple[str, ...] = ()  # structures (of SPEAKER_STRUCTURES) that must have someone in it


PROGRAMME = [
    SessionPlan(
        FormatKind.plenary,
        "strategy",
        "Ouverture : infrastructures, équipements, usages, quelles stratégies publiques pour la médiation numérique ?",
        "État, région, département et communes racontent ce qu'ils font pour que chacun trouve sa place dans "
        "un monde numérique, du réseau au matériel et aux usages.",
        "Pour ouvrir les deux journées, des représentants des acteurs publics, nationaux et locaux, présentent "
        "leurs stratégies en trois volets : les infrastructures, l'équipement des personnes et l'accompagnement "
        "des usages. Où en est-on, qui finance quoi, et comment les acteurs de terrain sont-ils associés ?",
        4,
        (PUB, LOC, NET),
        anchors=(
            "Services de l'État, mission société numérique",
            "Région, service de l'aménagement numérique",
            "Département, mission inclusion numérique",
        ),
        audience="Tout le monde",
    ),
    SessionPlan(
        FormatKind.round_table,
        "profession",
        "Le métier de médiateur numérique : statut, formation, compétences",
        "Qui sont les médiatrices et médiateurs numériques, comment se forment-ils, et comment faire "
        "reconnaître ce métier ?",
        "Animatrice d'espace public numérique, conseiller numérique, formatrice, employeur : chacun dit comment "
        "il voit le métier, ses compétences, ses statuts très variés et les formations qui existent. Comment "
        "organiser la profession sans perdre ce qui fait sa richesse ?",
        5,
        (EPN, COMP, LOC, ASSO),
        anchors=(
            "Organisme de formation Médiation & Compétences",
            "École de la médiation numérique",
            "Espace public numérique Le Clic",
        ),
    ),
    SessionPlan(
        FormatKind.round_table,
        "funding",
        "Financer les actions de médiation numérique",
        "Subventions, appels à projets, Pass Numérique, prestations : comment financer la médiation dans la durée ?",
        "Les financements arrivent souvent par appels à projets, pour un an ou deux. Des structures et des "
        "financeurs échangent sur ce qui marche pour durer : mutualiser, diversifier, faire reconnaître la "
        "médiation comme un service d'intérêt général.",
        4,
        (INDEP, LOC, PUB, NET),
        anchors=(
            "Conseil indépendant en financement de projets",
            "Caisse d'allocations familiales, service partenariats",
        ),
        level=Level.intermediate,
        audience="Responsables de structures, élus, financeurs",
    ),
    SessionPlan(
        FormatKind.round_table,
        "third_places",
        "L'impact des tiers-lieux et de leurs coopérations",
        "Ce que les tiers-lieux changent sur un territoire, et ce qu'ils gagnent à coopérer entre eux.",
        "Des tiers-lieux ruraux et urbains racontent leurs effets concrets : liens entre habitants, "
        "activités nouvelles, accès au numérique. Comment mesurer cet impact sans le réduire à des chiffres ?",
        4,
        (TPL, NET, SOC),
        anchors=(
            "La Grange numérique",
            "Réseau des tiers-lieux néo-aquitains",
            "Centre social Le Lien, tiers-lieu numérique",
        ),
    ),
    SessionPlan(
        FormatKind.round_table,
        "essentials",
        "Conseillers numériques en itinérance : aller vers les habitants des communes rurales",
        "Des permanences dans huit communes, des mairies aux bibliothèques : l'itinérance au quotidien.",
        "Deux demi-journées par semaine dans chaque commune, un public surtout âgé, des cours individuels et en "
        "groupe : des conseillers numériques d'une communauté de communes partagent leur organisation, leurs "
        "outils et leurs difficultés.",
        3,
        (LOC, PUB),
        anchors=(
            "Communauté de communes des Deux Vallées",
            "Communauté de communes des Collines d'Horte",
            "CCAS, pôle accès aux droits",
        ),
    ),
    SessionPlan(
        FormatKind.round_table,
        "employment",
        "Médiation numérique et développement économique local",
        "Artisans, commerçants, petites entreprises : la médiation numérique peut aussi les accompagner.",
        "Un thème que l'équipe a voulu ajouter après la première édition. Des réseaux qui rapprochent médiation "
        "numérique et entrepreneurs, et un espace public numérique de quartier qui accueille désormais les "
        "créateurs d'entreprise, partagent leurs premières expériences.",
        3,
        (NET, EPN, COMP),
        anchors=(
            "Réseau Numérique & Entreprendre Hauts-de-France",
            "Cyberbase Les Tilleuls",
            "SCIC Les Communs numériques",
        ),
        audience="Acteurs de la médiation et du développement économique",
    ),
    SessionPlan(
        FormatKind.round_table,
        "essentials",
        "Seniors et numérique : accompagner sans faire à la place",
        "Tablettes adaptées, cours progressifs, aide aux démarches : accompagner les personnes âgées vers l'autonomie.",
        "Où s'arrête l'aide et où commence le « faire à la place » ? Des structures qui accompagnent beaucoup de "
        "personnes âgées partagent leurs repères, leurs outils et les limites qu'elles se donnent.",
        3,
        (EPN, SOC, PUB),
        anchors=("EPN Cyber'Seniors", "Espace France Services du Sud Charente"),
    ),
    SessionPlan(
        FormatKind.workshop,
        "networks",
        "Animer un réseau de médiation numérique",
        "Réunir, outiller et faire coopérer des structures très différentes : méthodes et outils.",
        "En petits groupes, on part des réseaux de chacun (local, départemental, régional) pour repérer ce qui "
        "fait vivre un réseau : des rencontres régulières, des outils partagés, une animation reconnue et "
        "financée.",
        3,
        (NET,),
        anchors=(
            "Réseau charentais de l'inclusion numérique",
            "Hub régional Les Connecteurs numériques",
            "Coordination nationale des médiations numériques",
        ),
        level=Level.intermediate,
        seat_capacity=30,
        needs="Un tableau blanc partagé en ligne.",
        popularity=3,
    ),
    SessionPlan(
        FormatKind.workshop,
        "third_places",
        "Tiers-lieux et Grande École du Numérique : bilan d'une coopération",
        "Quels communs construire, que faire de ce que produisent les hackathons, et comment poursuivre la "
        "coopération ?",
        "Un bilan en atelier de la coopération entre des tiers-lieux et des formations de la Grande École du "
        "Numérique : ce qui a été produit ensemble, ce qui peut devenir un commun, et les suites à donner.",
        3,
        (TPL, ASSO, NET),
        anchors=("Le Fil, tiers-lieu et fablab", "La Cordée des Chais"),
        level=Level.intermediate,
        seat_capacity=25,
        popularity=2,
    ),
    SessionPlan(
        FormatKind.workshop,
        "employment",
        "Numérique, insertion et emploi",
        "Accompagner les personnes en recherche d'emploi : CV en ligne, candidatures, compétences numériques.",
        "À partir de situations réelles (anonymisées), on construit ensemble un parcours d'accompagnement entre "
        "structures d'insertion, agences pour l'emploi et médiateurs numériques.",
        3,
        (ASSO, PUB),
        anchors=(
            "Association Tremplin numérique",
            "Agence pour l'emploi du Cognaçais",
            "Mission locale du Sud Charente",
        ),
        seat_capacity=24,
        popularity=3,
    ),
    SessionPlan(
        FormatKind.workshop,
        "essentials",
        "Les essentiels pour être médiateur numérique",
        "Accueillir, écouter, évaluer les besoins, ne pas faire à la place : les bases du métier, en pratique.",
        "Un atelier pour les personnes qui débutent dans la médiation numérique : mises en situation, outils "
        "simples et ressources gratuites pour bien démarrer.",
        3,
        (COMP, INDEP, EPN),
        anchors=("Formatrice indépendante", "Espace public numérique Le Clic"),
        seat_capacity=20,
        popularity=5,
    ),
    SessionPlan(
        FormatKind.workshop,
        "ecology",
        "Les impacts du numérique : sobriété, réemploi et usages",
        "Que pèse le numérique sur l'environnement, et que peut faire une structure de médiation ?",
        "Un atelier pour comprendre d'où viennent les impacts du numérique (surtout la fabrication du matériel), "
        "puis choisir des gestes à la portée d'une structure : réemploi, réparation, logiciels libres.",
        3,
        (ASSO,),
        anchors=("Collectif Numérique responsable",),
        seat_capacity=30,
        popularity=2,
    ),
    SessionPlan(
        FormatKind.workshop,
        "third_places",
        "Les réseaux qui soutiennent les tiers-lieux",
        "Réseaux régionaux, départementaux, thématiques : qui fait quoi pour soutenir les tiers-lieux ?",
        "On dresse ensemble la carte des réseaux qui accompagnent les tiers-lieux, ce qu'ils proposent "
        "(formation, financement, mise en relation) et comment les solliciter.",
        2,
        (NET, TPL),
        anchors=("Réseau des tiers-lieux néo-aquitains", "L'Atelier partagé"),
        seat_capacity=30,
    ),
    SessionPlan(
        FormatKind.workshop,
        "third_places",
        "Quels accompagnements numériques proposer dans un tiers-lieu ?",
        "Permanences, ateliers, fablab, espace de travail partagé : construire une offre adaptée à son territoire.",
        "Chaque groupe part d'un tiers-lieu fictif et imagine son offre d'accompagnement numérique selon les "
        "publics présents, les moyens et les partenaires du territoire.",
        2,
        (TPL, SOC),
        anchors=("La Grange numérique", "Centre social et culturel du Ruffécois"),
        seat_capacity=20,
    ),
    SessionPlan(
        FormatKind.workshop,
        "essentials",
        "Robotique, code et électronique : des ateliers pour les enfants en milieu rural",
        "Faire découvrir le numérique aux enfants par la fabrication et le jeu.",
        "Des idées d'ateliers testées dans un centre social rural, le matériel nécessaire et son coût, et un "
        "essai en direct d'une activité de programmation sans ordinateur.",
        2,
        (SOC, ASSO),
        anchors=("Centre social Le Lien, tiers-lieu numérique", "Association Science et Bidouille"),
        seat_capacity=16,
        popularity=3,
    ),
    SessionPlan(
        FormatKind.workshop,
        "essentials",
        "Parents et écrans : animer un temps d'échange",
        "Préparer et animer une rencontre avec des parents sur le temps d'écran, sans leur faire la leçon.",
        "Un déroulé d'atelier, des supports simples et des conseils pour accueillir les questions des parents "
        "avec bienveillance.",
        2,
        (ASSO, LOC),
        anchors=("Association Parents connectés", "Communauté de communes des Collines du Ruffécois"),
        seat_capacity=20,
    ),
    SessionPlan(
        FormatKind.workshop,
        "funding",
        "Déployer le Pass Numérique à l'échelle d'un département",
        "Distribuer des chèques d'accompagnement numérique : partenaires, circuits, suivi.",
        "Retour d'expérience d'un déploiement départemental et travail en groupe sur les étapes : choisir les "
        "lieux qualifiés, former les prescripteurs, suivre l'usage des chèques.",
        2,
        (NET, LOC),
        anchors=("Réseau charentais de l'inclusion numérique", "Département, mission inclusion numérique"),
        level=Level.intermediate,
        seat_capacity=25,
    ),
    SessionPlan(
        FormatKind.workshop,
        "essentials",
        "Démarches en ligne : tenir une permanence d'aide sans faire à la place",
        "Les bons réflexes pour aider aux démarches administratives en ligne en respectant la personne.",
        "Confidentialité, mandat, mots de passe, limites de l'aide : on travaille sur des cas concrets venus "
        "des permanences France Services et des CCAS.",
        2,
        (PUB, LOC),
        anchors=("Espace France Services du Sud Charente", "CCAS, pôle accès aux droits"),
        seat_capacity=20,
        popularity=4,
    ),
    SessionPlan(
        FormatKind.talk,
        "essentials",
        "La navette numérique : un véhicule connecté pour les personnes isolées",
        "Une voiture équipée qui va chez les habitants qui ne peuvent pas se déplacer.",
        "Comment un centre social rural a équipé un véhicule, organisé les tournées et trouvé les personnes "
        "isolées avec les mairies et les services d'aide à domicile.",
        1,
        (SOC,),
        anchors=("Centre social Le Lien, tiers-lieu numérique",),
    ),
    SessionPlan(
        FormatKind.talk,
        "profession",
        "Une imprimante 3D à la médiathèque intercommunale",
        "Ce qu'une imprimante 3D a changé dans la fréquentation d'une médiathèque rurale.",
        "Le projet, son coût, les ateliers proposés aux jeunes et aux retraités, et ce qu'il faut prévoir pour "
        "l'entretien.",
        1,
        (LOC,),
        anchors=("Médiathèque intercommunale des Deux Vallées",),
    ),
    SessionPlan(
        FormatKind.talk,
        "employment",
        "Accueillir les entrepreneurs dans un espace public numérique de quartier",
        "Une cyberbase d'un quartier prioritaire ouvre ses ateliers aux créateurs d'entreprise.",
        "Pourquoi ce nouveau public, comment l'espace s'est organisé et quels partenaires l'ont aidé.",
        1,
        (EPN,),
        anchors=("Cyberbase Les Tilleuls",),
    ),
    SessionPlan(
        FormatKind.talk,
        "ecology",
        "Des ordinateurs reconditionnés pour les personnes qui n'en ont pas",
        "Collecter, réparer et redistribuer du matériel informatique : un atelier de réemploi témoigne.",
        "Le circuit du matériel, de l'entreprise qui s'en sépare à la famille qui le reçoit, et les emplois "
        "d'insertion créés en chemin.",
        1,
        (ASSO,),
        anchors=("Atelier de réemploi Ordi-Solidaire",),
    ),
    SessionPlan(
        FormatKind.plenary,
        "networks",
        "Clôture : et maintenant, que faisons-nous ensemble ?",
        "Ce que ces deux journées ont fait émerger, et les rendez-vous à venir du réseau.",
        "Les grands témoins de l'événement restituent ce qu'ils ont entendu, puis le réseau départemental "
        "présente les suites : groupes de travail, prochaines rencontres, ressources partagées.",
        3,
        (NET, LOC),
        anchors=("Réseau charentais de l'inclusion numérique", "Hub régional Les Connecteurs numériques"),
        audience="Tout le monde",
    ),
]

# --- the call for sessions and its outcome -----------------------------------------------------------

CALL_OPENS = (date(2020, 9, 21), time(9, 0))
CALL_CLOSES = (date(2020, 11, 20), time(18, 0))
DECIDED_ON = (date(2020, 12, 1), time(10, 0))
PROGRAMME_RELEASED_ON = (date(2021, 1, 11), time(10, 0))  # the generated programme, published as v1
CALL_INTRODUCTION = (
    "Vous accompagnez des publics vers le numérique, vous animez un lieu ou un réseau, vous financez ou "
    "formez ? Proposez une table ronde, un atelier ou une intervention courte pour les deux journées du "
    "Numérique en Communs Sud Charente. Les plénières sont organisées par l'équipe."
)
CALL_KINDS = (FormatKind.round_table, FormatKind.workshop, FormatKind.talk)  # plenaries are invited
# What the call left of the proposals that are not confirmed (the others are, after the decisions).
OUTCOMES = {
    "Quels accompagnements numériques proposer dans un tiers-lieu ?": SessionState.submitted,
    "Déployer le Pass Numérique à l'échelle d'un département": SessionState.submitted,
    "Des ordinateurs reconditionnés pour les personnes qui n'en ont pas": SessionState.submitted,
    "Robotique, code et électronique : des ateliers pour les enfants en milieu rural": SessionState.rejected,
    "Une imprimante 3D à la médiathèque intercommunale": SessionState.rejected,
    "Parents et écrans : animer un temps d'échange": SessionState.withdrawn,
    "Les réseaux qui soutiennent les tiers-lieux": SessionState.accepted,  # awaits its speakers' confirmation
}
CRITERIA = [
    # name, description, max score, weight
    (
        "Pertinence pour les acteurs de la médiation numérique",
        "La session répond-elle à une question que se posent les médiatrices, médiateurs et leurs structures ?",
        5,
        2,
    ),
    ("Clarté", "Le titre et le résumé disent-ils clairement ce qui va se passer ?", 5, 1),
    (
        "Diversité des intervenant·es",
        "Types de structures, territoires, parité : la session croise-t-elle des regards différents ?",
        5,
        1,
    ),
]
# The demo reviewer's reviews: (title, scores per criterion, comment).
REVIEWS = [
    (
        "Quels accompagnements numériques proposer dans un tiers-lieu ?",
        (5, 4, 3),
        "Très attendu par les tiers-lieux du département. Préciser le déroulé des deux heures.",
    ),
    (
        "Déployer le Pass Numérique à l'échelle d'un département",
        (4, 3, 2),
        "Sujet utile, mais les deux intervenant·es viennent du même type de structure.",
    ),
    (
        "Robotique, code et électronique : des ateliers pour les enfants en milieu rural",
        (2, 4, 3),
        "Bel atelier, mais il s'adresse aux enfants plus qu'aux professionnels de la médiation.",
    ),
    (
        "Une imprimante 3D à la médiathèque intercommunale",
        (2, 3, 1),
        "Retour d'expérience sympathique, un peu éloigné des thèmes de cette édition.",
    ),
    ("Les réseaux qui soutiennent les tiers-lieux", (4, 4, 4), "Complète bien la table ronde sur les tiers-lieux."),
]
AUDIENCE_CHOICES = ["Des personnes qui débutent", "Des professionnels confirmés", "Tout le monde"]
HEARD_OF_NEC = [
    "Par mon réseau départemental",
    "Par un collègue",
    "Par la lettre d'information",
    "Sur un réseau social",
]


# Partial availability patterns, in the event's local time: (day, from, to).
FULL_AVAILABILITY = [(DAY_1, time(9, 0), time(17, 30)), (DAY_2, time(9, 0), time(17, 0))]
PARTIAL_AVAILABILITIES = [
    [(DAY_1, time(9, 0), time(17, 30))],
    [(DAY_2, time(9, 0), time(17, 0))],
    [(DAY_1, time(9, 0), time(12, 30)), (DAY_2, time(9, 0), time(12, 30))],
    [(DAY_1, time(13, 30), time(17, 30)), (DAY_2, time(9, 0), time(17, 0))],
]


# --- loading and deleting -------------------------------------------------------------------------


def get_demo_event() -> Event | None:
    return db.session.scalar(sa.select(Event).where(Event.slug == DEMO_SLUG))


def load_demo(password: str | None = None) -> DemoLoaded | None:
    """Create the demo event and its accounts, and commit; None (and no change) if it already exists."""
    if get_demo_event() is not None:
        return None
    password = password or secrets.token_urlsafe(12)
    rng = random.Random(SEED)

    event = _build_event()
    formats = {f.kind: f for f in event.formats}
    themes = {key: theme for (key, *_rest), theme in zip(THEMES, event.themes, strict=True)}
    speakers = _build_speakers(event, rng)
    sessions = _build_sessions(event, formats, themes, speakers, rng)
    _build_availabilities(speakers, sessions, rng)
    registrations = _build_registrations(event, rng)
    seats, counters = _build_seats(registrations, sessions, rng)
    organiser = _demo_user(ORGANISER_EMAIL, ORGANISER_NAME, password)
    reviewer = _demo_user(REVIEWER_EMAIL, REVIEWER_NAME, password, same_as=organiser)

    db.session.add(event)
    db.session.add_all(speakers)
    db.session.add_all(sessions)
    db.session.add(_build_call(event))
    questions = _build_questions(event)
    db.session.add_all(questions)
    db.session.add_all(registrations)
    db.session.add_all(seats)
    db.session.add_all(counters)
    db.session.add_all(
        [
            EventRole(event=event, user=organiser, role=EventRoleKind.organiser),
            EventRole(event=event, user=reviewer, role=EventRoleKind.reviewer),
        ]
    )
    db.session.flush()
    _build_reviews(event, sessions, reviewer)  # the criteria need the event's id
    _build_answers(questions, sessions, speakers)
    from nec.programme.generator.runs import generate_demo_programme  # imports the solver: only when needed

    plenaries = [s for s in sessions if s.format.kind == FormatKind.plenary and s.state == SessionState.confirmed]
    opening = next(s for s in plenaries if s.title.startswith("Ouverture"))
    closing = next(s for s in plenaries if s.title.startswith("Clôture"))
    plenary_room = max(event.rooms, key=lambda room: room.capacity or 0)
    generate_demo_programme(
        event,
        organiser,
        released_at=localize(*PROGRAMME_RELEASED_ON, TZ),
        pins=(
            (opening, plenary_room, localize(DAY_1, time(9, 0), TZ)),
            (closing, plenary_room, localize(DAY_2, time(16, 0), TZ)),
        ),
    )
    log_action("demo.loaded", actor=organiser, event=event, target=event)
    loaded = DemoLoaded(
        event,
        organiser.email,
        reviewer.email,
        password,
        counts={  # counted before the commit expires every object
            "speakers": len(speakers),
            "sessions": len(sessions),
            "registrations": len(registrations),
            "seats": sum(1 for s in seats if s.state == SeatState.booked),
            "waiting": sum(1 for s in seats if s.state == SeatState.waiting),
        },
    )
    try:
        db.session.commit()
    except IntegrityError:  # another process loaded the demo at the same moment
        db.session.rollback()
        if get_demo_event() is None:
            raise
        return None
    return loaded


def delete_demo(slug: str = DEMO_SLUG) -> bool:
    """Delete the demo event (or the demo event `slug`) and everything attached to it, and commit; False if
    there was none.

    The rows are deleted table by table rather than left to ON DELETE CASCADE, because SQLite does not
    enforce foreign keys here and would otherwise keep orphans. The demo accounts are kept. The session
    is emptied (expunge_all): objects loaded before are detached, as their rows may be gone.
    """
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        return False
    eid = event.id
    session_ids = sa.select(Session.id).where(Session.event_id == eid)
    speaker_ids = sa.select(SpeakerProfile.id).where(SpeakerProfile.event_id == eid)
    registration_ids = sa.select(Registration.id).where(Registration.event_id == eid)
    version_ids = sa.select(ScheduleVersion.id).where(ScheduleVersion.event_id == eid)
    recording_ids = sa.select(Recording.id).where(Recording.session_id.in_(session_ids))
    review_ids = sa.select(Review.id).where(Review.session_id.in_(session_ids))
    call_ids = sa.select(Call.id).where(Call.event_id == eid)
    question_ids = sa.select(Question.id).where(Question.event_id == eid)
    db.session.expunge_all()
    statements = [
        sa.delete(Seat).where(sa.or_(Seat.session_id.in_(session_ids), Seat.registration_id.in_(registration_ids))),
        sa.delete(SeatCounter).where(SeatCounter.session_id.in_(session_ids)),
        sa.delete(CheckIn).where(CheckIn.registration_id.in_(registration_ids)),
        sa.delete(EventReminder).where(EventReminder.registration_id.in_(registration_ids)),
        sa.delete(RegistrationSettings).where(RegistrationSettings.event_id == eid),
        sa.delete(Favourite).where(Favourite.session_id.in_(session_ids)),
        sa.delete(VisioRoom).where(VisioRoom.event_id == eid),
        sa.delete(Slot).where(sa.or_(Slot.version_id.in_(version_ids), Slot.session_id.in_(session_ids))),
        sa.delete(GeneratorRun).where(GeneratorRun.event_id == eid),
        sa.delete(ScheduleVersion).where(ScheduleVersion.event_id == eid),
        sa.delete(Resource).where(
            sa.or_(
                Resource.event_id == eid,
                Resource.session_id.in_(session_ids),
                Resource.recording_id.in_(recording_ids),
            )
        ),
        sa.delete(Recording).where(Recording.session_id.in_(session_ids)),
        sa.delete(ReviewScore).where(ReviewScore.review_id.in_(review_ids)),
        sa.delete(Review).where(Review.session_id.in_(session_ids)),
        sa.delete(ReviewCriterion).where(ReviewCriterion.event_id == eid),
        sa.delete(Answer).where(
            sa.or_(
                Answer.question_id.in_(question_ids),
                Answer.session_id.in_(session_ids),
                Answer.speaker_id.in_(speaker_ids),
            )
        ),
        sa.delete(Question).where(Question.event_id == eid),
        sa.delete(CallFormat).where(CallFormat.call_id.in_(call_ids)),
        sa.delete(Call).where(Call.event_id == eid),
        sa.delete(SessionSpeaker).where(SessionSpeaker.session_id.in_(session_ids)),
        sa.delete(Availability).where(Availability.speaker_id.in_(speaker_ids)),
        sa.delete(Session).where(Session.event_id == eid),
        sa.delete(SessionSpeaker).where(SessionSpeaker.speaker_id.in_(speaker_ids)),
        sa.delete(SpeakerProfile).where(SpeakerProfile.event_id == eid),
        sa.delete(Registration).where(Registration.event_id == eid),
        sa.delete(EventRole).where(EventRole.event_id == eid),
        sa.delete(AuditLogEntry).where(AuditLogEntry.event_id == eid),
        sa.update(OutboxMessage).where(OutboxMessage.event_id == eid).values(event_id=None),
        sa.delete(Theme).where(Theme.event_id == eid),
        sa.delete(Room).where(Room.event_id == eid),
        sa.delete(SessionFormat).where(SessionFormat.event_id == eid),
        sa.delete(EventDay).where(EventDay.event_id == eid),
        sa.delete(Event).where(Event.id == eid),
    ]
    for statement in statements:
        db.session.execute(statement, execution_options={"synchronize_session": False})
    db.session.commit()
    return True


# --- the login kept in the instance folder --------------------------------------------------------


def login_text(loaded: DemoLoaded, base_url: str) -> str:
    """The French lines that tell a person how to sign in as the demo organiser."""
    base_url = base_url.rstrip("/")
    return "\n".join(
        [
            "Connexion de l'organisatrice de démonstration :",
            f"  Adresse      : {base_url}/login",
            f"  E-mail       : {loaded.organiser_email}",
            f"  Mot de passe : {loaded.password}",
            f"Compte de relecture : {loaded.reviewer_email} (même mot de passe).",
            f"Événement de démonstration : {base_url}/{DEMO_SLUG}/",
        ]
    )


def save_login(path: Path, text: str) -> None:
    """Keep the login readable by its owner only: the password is generated once and shown once."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    os.chmod(path, 0o600)


# --- builders -------------------------------------------------------------------------------------


def _build_event() -> Event:
    event = Event(
        slug=DEMO_SLUG,
        title=EVENT_TITLE,
        tagline=EVENT_TAGLINE,
        description=EVENT_DESCRIPTION,
        start_date=DAY_1,
        end_date=DAY_2,
        timezone=TZ,
        format=EventFormat.online,
        venue_name="En ligne, par visioconférence",
        organiser_name="Espace Numérique Sud Charente (ENSC)",
        contact_email="contact@nec-sud-charente.example.org",
        is_published=True,
    )
    event.days = [
        EventDay(date=DAY_1, opens_at=time(9, 0), closes_at=time(17, 30), lunch_start=time(12, 30),
                 lunch_end=time(13, 45)),
        EventDay(date=DAY_2, opens_at=time(9, 0), closes_at=time(17, 0), lunch_start=time(12, 30),
                 lunch_end=time(13, 45)),
    ]  # fmt: skip
    event.rooms = [
        Room(name=name, kind=RoomKind.virtual, capacity=capacity, accessibility_notes=notes, position=i)
        for i, (name, capacity, notes) in enumerate(ROOMS)
    ]
    event.themes = [
        Theme(name=name, description=description, colour=colour, position=i)
        for i, (_key, name, description, colour) in enumerate(THEMES)
    ]
    event.formats = [
        SessionFormat(
            kind=kind,
            name=FormatKind._titles()[kind.value],
            description=FORMAT_DESCRIPTIONS[kind],
            default_duration=DEFAULT_DURATIONS[kind],
        )
        for kind in FormatKind
    ]
    return event


def _names(rng: random.Random, count: int) -> list[tuple[str, str, bool]]:
    """Distinct (first name, last name, is_female) triples."""
    everyone = [(f, last, True) for f in FIRST_NAMES_F for last in LAST_NAMES]
    everyone += [(m, last, False) for m in FIRST_NAMES_M for last in LAST_NAMES]
    return rng.sample(everyone, count)


def _of(commune: str) -> str:
    """French "de" before a place name: "d'Angoulême", "de Cognac"."""
    return f"d'{commune}" if commune[0] in "AEIOUÉÈ" else f"de {commune}"


def _email(first: str, last: str, domain: str) -> str:
    return f"{slugify(first)}.{slugify(last)}@{domain}"


def _build_speakers(event: Event, rng: random.Random) -> list[SpeakerProfile]:
    places = [(name, kind, territory) for name, kind, territory, n in SPEAKER_STRUCTURES for _ in range(n)]
    speakers = []
    for i, ((first, last, female), (structure, kind, territory)) in enumerate(
        zip(_names(rng, len(places)), places, strict=True)
    ):
        masculine, feminine = rng.choice(JOB_TITLES[kind])
        title = feminine if female else masculine
        bio = f"{title}, {structure} ({territory}). {rng.choice(BIO_SENTENCES[kind])}"
        speakers.append(
            SpeakerProfile(
                event=event,
                full_name=f"{first} {last}",
                email=_email(first, last, "example.org"),
                structure=structure,
                structure_type=kind,
                territory=territory,
                bio=bio,
                publish_consent=i % 11 != 5,  # a few keep their profile private
            )
        )
    return speakers


def _build_sessions(event, formats, themes, speakers, rng) -> list[Session]:
    """The sessions, and their speakers: everyone speaks once, a few twice, preferably where they fit."""
    roles: list[tuple[int, SpeakerRole]] = []  # (index of the plan, role)
    for p, plan in enumerate(PROGRAMME):
        if plan.kind in (FormatKind.round_table, FormatKind.plenary):
            roles.append((p, SpeakerRole.moderator))
        person_role = {
            FormatKind.round_table: SpeakerRole.panelist,
            FormatKind.workshop: SpeakerRole.facilitator,
        }.get(plan.kind, SpeakerRole.speaker)
        roles += [(p, person_role)] * plan.people

    pool = list(speakers)
    rng.shuffle(pool)
    assigned: list[SpeakerProfile | None] = [None] * len(roles)
    load: dict[int, int] = {id(s): 0 for s in speakers}
    members: dict[int, set[int]] = {p: set() for p in range(len(PROGRAMME))}

    def take(r: int, speaker: SpeakerProfile) -> None:
        assigned[r] = speaker
        load[id(speaker)] += 1
        members[roles[r][0]].add(id(speaker))

    # 0. someone from each of the session's anchor structures; 1. unassigned speakers from a preferred kind
    # of structure, the most demanding sessions first; 2. anyone still unassigned; 3. a second session.
    for p, plan in enumerate(PROGRAMME):
        own = [r for r, (rp, role) in enumerate(roles) if rp == p]
        own.sort(key=lambda r: roles[r][1] == SpeakerRole.moderator)  # anchors speak, others moderate
        for structure in plan.anchors:
            free = next((r for r in own if assigned[r] is None), None)
            match = next((s for s in pool if load[id(s)] == 0 and s.structure == structure), None)
            if free is not None and match is not None:
                take(free, match)
    for r in sorted(range(len(roles)), key=lambda r: (len(PROGRAMME[roles[r][0]].prefer), r)):
        if assigned[r] is None:
            p = roles[r][0]
            match = next((s for s in pool if load[id(s)] == 0 and s.structure_type in PROGRAMME[p].prefer), None)
            if match is not None:
                take(r, match)
    for r in range(len(roles)):
        if assigned[r] is None:
            match = next((s for s in pool if load[id(s)] == 0), None)
            if match is not None:
                take(r, match)
    for r, (p, _role) in enumerate(roles):
        if assigned[r] is None:
            candidates = [s for s in pool if id(s) not in members[p] and load[id(s)] < 2]
            candidates.sort(key=lambda s: (s.structure_type not in PROGRAMME[p].prefer, load[id(s)]))
            take(r, candidates[0])

    sessions = []
    for p, plan in enumerate(PROGRAMME):
        fmt = formats[plan.kind]
        submitted_at = localize(date(2020, 10, 1) + timedelta(days=rng.randrange(50)), time(10, 0), TZ)
        session = Session(
            event=event,
            format=fmt,
            theme=themes[plan.theme],
            title=plan.title,
            summary=plan.summary,
            description=plan.description,
            duration=fmt.default_duration,
            audience=plan.audience,
            level=plan.level,
            language="fr",
            attendance_mode=AttendanceMode.online,
            seat_capacity=plan.seat_capacity,
            needs=plan.needs,
        )
        _set_outcome(session, OUTCOMES.get(plan.title, SessionState.confirmed), submitted_at, p)
        position = 0
        for r, (rp, role) in enumerate(roles):
            if rp != p:
                continue
            recording, replay = _consents(rng)
            session.speakers.append(
                SessionSpeaker(
                    speaker=assigned[r],
                    role=role,
                    position=position,
                    recording_consent=recording,
                    replay_consent=replay,
                    consent_updated_at=(
                        submitted_at + timedelta(days=rng.randrange(1, 30)) if recording is not None else None
                    ),
                )
            )
            position += 1
        sessions.append(session)
    _refuse_a_few_consents(sessions)
    return sessions


def _set_outcome(session: Session, state: SessionState, submitted_at, p: int) -> None:
    """The state the call left this session in, with its dates; plenaries were invited, not proposed."""
    decided_at = localize(*DECIDED_ON, TZ)
    session.state = state
    session.submitted_at = None if session.format.kind == FormatKind.plenary else submitted_at
    if state in (SessionState.accepted, SessionState.rejected, SessionState.confirmed):
        session.decided_at = decided_at
    if state == SessionState.confirmed:
        session.confirmed_at = decided_at + timedelta(days=1 + p % 6, hours=p % 5)


def _build_call(event: Event) -> Call:
    call = Call(
        event=event,
        opens_at=localize(*CALL_OPENS, TZ),
        closes_at=localize(*CALL_CLOSES, TZ),
        introduction=CALL_INTRODUCTION,
        blind_review=False,
        reviews_visible_after_own=True,
    )
    call.formats = [CallFormat(format=f) for f in event.formats if f.kind in CALL_KINDS]
    return call


def _build_questions(event: Event) -> list[Question]:
    """Two questions asked of each proposal and one of each speaker."""
    audience = Question(
        event=event,
        target=QuestionTarget.proposal,
        kind=QuestionKind.choice,
        label="À qui cette session s'adresse-t-elle surtout ?",
        choices=AUDIENCE_CHOICES,
        required=True,
        position=0,
    )
    rehearsal = Question(
        event=event,
        target=QuestionTarget.proposal,
        kind=QuestionKind.yes_no,
        label="Souhaitez-vous un essai technique de la visioconférence avec l'équipe avant la session ?",
        position=1,
    )
    heard = Question(
        event=event,
        target=QuestionTarget.speaker,
        kind=QuestionKind.short_text,
        label="Comment avez-vous connu le Numérique en Communs ?",
        help_text="Une réponse courte nous aide à mieux faire connaître l'événement.",
        position=2,
    )
    return [audience, rehearsal, heard]


def _build_answers(questions: list[Question], sessions: list[Session], speakers: list[SpeakerProfile]) -> None:
    """The answers of the proposals and the speakers (everything is flushed: answers need ids)."""
    audience, rehearsal, heard = questions
    level_choice = {
        Level.beginner: AUDIENCE_CHOICES[0],
        Level.intermediate: AUDIENCE_CHOICES[1],
        Level.advanced: AUDIENCE_CHOICES[1],
    }
    for i, session in enumerate(s for s in sessions if s.submitted_at is not None):
        choice = AUDIENCE_CHOICES[2] if session.audience == "Tout le monde" else level_choice[session.level]
        db.session.add(Answer(question=audience, session_id=session.id, value=choice))
        if i % 3 != 2:  # not required: some left it empty
            db.session.add(Answer(question=rehearsal, session_id=session.id, value=i % 2 == 0))
    for i, speaker in enumerate(speakers):
        if i % 4 != 3:
            db.session.add(Answer(question=heard, speaker_id=speaker.id, value=HEARD_OF_NEC[i % len(HEARD_OF_NEC)]))


def _build_reviews(event: Event, sessions: list[Session], reviewer: User) -> None:
    """The review criteria, and the demo reviewer's reviews of a few proposals (the event is flushed)."""
    criteria = [
        ReviewCriterion(event_id=event.id, name=name, description=description, max_score=top, weight=weight, position=i)
        for i, (name, description, top, weight) in enumerate(CRITERIA)
    ]
    by_title = {s.title: s for s in sessions}
    reviewed_at = localize(date(2020, 11, 25), time(14, 0), TZ)
    for i, (title, scores, comment) in enumerate(REVIEWS):
        review = Review(
            session=by_title[title],
            reviewer=reviewer,
            comment=comment,
            created_at=reviewed_at + timedelta(hours=i),
            updated_at=reviewed_at + timedelta(hours=i),
        )
        review.scores = [
            ReviewScore(criterion=criterion, value=value) for criterion, value in zip(criteria, scores, strict=True)
        ]
        db.session.add(review)
    db.session.add_all(criteria)


def _consents(rng: random.Random) -> tuple[bool | None, bool | None]:
    """Most agree to recording and replay; some have not answered yet (None)."""
    if rng.random() < 0.1:
        return None, None
    return True, True


def _refuse_a_few_consents(sessions: list[Session]) -> None:
    """Two speakers say no: one to any recording, one to the replay only (they accept the recording)."""
    talk = next(s for s in sessions if s.format.kind == FormatKind.talk)
    talk.speakers[0].recording_consent = False
    talk.speakers[0].replay_consent = False
    talk.speakers[0].consent_updated_at = talk.submitted_at + timedelta(days=3)
    round_table = next(s for s in sessions if s.format.kind == FormatKind.round_table)
    round_table.speakers[-1].recording_consent = True
    round_table.speakers[-1].replay_consent = False
    round_table.speakers[-1].consent_updated_at = round_table.submitted_at + timedelta(days=5)


def _build_availabilities(speakers, sessions, rng) -> None:
    """Most speakers are available both days; a few only partly, a few have not said.

    At most one speaker per session has a partial availability, and never in a plenary, so that every
    session keeps a window long enough to be scheduled.
    """
    sessions_of: dict[int, list[Session]] = {id(s): [] for s in speakers}
    for session in sessions:
        for part in session.speakers:
            sessions_of[id(part.speaker)].append(session)
    periods_of = {id(s): FULL_AVAILABILITY for s in speakers}
    eligible = [s for s in speakers if len(own := sessions_of[id(s)]) == 1 and own[0].format.kind != FormatKind.plenary]
    rng.shuffle(eligible)
    constrained_sessions: set[int] = set()
    for speaker in eligible:
        session = sessions_of[id(speaker)][0]
        if len(constrained_sessions) < PARTIAL_SPEAKERS and id(session) not in constrained_sessions:
            periods_of[id(speaker)] = PARTIAL_AVAILABILITIES[len(constrained_sessions) % len(PARTIAL_AVAILABILITIES)]
            constrained_sessions.add(id(session))
    silent = [s for s in eligible if periods_of[id(s)] is FULL_AVAILABILITY][:SILENT_SPEAKERS]
    for speaker in silent:
        periods_of[id(speaker)] = []  # has not said yet
    for speaker in speakers:
        speaker.availabilities = [
            Availability(starts_at=localize(day, start, TZ), ends_at=localize(day, end, TZ))
            for day, start, end in periods_of[id(speaker)]
        ]


def _build_registrations(event, rng) -> list[Registration]:
    people = _names(rng, PARTICIPANTS)
    types = list(PARTICIPANT_TYPE_WEIGHTS)
    weights = list(PARTICIPANT_TYPE_WEIGHTS.values())
    charente = [c for c in COMMUNES if c[1] == "Charente"]
    registrations = []
    emails = set()
    for i, (first, last, _female) in enumerate(people):
        kind = rng.choices(types, weights)[0]
        commune, _department, postcode = rng.choice(charente) if rng.random() < 0.6 else rng.choice(COMMUNES)
        template = rng.choice(PARTICIPANT_STRUCTURES[kind])
        structure = template.format(c=_of(commune), a=rng.choice(ASSOCIATION_NAMES))
        email = _email(first, last, rng.choice(["example.org", "example.net", "example.com"]))
        if email in emails:  # impossible with distinct names, but an address must never repeat
            email = email.replace("@", f".{i}@")
        emails.add(email)
        created_at = localize(
            date(2020, 12, 1) + timedelta(days=rng.randrange(57)), time(rng.randrange(8, 22), rng.randrange(60)), TZ
        )
        registration = Registration(
            event=event,
            email=email,
            full_name=f"{first} {last}",
            structure=structure,
            structure_type=kind,
            commune=commune,
            postcode=postcode,
            department=department_of(postcode),
            attendance=Attendance.online,
            state=RegistrationState.confirmed,
            consent_news=rng.random() < 0.4,
            consent_image=rng.random() < 0.15,
            created_at=created_at,
            confirmed_at=created_at + timedelta(minutes=5),
        )
        if rng.random() < 0.04:
            registration.consent_accessibility = True
            registration.accessibility_needs = rng.choice(ACCESSIBILITY_NEEDS)
        registrations.append(registration)
    registrations.sort(key=lambda r: r.created_at)
    for registration in rng.sample(registrations, CANCELLED_REGISTRATIONS):
        registration.state = RegistrationState.cancelled
        registration.cancelled_at = registration.created_at + timedelta(days=rng.randrange(1, 5))
    return registrations


def _build_seats(registrations, sessions, rng) -> tuple[list[Seat], list[SeatCounter]]:
    """Participants book workshops in the order they registered; a full workshop has a short waiting list."""
    workshops = [s for s in sessions if s.seat_capacity and s.state == SessionState.confirmed]
    weights = [next(p.popularity for p in PROGRAMME if p.title == w.title) for w in workshops]
    booked = {id(w): 0 for w in workshops}
    waiting = {id(w): 0 for w in workshops}
    seats = []
    for registration in registrations:
        if registration.state != RegistrationState.confirmed:
            continue
        wanted = rng.choice([0, 0, 1, 1, 1, 2])
        chosen: list[Session] = []
        while len(chosen) < wanted:
            workshop = rng.choices(workshops, weights)[0]
            if workshop not in chosen:
                chosen.append(workshop)
        for n, workshop in enumerate(chosen):
            created_at = registration.created_at + timedelta(minutes=2 + n)
            ticket = booked[id(workshop)] + waiting[id(workshop)] + 1
            if booked[id(workshop)] < workshop.seat_capacity:
                booked[id(workshop)] += 1
                seats.append(
                    Seat(
                        registration=registration,
                        session=workshop,
                        ticket=ticket,
                        created_at=created_at,
                        booked_at=created_at,
                    )
                )
            elif waiting[id(workshop)] < WAITING_LIST_MAX:
                waiting[id(workshop)] += 1
                seats.append(
                    Seat(
                        registration=registration,
                        session=workshop,
                        state=SeatState.waiting,
                        ticket=ticket,
                        created_at=created_at,
                    )
                )
    counters = [
        SeatCounter(session=w, taken=booked[id(w)], waiting=waiting[id(w)], last_ticket=booked[id(w)] + waiting[id(w)])
        for w in workshops
    ]
    return seats, counters


def _demo_user(email: str, full_name: str, password: str, same_as: User | None = None) -> User:
    """The demo account with this address, created or given the new password (older sessions end)."""
    from nec.accounts.services import hash_password

    password_hash = same_as.password_hash if same_as is not None else hash_password(password)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, full_name=full_name, locale="fr")
        db.session.add(user)
    else:
        user.session_version = (user.session_version or 1) + 1
    user.password_hash = password_hash
    user.is_active_account = True
    user.email_confirmed_at = user.email_confirmed_at or utcnow()  # the demo vouches for its addresses
    return user
