"""Registering for an event: the form, the "check your mail" page and the confirmation link."""
