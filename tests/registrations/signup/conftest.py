"""Fixtures of the registration form's tests: the `reg` event of tests/registrations/conftest.py."""
