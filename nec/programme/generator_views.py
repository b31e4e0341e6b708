"""The organiser's programme generator: weights, time limit, runs, progress and report."""

from flask import Blueprint

bp = Blueprint("generator", __name__)
