import html

import pytest
import sqlalchemy as sa

from nec.accounts import services
from nec.accounts.models import EventRole, EventRoleKind, User
from nec.core.models import AuditLogEntry
from tests.accounts.helpers import link_in, outbox, sign_in


@pytest.fixture
def team(db, make_user, make_event):
    event = make_event(title="NEC Sud Charente")
    organiser = make_user(email="orga@example.org", full_name="Dominique Orga")
    reviewer = make_user(email="relecteur@example.org", full_name="Sacha Relecteur")
    stranger = make_user(email="inconnu@example.org", full_name="Alex Inconnu")
    services.grant_role(event, organiser, EventRoleKind.organiser)
    services.grant_role(event, reviewer, EventRoleKind.reviewer)
    db.session.commit()
    return event, organiser, reviewer, stranger


def _roles(db, event):
    return sorted(
        (email, role.value)
        for email, role in db.session.execute(
            sa.select(User.email, EventRole.role).join(EventRole.user).where(EventRole.event_id == event.id)
        )
    )


def test_team_page_organiser_sees_the_team(client, team):
    event, organiser, _, _ = team
    sign_in(client, organiser)
    response = client.get(f"/{event.slug}/manage/team")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dominique Orga" in page and "relecteur@example.org" in page
    assert "Relecteur ou relectrice" in page


def test_team_page_reviewer_and_stranger_are_refused(client, db, team):
    event, _, reviewer, stranger = team
    for person in (reviewer, stranger):
        sign_in(client, person)
        assert client.get(f"/{event.slug}/manage/team").status_code == 403
        assert (
            client.post(f"/{event.slug}/manage/team", data={"email": "x@example.org", "role": "organiser"}).status_code
            == 403
        )
    assert len(_roles(db, event)) == 2


def test_team_page_anonymous_goes_to_login(client, team):
    event = team[0]
    response = client.get(f"/{event.slug}/manage/team")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_team_page_of_an_unpublished_event_is_hidden_from_strangers(client, db, make_user, make_event):
    event = make_event(published=False)
    sign_in(client, make_user())
    assert client.get(f"/{event.slug}/manage/team").status_code == 404


def test_team_add_existing_person_as_reviewer(client, db, team):
    event, organiser, _, stranger = team
    sign_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/team", data={"email": "Inconnu@example.org", "role": "reviewer"})
    assert response.status_code == 302
    assert ("inconnu@example.org", "reviewer") in _roles(db, event)
    [message] = outbox(db)
    assert message.template == "team_invitation" and message.to_address == "inconnu@example.org"
    assert "NEC Sud Charente" in message.body_text
    entry = db.session.scalar(
        sa.select(AuditLogEntry).where(AuditLogEntry.action == "role.granted").order_by(AuditLogEntry.id.desc())
    )
    assert (entry.actor_id, entry.event_id, entry.target_id) == (organiser.id, event.id, stranger.id)
    assert entry.data == {"role": "reviewer", "email": "inconnu@example.org"}


def test_team_add_new_person_creates_account_and_invites_with_a_login_link(app, client, db, team):
    event, organiser, _, _ = team
    sign_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/team",
        data={"email": "nouvelle@example.org", "full_name": "Nora Nouvelle", "role": "organiser"},
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "nouvelle@example.org"))
    assert user.full_name == "Nora Nouvelle" and user.password_hash is None
    assert ("nouvelle@example.org", "organiser") in _roles(db, event)
    [message] = outbox(db)
    link = link_in(message, "/login/link/")

    invited = app.test_client()
    assert invited.post(link).status_code == 302
    assert invited.get(f"/{event.slug}/manage/team").status_code == 200


def test_team_add_twice_explains_and_changes_nothing(client, db, team):
    event, organiser, _, _ = team
    sign_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/team", data={"email": "relecteur@example.org", "role": "reviewer"})
    assert response.status_code == 200
    assert "est déjà relecteur ou relectrice" in response.get_data(as_text=True)
    assert len(_roles(db, event)) == 2
    assert outbox(db) == []


def test_team_add_bad_address_explains(client, db, team):
    event, organiser, _, _ = team
    sign_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/team", data={"email": "pas une adresse", "role": "reviewer"})
    assert response.status_code == 200
    assert "n'est pas valide" in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 3


def test_team_remove_reviewer(client, db, team):
    event, organiser, reviewer, _ = team
    role = db.session.scalar(sa.select(EventRole).where(EventRole.user_id == reviewer.id))
    sign_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/team/{role.id}/remove")
    assert response.status_code == 302
    assert _roles(db, event) == [("orga@example.org", "organiser")]
    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "role.revoked"))
    assert (entry.actor_id, entry.event_id, entry.target_id) == (organiser.id, event.id, reviewer.id)


def test_team_remove_last_organiser_is_refused(client, db, team):
    event, organiser, _, _ = team
    role = db.session.scalar(sa.select(EventRole).where(EventRole.user_id == organiser.id))
    sign_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/team/{role.id}/remove", follow_redirects=True)
    assert response.status_code == 200
    assert "Impossible de retirer le dernier organisateur" in response.get_data(as_text=True)
    assert ("orga@example.org", "organiser") in _roles(db, event)


def test_team_remove_by_reviewer_is_refused(client, db, team):
    event, organiser, reviewer, _ = team
    role = db.session.scalar(sa.select(EventRole).where(EventRole.user_id == organiser.id))
    sign_in(client, reviewer)
    assert client.post(f"/{event.slug}/manage/team/{role.id}/remove").status_code == 403
    assert len(_roles(db, event)) == 2


def test_team_remove_a_role_of_another_event_changes_nothing(client, db, team, make_event, make_user):
    event, organiser, _, _ = team
    other = make_event()
    services.grant_role(other, make_user(), EventRoleKind.organiser)
    services.grant_role(other, make_user(), EventRoleKind.organiser)
    db.session.commit()
    foreign = db.session.scalar(sa.select(EventRole).where(EventRole.event_id == other.id))
    sign_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/team/{foreign.id}/remove")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(EventRole.id)).where(EventRole.event_id == other.id)) == 2
