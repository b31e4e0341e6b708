"""Accounts: passwords, sign-up, login links sent by e-mail, password reset and roles per event.

Plain functions that add to db.session and never commit: the caller (a view, a command) commits once.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2 import profiles as argon2_profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from nec.accounts.models import EventRole, EventRoleKind, LoginToken, LoginTokenPurpose, User
from nec.core import hooks
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.errors import UserError
from nec.core.i18n import lazy_gettext as _l
from nec.core.links import external_url
from nec.core.mail import DEFAULT_MAIL_LOCALE, queue_mail
from nec.core.tokens import InvalidLink, sign, unsign
from nec.events.models import Event
from nec.extensions import db

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 256  # hashing a megabyte-long "password" would be a cheap denial of service
# A team invitation is read later than a login link asked for a minute ago: it lives longer.

# argon2id with the library's current recommended parameters. The test suite alone sets the Flask
# setting PASSWORD_HASH_CHEAP (not an NEC_ variable: no deployment can turn it on by its environment),
# for the cheapest parameters: thousands of test accounts, the same code path.
_HASHERS = {False: PasswordHasher(), True: PasswordHasher.from_parameters(argon2_profiles.CHEAPEST)}


def _hasher() -> PasswordHasher:
    return _HASHERS[bool(has_app_context() and current_app.config.get("PASSWORD_HASH_CHEAP"))]


class AccountError(UserError):
    """Something the person can fix; the message is in French and says what to do."""


class RoleAlreadyGranted(AccountError):
    pass


class EmailTaken(AccountError):
    """An account already has this address (said to organisers and the CLI, never to a stranger)."""


class UnconfirmedAccount(AccountError):
    """The right password, for an account whose address was never proven by a link."""


# --- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher().hash(password)


_DUMMY_HASHES: dict[int, str] = {}


def _dummy_verify(password: str) -> None:
    """Spend the time of a real check, so that unknown addresses answer as slowly as known ones."""
    hasher = _hasher()
    dummy = _DUMMY_HASHES.get(id(hasher))
    if dummy is None:
        dummy = _DUMMY_HASHES[id(hasher)] = hasher.hash(secrets.token_urlsafe(16))
    with contextlib.suppress(VerificationError):
        hasher.verify(dummy, password)


def verify_password(user: User, password: str) -> bool:
    """Check a password; on success, upgrade the stored hash if the hashing parameters changed."""
    if not user.password_hash or not password or len(password) > PASSWORD_MAX_LENGTH:
        _dummy_verify(password[:PASSWORD_MAX_LENGTH] if password else "x")
        return False
    try:
        _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    return True


def password_problems(password: str, *, email: str = "") -> list[str]:
    """The rules a new password breaks, as French sentences (empty list: the password is fine)."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(
            _(
                "Le mot de passe doit contenir au moins %(n)d caractères. "
                "Une phrase de plusieurs mots est facile à retenir.",
                n=PASSWORD_MIN_LENGTH,
            )
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append(_("Le mot de passe doit contenir au plus %(n)d caractères.", n=PASSWORD_MAX_LENGTH))
    if email and password.strip().lower() == email.strip().lower():
        problems.append(_("Le mot de passe ne doit pas être votre adresse e-mail. Choisissez autre chose."))
    return problems


def end_every_session(user: User) -> None:
    """End every session and "remember me" cookie of this person, on every server: they all carry
    `session_version` (User.get_id), which the user loader compares with the database."""
    user.session_version = (user.session_version or 1) + 1


def end_calendar_links(user: User) -> None:
    """End every calendar subscription link of this person ("Mon programme"): they carry
    `calendar_version`, which logging out leaves alone so that a calendar app keeps polling."""
    user.calendar_version = (user.calendar_version or 1) + 1


def set_password(user: User, password: str) -> None:
    """Store a new password and end every other session of this person."""
    problems = password_problems(password, email=user.email)
    if problems:
        raise AccountError(" ".join(problems))
    user.password_hash = hash_password(password)
    end_every_session(user)
    end_calendar_links(user)  # a stolen account's calendar links die too


def change_password(user: User, current_password: str | None, new_password: str) -> None:
    """Change the password of a signed-in person; the current one is needed if there is one."""
    if user.password_hash and not verify_password(user, current_password or ""):
        raise AccountError(_("Le mot de passe actuel est incorrect. Vérifiez-le et réessayez."))
    set_password(user, new_password)
    log_action("account.password_changed", actor=user, target=user)


# --- accounts ----------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def get_user_by_email(email: str) -> User | None:
    email = normalise_email(email)
    if not email:
        return None
    return db.session.scalar(sa.select(User).where(User.email == email))


def mail_locales(recipients: Iterable[tuple[str, int | None]]) -> dict[str, str]:
    """The language to write in to each (address, account id or None), keyed by normalised address.

    The account's language (found by its id when known, else by the address), else the event's: French.
    One query however many recipients, so that a release mailing 250 speakers stays cheap.
    """
    pairs = [(normalise_email(address), user_id) for address, user_id in recipients]
    ids = {user_id for _address, user_id in pairs if user_id is not None}
    addresses = {address for address, _user_id in pairs if address}
    by_id: dict[int, str] = {}
    by_address: dict[str, str] = {}
    if ids or addresses:
        rows = db.session.execute(
            sa.select(User.id, User.email, User.locale).where(sa.or_(User.id.in_(ids), User.email.in_(addresses)))
        )
        for user_id, address, locale in rows:
            by_id[user_id] = by_address[address] = locale
    return {address: by_id.get(user_id) or by_address.get(address) or DEFAULT_MAIL_LOCALE for address, user_id in pairs}


def mail_locale(address: str, user_id: int | None = None) -> str:
    """The language to write in to one address (see `mail_locales`)."""
    return mail_locales([(address, user_id)])[normalise_email(address)]


def create_user(
    email: str,
    full_name: str,
    password: str | None = None,
    *,
    locale: str = "fr",
    is_admin: bool = False,
    email_confirmed: bool = False,
    actor: User | None = None,
) -> User:
    """A new account; without a password the person signs in with links sent by e-mail.

    `email_confirmed` only when the address is proven right now (a link followed, an administrator
    vouching): an unconfirmed account cannot sign in nor receive a role or a speaker profile.
    """
    email = normalise_email(email)
    full_name = (full_name or "").strip()
    if "@" not in email.strip("@"):
        raise AccountError(_("Cette adresse e-mail n'est pas valide. Vérifiez-la, par exemple nom@exemple.fr."))
    if not full_name:
        raise AccountError(_("Indiquez votre nom."))
    if password is not None:
        problems = password_problems(password, email=email)
        if problems:
            raise AccountError(" ".join(problems))
    duplicate = _("Un compte existe déjà avec cette adresse e-mail. Connectez-vous, ou demandez un lien de connexion.")
    if get_user_by_email(email) is not None:
        raise EmailTaken(duplicate)
    user = User(
        email=email,
        full_name=full_name,
        locale=locale if locale in ("fr", "en") else "fr",
        is_admin=is_admin,
        password_hash=hash_password(password) if password is not None else None,
        email_confirmed_at=utcnow() if email_confirmed else None,
    )
    try:
        with db.session.begin_nested():  # another worker may create the same address right now
            db.session.add(user)
    except IntegrityError:
        raise EmailTaken(duplicate) from None
    log_action("account.created", actor=actor or user, target=user)
    return user


def sign_up(email: str, full_name: str, password: str, *, locale: str = "fr", next_url: str | None = None) -> None:
    """Sign-up: an unconfirmed account and the mail with the link that confirms it.

    When the address already has an account, its owner is mailed instead (someone tried to create an
    account with their address) and nothing else changes: the caller answers the same either way, so
    that nobody learns who has an account. Raises AccountError only for what the form itself shows.
    """
    existing = get_user_by_email(email)
    if existing is None:
        try:
            user = create_user(email, full_name, password, locale=locale)
        except EmailTaken:  # created by another request in the meantime
            existing = get_user_by_email(email)
        else:
            send_signup_confirmation(user, next_url=next_url)
            return
    hash_password(password)  # the time of a real sign-up: the answer's delay tells nothing either
    if existing is None or not existing.is_active_account:
        return
    log_action("account.signup_attempted", target=existing)
    queue_mail(
        existing.email,
        "account_exists",
        subject=_l("Quelqu'un a voulu créer un compte avec votre adresse"),
        to_name=existing.full_name,
        locale=existing.locale,
        login_url=external_url("accounts.login"),
        reset_url=external_url("accounts.password_reset_request"),
    )


def send_signup_confirmation(user: User, *, next_url: str | None = None) -> None:
    """Mail the link that confirms a new account's address (single use, like a login link)."""
    max_age = current_app.config["NEC_SIGNUP_CONFIRMATION_MAX_AGE"]
    _mail_link(
        user,
        "signup_confirmation",
        "accounts.confirm_signup",
        subject=_l("Confirmez votre adresse e-mail"),
        max_age=max_age,
        next_url=next_url,
        hours=max(1, round(max_age / 3600)),
    )


def _mail_link(user: User, template: str, endpoint: str, *, subject, max_age: int, next_url: str | None, **context):
    """Queue a mail carrying a new single-use link (purpose magic_link) to `endpoint`, in the person's language."""
    token = issue_login_token(user, LoginTokenPurpose.magic_link, max_age=max_age)
    values = {"token": token, **({"next": next_url} if next_url else {})}
    queue_mail(
        user.email,
        template,
        subject=subject,
        to_name=user.full_name,
        locale=user.locale,
        url=external_url(endpoint, **values),
        **context,
    )


# A password login to an unconfirmed account mails the confirmation link again, at most this often.
RESEND_CONFIRMATION_AFTER = timedelta(minutes=5)


def resend_signup_confirmation(user: User) -> None:
    """Mail the confirmation link again, unless a link was mailed to this account a moment ago."""
    recent = db.session.scalar(
        sa.select(LoginToken.id)
        .where(
            LoginToken.user_id == user.id,
            LoginToken.purpose == LoginTokenPurpose.magic_link,
            LoginToken.used_at.is_(None),
            LoginToken.created_at > utcnow() - RESEND_CONFIRMATION_AFTER,
        )
        .limit(1)
    )
    if recent is None:
        send_signup_confirmation(user)


def confirm_signup(token: str, password: str) -> User:
    """The sign-up's link followed, with the password chosen at sign-up: the account is confirmed and
    keeps its password. The password is asked because the link alone proves only the mailbox: whoever
    receives the mail of an account someone else created must not confirm that stranger's password."""
    user = check_login_token(token, LoginTokenPurpose.magic_link)
    if not verify_password(user, password or ""):
        raise AccountError(
            _(
                "Ce n'est pas le mot de passe choisi à la création du compte. Retapez-le, ou continuez sans "
                "mot de passe avec le bouton plus bas."
            )
        )
    consume_login_token(token, LoginTokenPurpose.magic_link)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        log_action("account.email_confirmed", actor=user, target=user, via="signup")
    record_login(user)
    return user


def prove_address(user: User, *, via: str, actor: User | None) -> None:
    """A link mailed to the account's address was followed (or an administrator vouches for it).

    On an account whose address nobody had proven, the password was chosen by whoever signed up, who
    may not own the address: it is dropped and every session ends, so the account is now the address
    owner's alone. `via` says which proof, for the audit log; `actor` is the person (None: the CLI).
    """
    if user.email_confirmed_at is not None:
        return
    user.email_confirmed_at = utcnow()
    if user.password_hash is not None:
        user.password_hash = None
        end_calendar_links(user)  # links made by whoever chose it die
        log_action("account.unproven_password_dropped", actor=actor, target=user, via=via)
    end_every_session(user)
    log_action("account.email_confirmed", actor=actor, target=user, via=via)


def authenticate(email: str, password: str) -> User | None:
    """The active account with this address and password, or None (and as slowly either way).

    Raises UnconfirmedAccount (and mails the confirmation link again) when the password is right but
    the address was never proven: only someone who knows the password learns it.
    """
    user = get_user_by_email(email)
    if user is None:
        _dummy_verify(password[:PASSWORD_MAX_LENGTH] if password else "x")
        return None
    if not verify_password(user, password) or not user.is_active_account:
        return None
    if user.email_confirmed_at is None:
        resend_signup_confirmation(user)
        raise UnconfirmedAccount(
            _(
                "Votre adresse e-mail n'est pas encore confirmée. Ouvrez le lien de confirmation que nous "
                "vous avons envoyé à %(email)s (regardez aussi dans les courriers indésirables), puis "
                "connectez-vous.",
                email=user.email,
            )
        )
    return user


def link_may_sign_in(user: User) -> bool:
    """Whether a link that proves only an invitation (a co-speaker's, a profile claim) may also sign
    its account in: never an account with a password, a role or administration rights, which a
    forwarded or leaked invitation must not open. Those people sign in as usual."""
    if user.password_hash is not None or user.is_admin or not user.is_active_account:
        return False
    return db.session.scalar(sa.select(EventRole.id).where(EventRole.user_id == user.id).limit(1)) is None


def log_out(user: User) -> None:
    """Logout ends every session of the person, on every device, and their "remember me" cookies."""
    end_every_session(user)


def record_login(user: User) -> None:
    user.last_login_at = utcnow()


def sign_in(email: str, password: str) -> tuple[User | None, str | None]:
    """authenticate() then record_login(): (the user, None), (None, None) for wrong credentials, or
    (None, why) for an unconfirmed account, whose confirmation link mailed again is kept (not raised)."""
    try:
        user = authenticate(email, password)
    except UnconfirmedAccount as exc:
        return None, exc.message
    if user is not None:
        record_login(user)  # also keeps a rehashed password
    return user, None


def update_profile(user: User, *, full_name: str, locale: str) -> None:
    full_name = (full_name or "").strip()
    if not full_name:
        raise AccountError(_("Indiquez votre nom."))
    if locale not in ("fr", "en"):
        raise AccountError(_("Choisissez le français ou l'anglais."))
    user.full_name = full_name
    user.locale = locale


def roles_of(user: User) -> list[EventRole]:
    """The person's roles, with their events, the most recent events first."""
    return list(
        db.session.scalars(
            sa.select(EventRole)
            .join(EventRole.event)
            .where(EventRole.user_id == user.id)
            .options(contains_eager(EventRole.event))
            .order_by(Event.start_date.desc(), Event.id, EventRole.role)
        )
    )


def landing_event(user: User) -> tuple[Event, bool] | None:
    """The event a person lands on after signing in when no page asked for one, and whether they
    organise it: an event they organise comes first (its dashboard is where their day starts), then one
    they take part in (speaker, personal agenda ...). Among several, the next one to come, else the
    latest past one. None for a person with no event yet."""
    organised = {role.event_id for role in user.roles if role.role == EventRoleKind.organiser}
    candidates = organised or (hooks.person_event_ids(user) | {role.event_id for role in user.roles})
    if not candidates:
        return None
    events = db.session.scalars(sa.select(Event).where(Event.id.in_(candidates))).all()
    if not events:
        return None
    today = utcnow().date()
    coming = [event for event in events if event.end_date >= today]
    if coming:
        chosen = min(coming, key=lambda e: (e.start_date, e.id))
    else:
        chosen = max(events, key=lambda e: (e.end_date, e.id))
    return chosen, chosen.id in organised


# --- links sent by e-mail ----------------------------------------------------------------------


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _signature_max_age(purpose: LoginTokenPurpose) -> int:
    """An upper bound for the signature; the exact expiry is the token row's expires_at."""
    config = current_app.config
    if purpose is LoginTokenPurpose.password_reset:
        return config["NEC_PASSWORD_RESET_MAX_AGE"]
    ages = ("NEC_MAGIC_LINK_MAX_AGE", "NEC_TEAM_INVITATION_MAX_AGE", "NEC_SIGNUP_CONFIRMATION_MAX_AGE")
    return max(config[name] for name in ages)


def _max_age(purpose: LoginTokenPurpose) -> int:
    if purpose is LoginTokenPurpose.password_reset:
        return current_app.config["NEC_PASSWORD_RESET_MAX_AGE"]
    return current_app.config["NEC_MAGIC_LINK_MAX_AGE"]


def issue_login_token(user: User, purpose: LoginTokenPurpose, *, max_age: int | None = None) -> str:
    """Store the hash of a new random secret and return the signed token that goes in the link."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        LoginToken(
            user=user,
            purpose=purpose,
            secret_hash=_secret_hash(secret),
            created_at=now,
            expires_at=now + timedelta(seconds=max_age or _max_age(purpose)),
        )
    )
    return sign(secret, f"login-token.{purpose.value}")


def _unknown_link() -> InvalidLink:
    return InvalidLink(_("Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier, ou demandez-en un nouveau."))


def _spent_link() -> InvalidLink:
    return InvalidLink(_("Ce lien a déjà servi ou a expiré. Demandez-en un nouveau : il arrive en quelques instants."))


def _find_token(token: str, purpose: LoginTokenPurpose) -> LoginToken:
    # The signature is checked first: an altered link never reaches the database.
    secret = unsign(token, f"login-token.{purpose.value}", _signature_max_age(purpose))
    if not isinstance(secret, str):
        raise _unknown_link()
    row = db.session.scalar(
        sa.select(LoginToken).where(LoginToken.secret_hash == _secret_hash(secret), LoginToken.purpose == purpose)
    )
    if row is None:
        raise _unknown_link()
    return row


def check_login_token(token: str, purpose: LoginTokenPurpose) -> User:
    """The person a link is for, without using it up (for the confirmation page)."""
    row = _find_token(token, purpose)
    if row.used_at is not None or row.expires_at <= utcnow() or not row.user.is_active_account:
        raise _spent_link()
    return row.user


def consume_login_token(token: str, purpose: LoginTokenPurpose) -> User:
    """Use a link up, once: the conditional UPDATE lets only one of several workers succeed."""
    row = _find_token(token, purpose)
    now = utcnow()
    result = db.session.execute(
        sa.update(LoginToken)
        .where(LoginToken.id == row.id, LoginToken.used_at.is_(None), LoginToken.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1 or not row.user.is_active_account:
        raise _spent_link()
    return row.user


def _expire_unused_tokens(user: User, purpose: LoginTokenPurpose) -> None:
    now = utcnow()
    db.session.execute(
        sa.update(LoginToken)
        .where(LoginToken.user_id == user.id, LoginToken.purpose == purpose, LoginToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def _minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


def request_magic_link(email: str, *, next_url: str | None = None) -> None:
    """Mail a login link if an active account has this address; otherwise do nothing, silently."""
    user = get_user_by_email(email)
    if user is None or not user.is_active_account:
        return
    max_age = _max_age(LoginTokenPurpose.magic_link)
    _mail_link(
        user,
        "magic_link",
        "accounts.magic_link",
        subject=_l("Votre lien de connexion"),
        max_age=max_age,
        next_url=next_url,
        minutes=_minutes(max_age),
    )


def login_with_magic_link(token: str) -> User:
    user = consume_login_token(token, LoginTokenPurpose.magic_link)
    prove_address(user, via="login_link", actor=user)  # the link reached this mailbox
    record_login(user)
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account has this address; otherwise do nothing, silently."""
    user = get_user_by_email(email)
    if user is None or not user.is_active_account:
        return
    token = issue_login_token(user, LoginTokenPurpose.password_reset)
    queue_mail(
        user.email,
        "password_reset",
        subject=_l("Choisir un nouveau mot de passe"),
        to_name=user.full_name,
        locale=user.locale,
        url=external_url("accounts.password_reset", token=token),
        minutes=_minutes(_max_age(LoginTokenPurpose.password_reset)),
    )


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link is only used up if the password is accepted."""
    user = check_login_token(token, LoginTokenPurpose.password_reset)
    problems = password_problems(new_password, email=user.email)
    if problems:
        raise AccountError(" ".join(problems))
    consume_login_token(token, LoginTokenPurpose.password_reset)
    prove_address(user, via="password_reset", actor=user)
    set_password(user, new_password)
    _expire_unused_tokens(user, LoginTokenPurpose.password_reset)
    record_login(user)
    log_action("account.password_reset", actor=user, target=user)
    return user


# --- roles per event ---------------------------------------------------------------------------


def event_team(event: Event) -> list[EventRole]:
    return list(
        db.session.scalars(
            sa.select(EventRole)
            .join(EventRole.user)
            .where(EventRole.event_id == event.id)
            .options(contains_eager(EventRole.user))
            .order_by(EventRole.role, User.full_name, User.id)
        )
    )


def grant_role(event: Event, user: User, role: EventRoleKind, *, actor: User | None = None) -> EventRole:
    role = EventRoleKind(role)
    already = _("%(name)s est déjà %(role)s pour cet événement.", name=user.full_name, role=role.title.lower())
    exists = db.session.scalar(
        sa.select(EventRole.id).where(
            EventRole.event_id == event.id, EventRole.user_id == user.id, EventRole.role == role
        )
    )
    if exists is not None:
        raise RoleAlreadyGranted(already)
    event_role = EventRole(event_id=event.id, user_id=user.id, role=role)
    try:
        with db.session.begin_nested():  # the unique constraint decides between concurrent requests
            db.session.add(event_role)
    except IntegrityError:
        raise RoleAlreadyGranted(already) from None
    log_action("role.granted", actor=actor, event=event, target=user, role=role.value, email=user.email)
    return event_role


def revoke_role(event_role: EventRole, *, actor: User | None = None) -> None:
    """Remove a role; an event always keeps at least one organiser."""
    event = event_role.event
    if event_role.role is EventRoleKind.organiser:
        # Lock the event row so that two organisers removing each other cannot both succeed.
        db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
        organisers = db.session.scalar(
            sa.select(sa.func.count(EventRole.id)).where(
                EventRole.event_id == event.id, EventRole.role == EventRoleKind.organiser
            )
        )
        if organisers <= 1:
            raise AccountError(
                _(
                    "Impossible de retirer le dernier organisateur ou la dernière organisatrice de l'événement. "
                    "Ajoutez d'abord une autre personne comme organisateur ou organisatrice."
                )
            )
    log_action(
        "role.revoked",
        actor=actor,
        event=event,
        target=event_role.user,
        role=event_role.role.value,
        email=event_role.user.email,
    )
    db.session.delete(event_role)


def get_event_role(event: Event, role_id: int) -> EventRole | None:
    return db.session.scalar(sa.select(EventRole).where(EventRole.id == role_id, EventRole.event_id == event.id))


def add_team_member(
    event: Event, email: str, role: EventRoleKind, *, full_name: str = "", actor: User | None = None
) -> tuple[User, bool]:
    """Give a role to a person by e-mail, creating a password-less account and inviting them if needed.

    An account whose address was never proven (anyone may sign up with any address) is treated as a new
    person: the role is only usable once the invitation's link proves the address (which drops any
    password chosen before). Returns the person and whether their account was created.
    """
    role = EventRoleKind(role)
    user = get_user_by_email(email)
    created = user is None
    if created:
        email = normalise_email(email)
        user = create_user(email, full_name.strip() or email.partition("@")[0], actor=actor)
    grant_role(event, user, role, actor=actor)
    needs_proof = user.email_confirmed_at is None
    if needs_proof:
        max_age = current_app.config["NEC_TEAM_INVITATION_MAX_AGE"]
        token = issue_login_token(user, LoginTokenPurpose.magic_link, max_age=max_age)
        url = external_url("accounts.magic_link", token=token)
        days = max(1, round(max_age / 86400))
    else:
        url = external_url("accounts.login")
        days = None
    queue_mail(
        user.email,
        "team_invitation",
        subject=_l("Vous rejoignez l'équipe de %(event)s", event=event.title),
        to_name=user.full_name,
        event=event,
        locale=user.locale,
        url=url,
        new_account=created,
        unconfirmed_account=needs_proof and not created,
        days=days,
        role=role,  # its title is translated in the mail, in the recipient's language
        inviter_name=actor.full_name if actor is not None else "",
        login_url=external_url("accounts.login"),
    )
    return user, created


def create_or_update_organiser(
    email: str,
    full_name: str,
    password: str | None,
    *,
    event: Event | None = None,
    is_admin: bool = False,
) -> tuple[User, bool]:
    """For the command line: an account with a password, organiser of `event`, administrator if asked."""
    user = get_user_by_email(email)
    created = user is None
    if created:  # the administrator vouches for the address
        user = create_user(email, full_name, password, is_admin=is_admin, email_confirmed=True)
    else:
        prove_address(user, via="cli", actor=None)  # a password chosen by an unknown signer-up does not survive
        if full_name and full_name.strip():
            user.full_name = full_name.strip()
        if password is not None:
            set_password(user, password)
            log_action("account.password_changed", target=user, via="cli")
        if is_admin and not user.is_admin:
            user.is_admin = True
            log_action("account.admin_granted", target=user, via="cli")
    if event is not None:
        with contextlib.suppress(RoleAlreadyGranted):
            grant_role(event, user, EventRoleKind.organiser)
    return user, created
