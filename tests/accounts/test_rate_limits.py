import sqlalchemy as sa

from nec.core.models import OutboxMessage


def test_login_rate_limit_answers_429_in_french(limited_app, make_user):
    client = limited_app.test_client()
    for _ in range(10):
        response = client.post("/login", data={"email": "camille@example.org", "password": "pas le bon mot"})
        assert response.status_code == 200
    response = client.post("/login", data={"email": "camille@example.org", "password": "pas le bon mot"})
    assert response.status_code == 429
    assert "Trop de demandes en peu de temps" in response.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the page is not limited


def test_magic_link_rate_limit_per_email_address(limited_app, db, make_user):
    make_user(email="camille@example.org")
    client = limited_app.test_client()
    for _ in range(5):
        assert client.post("/login/link", data={"link-email": "camille@example.org"}).status_code == 200
    assert client.post("/login/link", data={"link-email": "Camille@example.org"}).status_code == 429
    # another address from the same place still gets its answer (the per-address limit is reached first)
    assert client.post("/login/link", data={"link-email": "autre@example.org"}).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 5


def test_rate_limits_are_off_in_the_ordinary_test_app(client):
    for _ in range(12):
        assert client.post("/login", data={"email": "x@example.org", "password": "pas le bon mot"}).status_code == 200
