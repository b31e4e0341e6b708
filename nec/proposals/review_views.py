"""Review and decisions: reviewers score proposals; organisers compare, decide and notify."""

from flask import Blueprint

bp = Blueprint("review", __name__)
