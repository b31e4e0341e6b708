"""Fixtures of the accounts tests: the rate-limited `limited_app` is shared (tests/support/ratelimit.py); helpers
are in tests/accounts/helpers.py."""
