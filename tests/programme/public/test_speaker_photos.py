"""Speakers' photos: served publicly only for the speakers the public pages present, at an address that
changes with the photo; shown on the speaker, speakers and session pages; the owner's private preview."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from nec.accounts.models import EventRole, EventRoleKind
from nec.core import storage
from nec.programme.public.cache import page_cache
from nec.proposals.models import SessionSpeaker, SessionState, SpeakerProfile, SpeakerRole
from nec.proposals.speaker import profiles
from tests.programme.public.helpers import build_programme
from tests.proposals.speaker.helpers import png_bytes
from tests.support.web import log_in, log_out, page_text


def give_photos(db, prog) -> None:
    """A photo for every speaker, and Eve, who agreed to publish but only speaks in the cancelled session."""
    eve = SpeakerProfile(
        event=prog.event, full_name="Eve Annulée", email="eve@example.org", bio="Eve.", publish_consent=True
    )
    prog.sessions["cancelled"].speakers.append(SessionSpeaker(speaker=eve, role=SpeakerRole.speaker, position=1))
    prog.speakers["eve"] = eve
    db.session.add(eve)
    for n, profile in enumerate(prog.speakers.values()):
        profiles.set_photo(profile, png_bytes(size=(300, 200), colour=(10 * n, 80, 160)))
    db.session.commit()


@pytest.fixture
def prog(db, make_event):
    prog = build_programme(db, make_event)
    give_photos(db, prog)
    return prog


def photo_url(prog, key: str) -> str:
    profile = prog.speakers[key]
    return f"/{prog.event.slug}/speakers/{profile.id}/photo-{profiles.photo_digest(profile)}.jpg"


def page(prog, path: str) -> str:
    return f"/{prog.event.slug}/{path}"


def img_tags(response) -> list[str]:
    return re.findall(r"<img [^>]*>", response.get_data(as_text=True))


def photo_tag(response, prog, key: str) -> str | None:
    """The <img> of a speaker's photo on the page (None if absent)."""
    return next((tag for tag in img_tags(response) if f'src="{photo_url(prog, key)}"' in tag), None)


def photo_tags(response) -> list[str]:
    return [tag for tag in img_tags(response) if "/photo-" in tag]


def make_organiser(db, make_user, event):
    user = make_user("orga@example.org", full_name="Olga Organise")
    db.session.add(EventRole(event_id=event.id, user_id=user.id, role=EventRoleKind.organiser))
    db.session.commit()
    return user


# --- the public photo ------------------------------------------------------------------------------


def test_photo_served_for_consenting_public_speaker(client, prog):
    response = client.get(photo_url(prog, "alice"))
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.data == storage.read(prog.speakers["alice"].photo_path)
    with Image.open(io.BytesIO(response.data)) as image:
        assert (image.format, image.size) == ("JPEG", (300, 200))
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.get_etag() == (profiles.photo_digest(prog.speakers["alice"]), False)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.content_length == len(response.data)
    assert "Set-Cookie" not in response.headers  # a shared cache keeps it: nothing personal in it


def test_photo_revalidated_with_its_etag_is_not_sent_again(client, prog):
    etag = profiles.photo_digest(prog.speakers["chloe"])
    response = client.get(photo_url(prog, "chloe"), headers={"If-None-Match": f'"{etag}"'})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    other = client.get(photo_url(prog, "chloe"), headers={"If-None-Match": '"autre"'})
    assert other.status_code == 200 and other.data


@pytest.mark.parametrize(
    ("key", "why"),
    [("bruno", "did not agree to publish"), ("denis", "only in the draft"), ("eve", "only in a cancelled session")],
)
def test_photo_not_found_for_speaker_the_public_pages_do_not_present(client, prog, key, why):
    assert client.get(photo_url(prog, key)).status_code == 404, why
    # The pages agree: no speaker page outside the release; without consent, a page with the name alone.
    speaker_page = client.get(page(prog, f"speakers/{prog.speakers[key].id}/"))
    if key == "bruno":
        assert speaker_page.status_code == 200 and photo_tags(speaker_page) == []
    else:
        assert speaker_page.status_code == 404


def test_photo_not_found_once_consent_is_withdrawn(db, client, prog):
    assert client.get(photo_url(prog, "alice")).status_code == 200
    prog.speakers["alice"].publish_consent = False
    db.session.commit()
    assert client.get(photo_url(prog, "alice")).status_code == 404


def test_photo_not_found_once_the_speakers_only_public_session_is_cancelled(db, client, prog):
    assert client.get(photo_url(prog, "chloe")).status_code == 200  # the workshop, released
    prog.sessions["workshop"].state = SessionState.cancelled
    db.session.commit()
    assert client.get(photo_url(prog, "chloe")).status_code == 404


def test_photo_not_found_for_another_events_id(db, client, prog, make_event):
    other = build_programme(db, make_event)
    give_photos(db, other)
    alice_elsewhere = other.speakers["alice"]
    digest = profiles.photo_digest(alice_elsewhere)
    assert client.get(photo_url(other, "alice")).status_code == 200
    assert client.get(f"/{prog.event.slug}/speakers/{alice_elsewhere.id}/photo-{digest}.jpg").status_code == 404


@pytest.mark.parametrize("digest", ["0" * 16, "abc", "../../secret_key", "%2e%2e%2fsecret", ""])
def test_photo_not_found_for_a_wrong_digest(client, prog, digest):
    assert client.get(f"/{prog.event.slug}/speakers/{prog.speakers['alice'].id}/photo-{digest}.jpg").status_code == 404


def test_photo_address_changes_with_the_photo_and_the_old_one_is_gone(db, client, prog):
    alice = prog.speakers["alice"]
    old_url = photo_url(prog, "alice")
    previous = profiles.set_photo(alice, png_bytes(size=(120, 120), colour=(0, 200, 0)))
    db.session.commit()
    storage.delete(previous)
    new_url = photo_url(prog, "alice")
    assert new_url != old_url
    assert client.get(old_url).status_code == 404
    response = client.get(new_url)
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.size == (120, 120)


def test_photo_not_found_once_removed_or_lost(db, client, prog):
    chloe_url = photo_url(prog, "chloe")
    storage.delete(prog.speakers["chloe"].photo_path)  # the file lost on disk: a 404, never a 500
    assert client.get(chloe_url).status_code == 404
    alice_url = photo_url(prog, "alice")
    profiles.remove_photo(prog.speakers["alice"])
    db.session.commit()
    assert client.get(alice_url).status_code == 404


@pytest.mark.parametrize("speaker_id", [0, 999_999, 99_999_999_999_999_999_999])
def test_photo_not_found_for_unknown_speaker(client, prog, speaker_id):
    digest = profiles.photo_digest(prog.speakers["alice"])
    assert client.get(f"/{prog.event.slug}/speakers/{speaker_id}/photo-{digest}.jpg").status_code == 404


def test_photo_not_found_before_the_first_release(db, client, make_event):
    prog = build_programme(db, make_event, released=False)
    give_photos(db, prog)
    assert client.get(photo_url(prog, "alice")).status_code == 404


def test_photo_of_unpublished_event_is_private_to_its_team(db, client, make_event, make_user):
    prog = build_programme(db, make_event, published=False)
    give_photos(db, prog)
    assert client.get(photo_url(prog, "alice")).status_code == 404
    log_in(client, make_organiser(db, make_user, prog.event))
    response = client.get(photo_url(prog, "alice"))
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert client.get(photo_url(prog, "bruno")).status_code == 404  # the team sees what the public will


def test_photo_requests_do_not_load_the_whole_release_each_time(db, client, make_event, count_queries):
    prog = build_programme(db, make_event, extra_sessions=30)
    give_photos(db, prog)
    assert client.get(photo_url(prog, "alice")).status_code == 200  # computes who is public, once
    with count_queries() as counter:
        assert client.get(photo_url(prog, "chloe")).status_code == 200
    # The event, the profile, the release state (release + fingerprint): never the release's slots.
    assert counter.count <= 4, counter.statements
    assert not [s for s in counter.statements if "FROM slots" in s], counter.statements


# --- the public pages -------------------------------------------------------------------------------


def test_speaker_page_shows_the_photo_as_decoration_next_to_the_name(client, prog):
    response = client.get(page(prog, f"speakers/{prog.speakers['alice'].id}/"))
    assert response.status_code == 200
    tag = photo_tag(response, prog, "alice")
    assert tag is not None
    for attribute in ('alt=""', 'width="160"', 'height="160"', 'loading="lazy"'):
        assert attribute in tag
    assert len(photo_tags(response)) == 1


def test_speakers_page_shows_photos_of_public_speakers_only(client, prog):
    response = client.get(page(prog, "speakers/"))
    assert response.status_code == 200
    tags = photo_tags(response)
    assert len(tags) == 2
    for key in ("alice", "chloe"):
        tag = photo_tag(response, prog, key)
        assert tag is not None and 'alt=""' in tag and 'width="96"' in tag and 'height="96"' in tag
    body = response.get_data(as_text=True)
    for key in ("bruno", "denis", "eve"):
        assert profiles.photo_digest(prog.speakers[key]) not in body
        assert f"/speakers/{prog.speakers[key].id}/photo-" not in body


def test_speakers_page_without_a_photo_shows_no_image(db, client, prog):
    profiles.remove_photo(prog.speakers["chloe"])
    db.session.commit()
    response = client.get(page(prog, "speakers/"))
    assert photo_tag(response, prog, "alice") is not None
    assert len(photo_tags(response)) == 1
    assert "Chloé Moreau" in page_text(response)


def test_session_page_shows_photos_of_named_speakers_only(client, prog):
    response = client.get(page(prog, f"sessions/{prog.sessions['table'].id}/"))
    assert response.status_code == 200
    tag = photo_tag(response, prog, "alice")
    assert tag is not None
    for attribute in ('alt=""', 'width="48"', 'height="48"', 'loading="lazy"'):
        assert attribute in tag
    assert len(photo_tags(response)) == 1  # Bruno takes part without a public profile
    assert profiles.photo_digest(prog.speakers["bruno"]) not in response.get_data(as_text=True)


def test_consent_withdrawal_removes_the_photo_from_the_cached_session_page(app, db, client, prog):
    url = page(prog, f"sessions/{prog.sessions['table'].id}/")
    assert photo_tag(client.get(url), prog, "alice") is not None
    cache = page_cache()
    assert photo_tag(app.test_client().get(url), prog, "alice") is not None
    assert cache.hits == 1  # the page really comes from the cache
    prog.speakers["alice"].publish_consent = False
    db.session.commit()
    response = app.test_client().get(url)
    assert response.status_code == 200
    assert photo_tags(response) == []
    assert "Alice Durand" in page_text(response)  # her name stays, without her photo


def test_new_photo_reaches_the_cached_session_page(app, db, client, prog):
    url = page(prog, f"sessions/{prog.sessions['table'].id}/")
    old_url = photo_url(prog, "alice")
    assert old_url in client.get(url).get_data(as_text=True)
    profiles.set_photo(prog.speakers["alice"], png_bytes(size=(50, 50)))
    db.session.commit()
    body = app.test_client().get(url).get_data(as_text=True)
    assert old_url not in body
    assert photo_url(prog, "alice") in body


# --- the owner's private preview ----------------------------------------------------------------------


@pytest.fixture
def owner(db, prog, make_user):
    user = make_user("alice@example.org", full_name="Alice Durand")
    prog.speakers["alice"].user_id = user.id
    db.session.commit()
    return user


def test_private_photo_for_its_owner(client, prog, owner):
    log_in(client, owner)
    response = client.get(page(prog, "me/profile/photo"))
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == storage.read(prog.speakers["alice"].photo_path)
    assert response.headers["Cache-Control"] == "private, no-cache"
    etag = profiles.photo_digest(prog.speakers["alice"])
    assert client.get(page(prog, "me/profile/photo"), headers={"If-None-Match": f'"{etag}"'}).status_code == 304


def test_private_photo_for_an_organiser_even_without_consent(db, client, prog, make_user):
    log_in(client, make_organiser(db, make_user, prog.event))
    response = client.get(page(prog, f"me/profile/photo?speaker={prog.speakers['bruno'].id}"))
    assert response.status_code == 200
    assert response.data == storage.read(prog.speakers["bruno"].photo_path)


def test_private_photo_refused_to_a_stranger_and_an_anonymous_visitor(client, prog, owner, make_user):
    alice_id = prog.speakers["alice"].id
    stranger = make_user("stranger@example.org", full_name="Sam Étranger")
    log_in(client, stranger)
    assert client.get(page(prog, f"me/profile/photo?speaker={alice_id}")).status_code == 403
    assert client.get(page(prog, "me/profile/photo")).status_code == 404  # a stranger has no photo of their own
    log_out(client)
    response = client.get(page(prog, f"me/profile/photo?speaker={alice_id}"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get(page(prog, "me/profile/photo")).status_code == 302


def test_profile_page_shows_the_owner_their_current_photo(client, prog, owner):
    log_in(client, owner)
    response = client.get(page(prog, "me/profile"))
    assert response.status_code == 200
    tags = [tag for tag in img_tags(response) if f'src="/{prog.event.slug}/me/profile/photo"' in tag]
    assert len(tags) == 1 and 'alt="Votre photo actuelle"' in tags[0]


def test_private_photo_of_an_unknown_speaker_is_not_found(db, client, prog, make_user):
    log_in(client, make_organiser(db, make_user, prog.event))
    for speaker_id in (0, 999_999, 99_999_999_999_999_999_999):
        assert client.get(page(prog, f"me/profile/photo?speaker={speaker_id}")).status_code == 404
