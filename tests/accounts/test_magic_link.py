import html
from datetime import timedelta

import sqlalchemy as sa

from nec.accounts.models import LoginToken, LoginTokenPurpose
from nec.core.db import utcnow
from tests.accounts.helpers import link_in, outbox


def _ask_link(client, email, **extra):
    return client.post("/login/link", data={"link-email": email, **extra})


def test_magic_link_request_queues_a_mail_with_the_link(client, db, make_user):
    user = make_user(email="camille@example.org", full_name="Camille Martin")
    response = _ask_link(client, "Camille@Example.org")
    assert response.status_code == 200
    assert "Si un compte existe avec l'adresse camille@example.org" in response.get_data(as_text=True)
    [message] = outbox(db)
    assert message.to_address == "camille@example.org"
    assert message.template == "magic_link"
    assert message.subject == "Votre lien de connexion"
    link = link_in(message, "/login/link/")
    assert link in message.body_html
    assert message.body_text.startswith("Bonjour Camille Martin")
    token = db.session.scalar(sa.select(LoginToken))
    assert token.user_id == user.id and token.purpose is LoginTokenPurpose.magic_link
    assert token.secret_hash not in message.body_text


def test_magic_link_get_shows_a_button_and_does_not_use_the_link(client, db, make_user):
    make_user(email="camille@example.org")
    _ask_link(client, "camille@example.org")
    link = link_in(outbox(db)[0], "/login/link/")
    for _ in range(2):  # a mail scanner opens the link, then the person
        page = client.get(link)
        assert page.status_code == 200
        assert "Se connecter" in page.get_data(as_text=True)
        assert 'method="post"' in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(LoginToken.used_at)) is None
    assert client.get("/account").status_code == 302


def test_magic_link_post_signs_in_once(client, db, make_user):
    user = make_user(email="camille@example.org")
    _ask_link(client, "camille@example.org")
    link = link_in(outbox(db)[0], "/login/link/")
    response = client.post(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # no event yet: the list of events
    assert client.get("/account").status_code == 200
    db.session.expire_all()
    assert db.session.get(type(user), user.id).email_confirmed_at is not None

    client.post("/logout")
    again = client.post(link)
    assert again.status_code == 400
    assert "déjà servi ou a expiré" in again.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    assert client.get(link).status_code == 400


def test_magic_link_keeps_a_local_next(client, db, make_user):
    make_user(email="camille@example.org")
    _ask_link(client, "camille@example.org", **{"link-next": "/account?x=1"})
    link = link_in(outbox(db)[0], "/login/link/")
    assert client.post(link).headers["Location"] == "/account?x=1"


def test_magic_link_expired_is_refused(client, db, make_user):
    make_user(email="camille@example.org")
    _ask_link(client, "camille@example.org")
    link = link_in(outbox(db)[0], "/login/link/")
    row = db.session.scalar(sa.select(LoginToken))
    row.created_at = utcnow() - timedelta(hours=1)
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(link)
    assert response.status_code == 400
    assert "expiré" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_magic_link_tampered_is_refused(client, db, make_user):
    make_user(email="camille@example.org")
    _ask_link(client, "camille@example.org")
    link = link_in(outbox(db)[0], "/login/link/")
    tampered = link[:-3] + ("xyz" if not link.endswith("xyz") else "abc")
    response = client.post(tampered)
    assert response.status_code == 400
    assert "pas valide" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    assert db.session.scalar(sa.select(LoginToken.used_at)) is None


def test_magic_link_unknown_email_same_answer_and_nothing_created(client, db, make_user):
    make_user(email="camille@example.org")
    known = _ask_link(client, "camille@example.org").get_data(as_text=True)
    unknown = _ask_link(client, "personne@example.org").get_data(as_text=True)
    assert unknown.replace("personne@example.org", "camille@example.org") == known
    assert len(outbox(db)) == 1
    assert db.session.scalar(sa.select(sa.func.count(LoginToken.id))) == 1


def test_magic_link_request_with_a_bad_address_explains(client, db):
    response = _ask_link(client, "pas-une-adresse")
    assert response.status_code == 200
    assert "n'est pas valide" in html.unescape(response.get_data(as_text=True))
    assert outbox(db) == []


def test_magic_link_refused_for_a_deactivated_account(client, db, make_user):
    user = make_user(email="camille@example.org")
    _ask_link(client, "camille@example.org")
    link = link_in(outbox(db)[0], "/login/link/")
    user.is_active_account = False
    db.session.commit()
    assert client.post(link).status_code == 400
    assert client.get("/account").status_code == 302
