"""Slugs: ASCII, lower case, hyphenated; event slugs must not collide with fixed top-level paths."""

from __future__ import annotations

import re
import unicodedata

# Top-level paths that are not events (see DESIGN.md, "Contracts").
RESERVED_SLUGS = frozenset(
    {
        "library",
        "api",
        "hooks",
        "static",
        "healthz",
        "login",
        "logout",
        "account",
        "accounts",
        "admin",
        "manage",
        "me",
        "register",
        "signup",
        "auth",
        "legal",
        "mentions-legales",
        "donnees-personnelles",
        "accessibilite",
        "favicon.ico",
        "robots.txt",
        "events",
        "new",
        "set-language",
        "lang",
        "media",
        "files",
        "uploads",
        "feeds",
        "search",
        "help",
    }
)
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, max_length: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def is_valid_event_slug(slug: str) -> bool:
    return bool(SLUG_PATTERN.match(slug)) and slug not in RESERVED_SLUGS and len(slug) <= 80
