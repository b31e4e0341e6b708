"""Fixtures of the API tests: they use the root ones (app, client, event factories); add new ones here."""
