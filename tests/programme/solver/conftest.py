"""The solver works on plain data: its tests need no application and no database.

The instances they build come from `builders.py`, plain helpers rather than fixtures.
"""
