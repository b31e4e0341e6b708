"""The programme's tests share no fixture beyond the root ones (organiser, make_session, make_slot, ...).

The event most of them build is a plain helper, `tests.programme.small_event.small_event`; each feature's
fixtures live in its own folder's conftest.py (`solver/`, `generator/`, ...).
"""
