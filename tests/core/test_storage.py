"""Files on disk under NEC_STORAGE_PATH: random names, atomic writes, no way out of the folder."""

from __future__ import annotations

import pytest

from nec.core import storage


def test_save_read_and_delete_a_file(app):
    stored = storage.save(b"bonjour", folder="photos", suffix=".jpg")
    assert stored.startswith("photos/") and stored.endswith(".jpg")
    assert storage.exists(stored)
    assert storage.read(stored) == b"bonjour"
    assert storage.path_of(stored).parent.parent == storage.root()
    storage.delete(stored)
    assert not storage.exists(stored)
    storage.delete(stored)  # already gone: not an error
    storage.delete(None)


def test_save_gives_a_new_random_name_each_time(app):
    names = {storage.save(b"x", folder="photos", suffix=".jpg") for _ in range(5)}
    assert len(names) == 5


@pytest.mark.parametrize(
    "stored",
    ["../secret_key", "photos/../../secret_key", "/etc/passwd", "photos/abc.jpg", "photos/" + "0" * 32 + ".jpg/x", ""],
)
def test_paths_that_save_did_not_return_are_refused(app, stored):
    with pytest.raises(storage.StorageError):
        storage.path_of(stored)
    assert storage.exists(stored) is False


@pytest.mark.parametrize(("folder", "suffix"), [("../up", ".jpg"), ("photos", "jpg"), ("photos", ".j/pg")])
def test_save_refuses_odd_folders_and_suffixes(app, folder, suffix):
    with pytest.raises(ValueError):
        storage.save(b"x", folder=folder, suffix=suffix)
