"""Imports every model so that the metadata is complete (Alembic, create_all, tests)."""

from nec.accounts.models import EventRole, LoginToken, User  # noqa: F401
from nec.core.models import AuditLogEntry, MailTemplate, OutboxMessage  # noqa: F401
from nec.events.models import Event, EventDay, Room, SessionFormat, Theme  # noqa: F401
from nec.library.models import Recording, Resource  # noqa: F401
from nec.programme.models import Favourite, GeneratorRun, ScheduleVersion, Slot  # noqa: F401
from nec.proposals.models import (  # noqa: F401
    Answer,
    Availability,
    Call,
    CallFormat,
    Question,
    Review,
    ReviewCriterion,
    ReviewScore,
    Session,
    SessionSpeaker,
    SpeakerProfile,
)
from nec.registrations.models import Registration, Seat  # noqa: F401
from nec.visio.models import VisioRoom  # noqa: F401
