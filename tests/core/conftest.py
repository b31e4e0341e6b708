"""Fixtures of the core tests: they use the root ones (app, client, factories, smtp_server); a fixture
shared by several core test files goes here, one used by a single file stays beside its tests."""
