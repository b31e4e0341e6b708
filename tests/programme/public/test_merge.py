"""The choices an anonymous visit kept in the browser join the account's "Mon programme" once signed in."""

from __future__ import annotations

import sqlalchemy as sa

from nec.programme.models import Favourite
from tests.programme.public.helpers import build_programme
from tests.support.web import log_in


def favourites_of(db, user) -> set[int]:
    return set(db.session.scalars(sa.select(Favourite.session_id).where(Favourite.user_id == user.id)))


def merge(client, prog, ids: str):
    return client.post(f"/{prog.event.slug}/programme/favourites/merge", data={"ids": ids})


def test_merge_adds_the_device_choices_and_keeps_the_accounts(client, db, make_user, prog):
    user = make_user()
    talk, table, workshop = (prog.sessions[k] for k in ("talk", "table", "workshop"))
    db.session.add(Favourite(user_id=user.id, session_id=talk.id))
    db.session.commit()
    log_in(client, user)
    response = merge(client, prog, f"{table.id},{workshop.id},{talk.id}")
    assert response.status_code == 200
    assert response.get_json() == {"added": 2}
    assert favourites_of(db, user) == {talk.id, table.id, workshop.id}
    assert "2 sessions choisies sur cet appareil ont été ajoutées" in client.get(f"/{prog.event.slug}/").text


def test_merge_twice_changes_nothing_the_second_time(client, db, make_user, prog):
    user = make_user()
    log_in(client, user)
    table = prog.sessions["table"]
    assert merge(client, prog, str(table.id)).get_json() == {"added": 1}
    assert merge(client, prog, str(table.id)).get_json() == {"added": 0}
    assert favourites_of(db, user) == {table.id}


def test_merge_ignores_foreign_unknown_and_hidden_sessions(client, db, make_user, make_event, prog):
    other = build_programme(db, make_event, slug="autre-nec")
    user = make_user()
    log_in(client, user)
    table = prog.sessions["table"]
    hidden = [prog.sessions["cancelled"].id, prog.sessions["draft_only"].id]
    ids = [table.id, other.sessions["talk"].id, 999999, *hidden]
    response = merge(client, prog, ",".join(map(str, ids)) + ",abc,-3,<script>")
    assert response.get_json() == {"added": 1}
    assert favourites_of(db, user) == {table.id}


def test_merge_of_garbage_adds_nothing(client, db, make_user, prog):
    user = make_user()
    log_in(client, user)
    assert merge(client, prog, "x" * 5000).get_json() == {"added": 0}
    assert favourites_of(db, user) == set()


def test_merge_needs_a_signed_in_person(client, db, prog):
    response = merge(client, prog, str(prog.sessions["table"].id))
    assert response.status_code == 401
    assert db.session.scalar(sa.select(sa.func.count(Favourite.id))) == 0


def test_signed_in_pages_load_the_merge_script_with_a_csrf_token(client, make_user, prog):
    assert "agenda-merge.js" not in client.get(f"/{prog.event.slug}/programme/mine").text
    log_in(client, make_user())
    page = client.get(f"/{prog.event.slug}/programme/mine").text
    assert 'src="/static/js/agenda-merge.js" data-csrf="' in page
