import sqlalchemy as sa

from nec.accounts.models import User
from tests.accounts.helpers import PASSWORD, sign_in


def test_signup_short_password_and_mismatch_are_explained(client, db):
    response = client.post(
        "/signup",
        data={"full_name": "Camille", "email": "camille@example.org", "password": "court", "password_confirm": "autre"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "au moins 12 caractères" in page
    assert "Les deux mots de passe sont différents" in page
    assert 'aria-describedby="password-hint password-error"' in page
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_signup_refuses_the_email_as_password(client, db):
    response = client.post(
        "/signup",
        data={
            "full_name": "Camille",
            "email": "camille.martin@example.org",
            "password": "camille.martin@example.org",
            "password_confirm": "camille.martin@example.org",
        },
    )
    assert "ne doit pas être votre adresse e-mail" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_login_right_password_signs_in_and_follows_next(client, make_user):
    make_user(email="camille@example.org", password=PASSWORD)
    response = client.post(
        "/login", data={"email": "Camille@example.org", "password": PASSWORD, "next": "/account?onglet=1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account?onglet=1"
    assert client.get("/account").status_code == 200


def test_login_wrong_password_is_refused_in_french(client, make_user):
    make_user(email="camille@example.org", password=PASSWORD)
    response = client.post("/login", data={"email": "camille@example.org", "password": "pas le bon mot de passe"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_login_unknown_email_gives_the_same_answer(client, make_user):
    response = client.post("/login", data={"email": "personne@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.get_data(as_text=True)


def test_login_next_to_another_site_is_ignored(client, make_user):
    make_user(email="camille@example.org", password=PASSWORD)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        client.post("/logout")
        response = client.post("/login", data={"email": "camille@example.org", "password": PASSWORD, "next": target})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target  # no event yet: the list of events


def test_logout_is_post_only(client, make_user):
    user = make_user()
    sign_in(client, user)
    # GET falls through to the /<ev>/ pages (308 to /logout/, then 404), never to a logout.
    assert client.get("/logout", follow_redirects=True).status_code in (404, 405)
    assert client.get("/account").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


def test_account_page_needs_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_page_offers_both_ways(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'for="email"' in page and 'for="link-email"' in page
    assert "Recevoir un lien de connexion par e-mail" in page


def test_signed_in_person_visiting_login_goes_to_the_events(client, make_user):
    sign_in(client, make_user())
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
