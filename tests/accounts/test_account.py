import sqlalchemy as sa

from nec.accounts import services
from nec.accounts.models import EventRoleKind, User
from nec.core.models import AuditLogEntry
from tests.accounts.helpers import PASSWORD, sign_in

NEW_PASSWORD = "un tout nouveau mot de passe"


def test_account_shows_events_and_roles(client, db, make_user, make_event):
    user = make_user(email="camille@example.org")
    event = make_event(title="NEC Sud Charente")
    services.grant_role(event, user, EventRoleKind.reviewer)
    db.session.commit()
    sign_in(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert "camille@example.org" in page
    assert "NEC Sud Charente" in page
    assert "Relecteur ou relectrice" in page


def test_account_profile_update(client, db, make_user):
    user = make_user(full_name="Camille Martin")
    sign_in(client, user)
    response = client.post("/account", data={"full_name": "Camille Durand", "locale": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.full_name, user.locale) == ("Camille Durand", "en")


def test_account_profile_refuses_unknown_language_and_empty_name(client, db, make_user):
    user = make_user(full_name="Camille Martin")
    sign_in(client, user)
    response = client.post("/account", data={"full_name": "", "locale": "de"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Indiquez votre nom." in page
    db.session.expire_all()
    assert db.session.get(User, user.id).full_name == "Camille Martin"


def test_change_password_needs_the_current_one(client, db, make_user):
    user = make_user(email="camille@example.org", password=PASSWORD)
    sign_in(client, user)
    response = client.post(
        "/account/password",
        data={"current_password": "pas le bon du tout", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Le mot de passe actuel est incorrect" in response.get_data(as_text=True)
    assert services.authenticate("camille@example.org", PASSWORD) is not None


def test_change_password_keeps_this_session_and_ends_others(app, client, db, make_user):
    user = make_user(email="camille@example.org", password=PASSWORD)
    other_device = app.test_client()
    sign_in(other_device, user)
    sign_in(client, user)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    assert services.authenticate("camille@example.org", NEW_PASSWORD) is not None
    assert "account.password_changed" in db.session.scalars(sa.select(AuditLogEntry.action)).all()


def test_set_password_without_a_previous_one(client, db, make_user):
    user = make_user(email="invite@example.org")
    sign_in(client, user)
    assert "Choisir un mot de passe" in client.get("/account").get_data(as_text=True)
    response = client.post("/account/password", data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert services.authenticate("invite@example.org", NEW_PASSWORD) is not None


def test_change_password_anonymous_is_sent_to_login(client):
    response = client.post("/account/password", data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
