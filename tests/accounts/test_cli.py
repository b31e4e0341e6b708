import sqlalchemy as sa

from nec.accounts import services
from nec.accounts.models import EventRole, EventRoleKind, User
from tests.accounts.helpers import PASSWORD


def _user(db, email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_organiser_with_event_and_admin(app, db, make_event):
    event = make_event(slug="nec-test")
    result = app.test_cli_runner().invoke(
        args=[
            "create-organiser", "--email", "Orga@Example.org", "--name", "Dominique Orga",
            "--event", "nec-test", "--admin", "--password", PASSWORD,
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Compte créé : orga@example.org" in result.output
    db.session.expire_all()
    user = _user(db, "orga@example.org")
    assert user.is_admin and user.full_name == "Dominique Orga"
    assert services.authenticate("orga@example.org", PASSWORD) == user
    role = db.session.scalar(sa.select(EventRole).where(EventRole.user_id == user.id))
    assert (role.event_id, role.role) == (event.id, EventRoleKind.organiser)


def test_create_organiser_prompts_for_a_hidden_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-organiser", "--email", "orga@example.org", "--name", "Dominique Orga"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    db.session.expire_all()
    user = _user(db, "orga@example.org")
    assert not user.is_admin
    assert services.authenticate("orga@example.org", PASSWORD) == user


def test_create_organiser_updates_an_existing_account(app, db, make_user, make_event):
    make_user(email="orga@example.org", password="ancien mot de passe long")
    make_event(slug="nec-test")
    args = ["create-organiser", "--email", "orga@example.org", "--name", "Nouveau Nom", "--event", "nec-test"]
    runner = app.test_cli_runner()
    result = runner.invoke(args=[*args, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "Compte mis à jour" in result.output
    assert runner.invoke(args=[*args, "--password", PASSWORD]).exit_code == 0  # twice: still one role
    db.session.expire_all()
    user = _user(db, "orga@example.org")
    assert user.full_name == "Nouveau Nom" and user.session_version == 3
    assert services.authenticate("orga@example.org", PASSWORD) == user
    assert db.session.scalar(sa.select(sa.func.count(EventRole.id))) == 1


def test_create_organiser_refuses_a_short_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["create-organiser", "--email", "orga@example.org", "--name", "Orga", "--password", "court"]
    )
    assert result.exit_code != 0
    assert "au moins 12 caractères" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_create_organiser_unknown_event(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-organiser",
            "--email",
            "o@example.org",
            "--name",
            "O",
            "--event",
            "absent",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code != 0
    assert "Aucun événement" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_create_organiser_confirms_an_unconfirmed_account_and_replaces_its_password(app, db, make_user):
    """The administrator vouches for the address; a password someone chose at sign-up does not survive."""
    make_user(email="orga@example.org", password="le mot de passe d'un inconnu", email_confirmed_at=None)
    result = app.test_cli_runner().invoke(
        args=["create-organiser", "--email", "orga@example.org", "--name", "Orga", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = _user(db, "orga@example.org")
    assert user.email_confirmed_at is not None
    assert services.authenticate("orga@example.org", PASSWORD) == user
    assert services.authenticate("orga@example.org", "le mot de passe d'un inconnu") is None
