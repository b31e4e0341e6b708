"""Direct programming (sessions without a call, speakers without accounts) and import/export."""

from flask import Blueprint

bp = Blueprint("programming", __name__)
