"""The public call page and the speaker's area (/<ev>/me/...): proposals, co-speakers, profile."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)
