"""Organiser pages of the call for sessions: dates, formats offered, custom questions, e-mail wordings."""

from flask import Blueprint

bp = Blueprint("call", __name__)
