"""Fixtures of the personal space's tests: the `reg` event of tests/registrations/conftest.py."""
