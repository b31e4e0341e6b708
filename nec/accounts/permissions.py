"""Who may do what: roles per event, checked in every view through these helpers."""

from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from nec.accounts.models import EventRole, EventRoleKind
from nec.events.models import Event
from nec.extensions import db, login


def has_event_role(user, event: Event, *roles: EventRoleKind) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.email_confirmed_at is None:  # a role reaches only the proven owner of the address
        return False
    if user.is_admin:
        return True
    query = sa.select(EventRole.id).where(EventRole.event_id == event.id, EventRole.user_id == user.id)
    if roles:
        query = query.where(EventRole.role.in_(roles))
    return db.session.scalar(query.limit(1)) is not None


def can_manage(user, event: Event) -> bool:
    return has_event_role(user, event, EventRoleKind.organiser)


def require_event_role(*roles: EventRoleKind):
    """Decorator for views under /<ev>/...: needs g.event (set by the events blueprint) and a role."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login.unauthorized()
            if not has_event_role(current_user, g.event, *roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


organiser_required = require_event_role(EventRoleKind.organiser)
