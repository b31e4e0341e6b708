"""The public programme and its exports (frab XML and JSON, iCalendar)."""

from flask import Blueprint

bp = Blueprint("programme", __name__)
