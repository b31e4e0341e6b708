"""The speaker's side: the public call page and the speaker's area /<ev>/me/..."""
