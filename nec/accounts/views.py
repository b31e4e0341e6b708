"""Sign-up, login (password and magic link), logout, password reset, the account page."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

# Provisional until the accounts work lands: the endpoints base.html links to.
for _endpoint in ("login", "signup", "account"):
    bp.add_url_rule(f"/{_endpoint}", _endpoint, lambda: ("", 501))
bp.add_url_rule("/logout", "logout", lambda: ("", 501), methods=["POST"])
