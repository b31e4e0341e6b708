import sqlalchemy as sa

from nec.accounts import services
from nec.accounts.models import LoginToken, LoginTokenPurpose, User
from tests.accounts.helpers import PASSWORD, link_in, outbox, sign_in

NEW_PASSWORD = "un tout nouveau mot de passe"


def _reset_link(client, db, email="camille@example.org"):
    client.post("/account/password-reset", data={"email": email})
    return link_in(outbox(db)[-1], "/account/password-reset/")


def test_password_reset_request_queues_a_mail(client, db, make_user):
    make_user(email="camille@example.org", password=PASSWORD)
    response = client.post("/account/password-reset", data={"email": "camille@example.org"})
    assert response.status_code == 200
    assert "choisir un nouveau mot de passe" in response.get_data(as_text=True)
    [message] = outbox(db)
    assert message.template == "password_reset"
    assert message.to_address == "camille@example.org"
    assert db.session.scalar(sa.select(LoginToken.purpose)) is LoginTokenPurpose.password_reset


def test_password_reset_unknown_email_same_answer_and_nothing_created(client, db, make_user):
    make_user(email="camille@example.org", password=PASSWORD)
    known = client.post("/account/password-reset", data={"email": "camille@example.org"}).get_data(as_text=True)
    unknown = client.post("/account/password-reset", data={"email": "inconnu@example.org"}).get_data(as_text=True)
    assert unknown.replace("inconnu@example.org", "camille@example.org") == known
    assert len(outbox(db)) == 1
    assert db.session.scalar(sa.select(sa.func.count(LoginToken.id))) == 1


def test_password_reset_sets_the_password_and_ends_old_sessions(app, client, db, make_user):
    user = make_user(email="camille@example.org", password=PASSWORD)
    other_device = app.test_client()
    sign_in(other_device, user)
    assert other_device.get("/account").status_code == 200

    link = _reset_link(client, db)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this browser is signed in
    assert other_device.get("/account").status_code == 302  # the other session ended

    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.session_version == 2
    assert services.authenticate("camille@example.org", NEW_PASSWORD) == user
    assert services.authenticate("camille@example.org", PASSWORD) is None
    # the link served once
    assert client.post(link, data={"password": PASSWORD, "password_confirm": PASSWORD}).status_code == 400


def test_password_reset_weak_password_keeps_the_link(client, db, make_user):
    make_user(email="camille@example.org", password=PASSWORD)
    link = _reset_link(client, db)
    response = client.post(link, data={"password": "court", "password_confirm": "court"})
    assert response.status_code == 200
    assert "au moins 12 caractères" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(LoginToken.used_at)) is None
    assert client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}).status_code == 302


def test_password_reset_link_cannot_log_in_as_magic_link(client, db, make_user):
    make_user(email="camille@example.org", password=PASSWORD)
    link = _reset_link(client, db)
    token = link.rsplit("/", 1)[1]
    assert client.post(f"/login/link/{token}").status_code == 400
    assert client.get("/account").status_code == 302


def test_password_reset_tampered_link_is_refused(client, db, make_user):
    make_user(email="camille@example.org", password=PASSWORD)
    link = _reset_link(client, db)
    response = client.get(link[:-4] + "abcd")
    assert response.status_code == 400
    assert "Demander un nouveau lien" in response.get_data(as_text=True)
