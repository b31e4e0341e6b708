"""The mail outbox: actions queue messages in their own transaction; a worker delivers them.

`queue_mail` only adds a row to the current database session: the caller's commit sends it (or its
rollback forgets it), so a mail is never sent for an action that did not happen.
"""

from __future__ import annotations

import uuid

from flask import current_app, render_template

from nec.core.models import OutboxMessage
from nec.extensions import db


def queue_mail(
    to_address: str,
    template: str,
    *,
    subject: str,
    to_name: str = "",
    event=None,
    reply_to: str = "",
    **context,
) -> OutboxMessage:
    """Render templates/mail/<template>.txt and .html with `context` and queue the message."""
    context = {"event": event, "to_name": to_name, "base_url": current_app.config["NEC_BASE_URL"], **context}
    body_text = render_template(f"mail/{template}.txt", **context)
    body_html = render_template(f"mail/{template}.html", subject=subject, **context)
    domain = current_app.config["NEC_MAIL_FROM"].rpartition("@")[2].rstrip(">") or "nec.localhost"
    message = OutboxMessage(
        event_id=getattr(event, "id", None),
        to_address=to_address.strip().lower(),
        to_name=to_name,
        reply_to=reply_to or (getattr(event, "contact_email", "") or ""),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        template=template,
    )
    db.session.add(message)
    return message
