"""The `flask` commands. Each is thin: it parses options and calls a module's services."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every command on the application."""
    # Each area adds its commands below, one `app.cli.add_command(...)` per group.
