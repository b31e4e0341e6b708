"""The public programme: by day with filters, session pages, speaker pages, the personal agenda."""

from flask import Blueprint

bp = Blueprint("public", __name__)
