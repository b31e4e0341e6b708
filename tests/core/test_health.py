from nec import create_app
from tests.conftest import TEST_SETTINGS


def test_healthz_answers_ok_without_a_database(tmp_path, monkeypatch):
    monkeypatch.setenv("NEC_INSTANCE_PATH", str(tmp_path))
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "absent" / "x.db")})
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
