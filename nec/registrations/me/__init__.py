"""A participant's personal space: their registration, seats, waiting positions, offers and data."""
