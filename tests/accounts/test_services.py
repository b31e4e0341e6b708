from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from nec.accounts import services
from nec.accounts.models import EventRole, EventRoleKind, LoginToken, LoginTokenPurpose, User
from nec.core.db import utcnow
from nec.core.models import AuditLogEntry
from nec.core.tokens import InvalidLink
from tests.accounts.helpers import PASSWORD


def test_hash_password_uses_argon2id_and_verifies(app, make_user):
    hashed = services.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    user = make_user(password=PASSWORD)
    assert services.verify_password(user, PASSWORD)
    assert not services.verify_password(user, PASSWORD + "x")
    assert not services.verify_password(user, "")


def test_hash_password_uses_the_recommended_parameters_outside_the_test_suite(app, monkeypatch):
    """The suite hashes with the cheapest parameters (PASSWORD_HASH_CHEAP); a real deployment never does."""
    assert app.config["PASSWORD_HASH_CHEAP"] is True
    cheap = services.hash_password(PASSWORD)
    assert PasswordHasher().check_needs_rehash(cheap)
    monkeypatch.delitem(app.config, "PASSWORD_HASH_CHEAP")
    assert not PasswordHasher().check_needs_rehash(services.hash_password(PASSWORD))


def test_verify_password_rehashes_when_parameters_change(app, db, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_CHEAP", False)  # the parameters of a real deployment
    user = make_user()
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    old_hash = user.password_hash
    assert services.verify_password(user, PASSWORD)
    assert user.password_hash != old_hash
    assert not PasswordHasher().check_needs_rehash(user.password_hash)
    assert services.verify_password(user, PASSWORD)


def test_verify_password_without_password_is_false(app, make_user):
    user = make_user()
    assert user.password_hash is None
    assert not services.verify_password(user, PASSWORD)


def test_password_problems_short_password_and_email(app):
    assert services.password_problems(PASSWORD, email="camille@example.org") == []
    short = services.password_problems("court", email="camille@example.org")
    assert len(short) == 1 and "au moins 12 caractères" in short[0]
    same = services.password_problems("Camille.Martin@Example.org", email="camille.martin@example.org")
    assert any("adresse e-mail" in p for p in same)


def test_create_user_lowercases_email_and_hashes(app, db):
    user = services.create_user("  Camille.Martin@Example.ORG ", "Camille Martin", PASSWORD, email_confirmed=True)
    db.session.commit()
    assert user.email == "camille.martin@example.org"
    assert services.authenticate("CAMILLE.martin@example.org", PASSWORD) == user
    assert db.session.scalar(sa.select(AuditLogEntry.action).where(AuditLogEntry.target_id == user.id)) == (
        "account.created"
    )


def test_create_user_duplicate_email_gives_french_error(app, db, make_user):
    make_user(email="camille@example.org")
    with pytest.raises(services.AccountError, match="Un compte existe déjà"):
        services.create_user("Camille@Example.org", "Autre Camille", PASSWORD)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_create_user_weak_password_is_refused(app, db):
    with pytest.raises(services.AccountError, match="au moins 12"):
        services.create_user("camille@example.org", "Camille", "trop court")
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_authenticate_wrong_password_unknown_email_and_inactive(app, make_user):
    make_user(email="camille@example.org", password=PASSWORD)
    make_user(email="parti@example.org", password=PASSWORD, is_active_account=False)
    assert services.authenticate("camille@example.org", "mauvais mot de passe") is None
    assert services.authenticate("personne@example.org", PASSWORD) is None
    assert services.authenticate("parti@example.org", PASSWORD) is None


def test_login_token_stores_only_a_hash(app, db, make_user):
    user = make_user()
    token = services.issue_login_token(user, LoginTokenPurpose.magic_link)
    db.session.commit()
    row = db.session.scalar(sa.select(LoginToken))
    assert len(row.secret_hash) == 64
    assert row.secret_hash not in token
    assert row.expires_at - row.created_at == timedelta(seconds=app.config["NEC_MAGIC_LINK_MAX_AGE"])


def test_consume_login_token_checks_the_database_not_the_loaded_row(app, db, make_user):
    """Another worker used the link after this one loaded it: the conditional UPDATE still refuses."""
    user = make_user()
    token = services.issue_login_token(user, LoginTokenPurpose.magic_link)
    db.session.commit()
    assert services.check_login_token(token, LoginTokenPurpose.magic_link) == user
    with db.engine.begin() as other_worker:
        other_worker.execute(sa.update(LoginToken).values(used_at=utcnow()))
    with pytest.raises(InvalidLink):
        services.consume_login_token(token, LoginTokenPurpose.magic_link)


def test_tampered_token_is_refused_without_any_query(app, db, make_user, count_queries):
    user = make_user()
    token = services.issue_login_token(user, LoginTokenPurpose.magic_link)
    db.session.commit()
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with count_queries() as counter, pytest.raises(InvalidLink, match="pas valide"):
        services.consume_login_token(tampered, LoginTokenPurpose.magic_link)
    assert counter.count == 0
    assert services.consume_login_token(token, LoginTokenPurpose.magic_link) == user


def test_token_of_one_purpose_does_not_serve_another(app, db, make_user):
    user = make_user()
    token = services.issue_login_token(user, LoginTokenPurpose.magic_link)
    db.session.commit()
    with pytest.raises(InvalidLink):
        services.consume_login_token(token, LoginTokenPurpose.password_reset)


def test_grant_role_twice_is_refused(app, db, make_user, make_event):
    event, user = make_event(), make_user()
    services.grant_role(event, user, EventRoleKind.reviewer)
    db.session.commit()
    with pytest.raises(services.RoleAlreadyGranted, match="déjà"):
        services.grant_role(event, user, EventRoleKind.reviewer)
    assert db.session.scalar(sa.select(sa.func.count(EventRole.id))) == 1


def test_revoke_role_refuses_the_last_organiser(app, db, make_user, make_event):
    event, first, second = make_event(), make_user(), make_user()
    role_first = services.grant_role(event, first, EventRoleKind.organiser)
    role_second = services.grant_role(event, second, EventRoleKind.organiser)
    db.session.commit()
    services.revoke_role(role_second, actor=first)
    db.session.commit()
    with pytest.raises(services.AccountError, match="dernier organisateur"):
        services.revoke_role(role_first, actor=first)
    db.session.rollback()
    assert db.session.scalars(sa.select(EventRole.user_id)).all() == [first.id]
    actions = db.session.scalars(sa.select(AuditLogEntry.action).order_by(AuditLogEntry.id)).all()
    assert actions.count("role.granted") == 2
    assert actions.count("role.revoked") == 1


def test_expired_token_is_refused(app, db, make_user):
    user = make_user()
    token = services.issue_login_token(user, LoginTokenPurpose.password_reset)
    db.session.commit()
    row = db.session.scalar(sa.select(LoginToken))
    row.created_at = utcnow() - timedelta(hours=2)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(InvalidLink, match="expiré"):
        services.check_login_token(token, LoginTokenPurpose.password_reset)
    with pytest.raises(InvalidLink, match="expiré"):
        services.consume_login_token(token, LoginTokenPurpose.password_reset)
