"""Sign-up proves the address before the account holds anything (issue 9, findings 1 and 6).

Anyone may type any address when signing up. The account stays unconfirmed, signs nobody in and
receives no role until a link mailed to the address is followed; a link followed by the address owner
on an account someone else created drops that person's password. Sign-up answers the same whether or
not the address has an account.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nec.accounts import services
from nec.accounts.models import EventRoleKind, LoginToken, User
from nec.core.db import utcnow
from nec.core.models import AuditLogEntry
from tests.accounts.helpers import PASSWORD, link_in, outbox, sign_in
from tests.support.web import page_text

ATTACKER_PASSWORD = "le mot de passe de l'usurpateur"


def _sign_up(client, email="camille@example.org", password=PASSWORD, **extra):
    data = {"full_name": "Camille Martin", "email": email, "password": password, "password_confirm": password}
    return client.post("/signup", data={**data, **extra})


def _user(db, email) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def _mails(db, template):
    return [m for m in outbox(db) if m.template == template]


def _actions(db, user) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditLogEntry.action).where(AuditLogEntry.target_id == user.id).order_by(AuditLogEntry.id)
        )
    )


def _without_csrf(page: str) -> str:
    """A page without its CSRF tokens, which differ from one browser session to another."""
    return re.sub(r"<input[^>]*csrf_token[^>]*>", "", page)


def _password_login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


# --- sign-up and its confirmation ------------------------------------------------------------------


def test_signup_does_not_sign_in_and_mails_a_confirmation_link(client, db):
    response = _sign_up(client, email=" Camille@Example.org")
    assert response.status_code == 200
    page = page_text(response)
    assert "Consultez votre messagerie" in page and "camille@example.org" in page
    assert client.get("/account").status_code == 302  # not signed in
    user = _user(db, "camille@example.org")
    assert user.email_confirmed_at is None and user.password_hash.startswith("$argon2id$")
    [message] = outbox(db)
    assert message.template == "signup_confirmation" and message.to_address == "camille@example.org"
    assert message.subject == "Confirmez votre adresse e-mail"
    assert link_in(message, "/signup/confirm/") in message.body_html


def test_signup_confirmation_link_with_the_password_confirms_keeps_it_and_signs_in(client, db):
    _sign_up(client, next="/account?onglet=1")
    link = link_in(outbox(db)[0], "/signup/confirm/")
    assert "next=" in link
    page = client.get(link)
    assert page.status_code == 200 and "tapez le mot de passe choisi" in page_text(page)
    assert db.session.scalar(sa.select(LoginToken.used_at)) is None  # opening the link uses nothing up

    response = client.post(link, data={"password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/account?onglet=1"
    assert client.get("/account").status_code == 200
    user = _user(db, "camille@example.org")
    assert user.email_confirmed_at is not None and services.verify_password(user, PASSWORD)
    assert "account.email_confirmed" in _actions(db, user)

    client.post("/logout")
    assert client.post(link, data={"password": PASSWORD}).status_code == 400  # single use
    assert _password_login(client, "camille@example.org", PASSWORD).headers["Location"] == "/"


def test_signup_confirmation_link_with_a_wrong_password_confirms_nothing(client, db):
    _sign_up(client)
    link = link_in(outbox(db)[0], "/signup/confirm/")
    response = client.post(link, data={"password": "pas le bon mot de passe"})
    assert response.status_code == 400
    assert "Ce n'est pas le mot de passe choisi à la création du compte" in page_text(response)
    assert _user(db, "camille@example.org").email_confirmed_at is None
    assert db.session.scalar(sa.select(LoginToken.used_at)) is None
    assert client.get("/account").status_code == 302


def test_password_login_to_an_unconfirmed_account_is_refused_and_resends_the_link(client, db):
    _sign_up(client)
    wrong = _password_login(client, "camille@example.org", "pas le bon mot de passe")
    assert "pas encore confirmée" not in page_text(wrong)  # only the password's owner learns it

    response = _password_login(client, "camille@example.org", PASSWORD)
    assert response.status_code == 200
    assert "Votre adresse e-mail n'est pas encore confirmée" in page_text(response)
    assert client.get("/account").status_code == 302
    assert len(_mails(db, "signup_confirmation")) == 1  # a link was mailed a moment ago: not again

    db.session.execute(sa.update(LoginToken).values(created_at=utcnow() - timedelta(minutes=6)))
    db.session.commit()
    _password_login(client, "camille@example.org", PASSWORD)
    assert len(_mails(db, "signup_confirmation")) == 2
    link = link_in(_mails(db, "signup_confirmation")[-1], "/signup/confirm/")
    assert client.post(link, data={"password": PASSWORD}).status_code == 302


def test_a_session_of_an_unconfirmed_account_signs_nobody_in(client, db, make_user):
    user = make_user("camille@example.org", email_confirmed_at=None)
    sign_in(client, user)
    assert client.get("/account").status_code == 302


# --- the address owner takes the account back ------------------------------------------------------


def _hijacker_signs_up(client, db, email):
    """Someone signs up with an address they do not own."""
    _sign_up(client, email=email, password=ATTACKER_PASSWORD)
    return _user(db, email)


@pytest.mark.parametrize("via", ["login_link", "password_reset", "signup_mail_without_password"])
def test_a_link_followed_on_an_unconfirmed_account_drops_the_password_chosen_before(app, client, db, via):
    account = _hijacker_signs_up(client, db, "victime@example.org")
    owner = app.test_client()
    if via == "login_link":
        owner.post("/login/link", data={"link-email": "victime@example.org"})
        link = link_in(_mails(db, "magic_link")[-1], "/login/link/")
        page = page_text(owner.get(link))
        assert "le mot de passe choisi à la création du compte sera effacé" in page
        assert owner.post(link).status_code == 302
    elif via == "password_reset":
        owner.post("/account/password-reset", data={"email": "victime@example.org"})
        link = link_in(_mails(db, "password_reset")[-1], "/account/password-reset/")
        data = {
            "password": "le mot de passe du vrai titulaire",
            "password_confirm": "le mot de passe du vrai titulaire",
        }
        assert owner.post(link, data=data).status_code == 302
    else:  # the sign-up mail reached the owner, who did not create the account: "continue without"
        confirm = link_in(_mails(db, "signup_confirmation")[-1], "/signup/confirm/")
        page = page_text(owner.get(confirm))
        [link] = re.findall(r'href="(/login/link/[^"]+)"', page)
        assert owner.post(link).status_code == 302
    assert owner.get("/account").status_code == 200

    account = _user(db, "victime@example.org")
    assert account.email_confirmed_at is not None
    assert not services.verify_password(account, ATTACKER_PASSWORD)
    assert _password_login(client, "victime@example.org", ATTACKER_PASSWORD).status_code == 200
    assert client.get("/account").status_code == 302
    actions = _actions(db, account)
    assert "account.unproven_password_dropped" in actions and "account.email_confirmed" in actions


def test_a_team_role_for_an_unconfirmed_account_reaches_only_the_address_owner(app, client, db, make_user, make_event):
    event = make_event(title="NEC Sud Charente")
    organiser = make_user("orga@example.org", full_name="Dominique Orga")
    services.grant_role(event, organiser, EventRoleKind.organiser)
    db.session.commit()
    hijacker = app.test_client()
    _hijacker_signs_up(hijacker, db, "new.colleague@example.com")

    sign_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/team", data={"email": "new.colleague@example.com", "role": "organiser"}
    )
    assert response.status_code == 302
    # The one who signed up cannot sign in, so the role does not reach them.
    _password_login(hijacker, "new.colleague@example.com", ATTACKER_PASSWORD)
    assert hijacker.get(f"/{event.slug}/manage/").status_code == 302
    account = _user(db, "new.colleague@example.com")
    sign_in(hijacker, account)  # even a forged session of the unconfirmed account holds no role
    assert hijacker.get(f"/{event.slug}/manage/").status_code == 302

    # The invitation mailed to the address carries a link that proves it.
    [invitation] = _mails(db, "team_invitation")
    assert "n'a jamais été confirmée" in invitation.body_text
    link = link_in(invitation, "/login/link/")
    colleague = app.test_client()
    assert colleague.post(link).status_code == 302
    assert colleague.get(f"/{event.slug}/manage/").status_code == 200
    account = _user(db, "new.colleague@example.com")
    assert account.email_confirmed_at is not None and account.password_hash is None
    assert _password_login(hijacker, "new.colleague@example.com", ATTACKER_PASSWORD).status_code == 200
    assert hijacker.get(f"/{event.slug}/manage/").status_code == 302


# --- sign-up with an address that has an account (finding 6) ----------------------------------------


def test_signup_with_an_existing_address_answers_the_same_and_mails_the_owner(app, client, db, make_user):
    owner = make_user("camille@example.org", full_name="Camille Titulaire", password=PASSWORD)
    new = _sign_up(app.test_client(), email="dominique@example.org", password="un tout autre mot de passe")
    taken = _sign_up(client, email="CAMILLE@example.org", password="un tout autre mot de passe")
    assert taken.status_code == new.status_code == 200
    assert _without_csrf(page_text(taken)).replace("camille@example.org", "X") == _without_csrf(page_text(new)).replace(
        "dominique@example.org", "X"
    )
    assert "existe déjà" not in page_text(taken)

    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == "camille@example.org")) == 1
    account = _user(db, "camille@example.org")
    assert account.full_name == "Camille Titulaire" and services.verify_password(account, PASSWORD)
    [mail] = _mails(db, "account_exists")
    assert mail.to_address == "camille@example.org"
    assert mail.subject == "Quelqu'un a voulu créer un compte avec votre adresse"
    assert "Vous avez déjà un compte : rien n'a été changé." in mail.body_text
    assert link_in(mail, "/login") and link_in(mail, "/account/password-reset")
    assert [m.to_address for m in _mails(db, "signup_confirmation")] == ["dominique@example.org"]
    assert "account.signup_attempted" in _actions(db, owner)


def test_account_exists_mail_follows_the_owner_language(client, db, make_user):
    make_user("camille@example.org", locale="en")
    _sign_up(client)
    [mail] = _mails(db, "account_exists")
    assert mail.subject == "Someone tried to create an account with your address"
    assert "You already have an account: nothing was changed." in mail.body_text
