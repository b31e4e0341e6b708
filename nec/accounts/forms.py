"""The forms of the accounts pages: sign-up, login, links by e-mail, account, team."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from nec.accounts.models import EventRoleKind
from nec.accounts.services import PASSWORD_MAX_LENGTH, password_problems
from nec.core.forms import NecForm
from nec.core.i18n import lazy_gettext as _l


def _email_field(label=None):
    return EmailField(
        label or _l("Adresse e-mail"),
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail.")),
            Length(max=254, message=_l("Cette adresse e-mail est trop longue.")),
            Email(_l("Cette adresse e-mail n'est pas valide. Vérifiez-la, par exemple nom@exemple.fr.")),
        ],
        filters=[lambda value: value.strip().lower() if isinstance(value, str) else value],
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )


def _new_password_field(label=None):
    return PasswordField(
        label or _l("Mot de passe"),
        validators=[DataRequired(_l("Choisissez un mot de passe."))],
        description=_l("Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir."),
        render_kw={"autocomplete": "new-password"},
    )


def _confirm_field(other: str):
    return PasswordField(
        _l("Le même mot de passe, une seconde fois"),
        validators=[
            DataRequired(_l("Tapez le mot de passe une seconde fois.")),
            EqualTo(other, _l("Les deux mots de passe sont différents. Tapez-les à nouveau.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _check_new_password(field, email: str | None) -> None:
    """The service's password rules, as a form error next to the field."""
    problems = password_problems(field.data or "", email=email or "")
    if problems:
        raise ValidationError(" ".join(problems))


class SignupForm(NecForm):
    full_name = StringField(
        _l("Prénom et nom"),
        validators=[DataRequired(_l("Indiquez votre nom.")), Length(max=200, message=_l("Ce nom est trop long."))],
        render_kw={"autocomplete": "name"},
    )
    email = _email_field()
    password = _new_password_field()
    password_confirm = _confirm_field("password")
    next = HiddenField()

    def validate_password(self, field):
        _check_new_password(field, self.email.data)


class LoginForm(NecForm):
    email = _email_field()
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Rester connecté sur cet appareil"))
    next = HiddenField()


class EmailOnlyForm(NecForm):
    """Ask for a login link or a password reset link."""

    email = _email_field()
    next = HiddenField()


class ConfirmForm(NecForm):
    """A single button (the CSRF token travels with it)."""


class ConfirmSignupForm(NecForm):
    """The sign-up's link: the password chosen at sign-up, which the account keeps."""

    password = PasswordField(
        _l("Le mot de passe choisi à la création du compte"),
        validators=[DataRequired(_l("Indiquez votre mot de passe."))],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordResetForm(NecForm):
    password = _new_password_field(_l("Nouveau mot de passe"))
    password_confirm = _confirm_field("password")


class ProfileForm(NecForm):
    full_name = StringField(
        _l("Prénom et nom"),
        validators=[DataRequired(_l("Indiquez votre nom.")), Length(max=200, message=_l("Ce nom est trop long."))],
        render_kw={"autocomplete": "name"},
    )
    locale = SelectField(
        _l("Langue des pages"),
        choices=[SelectChoice("fr", "Français", {"lang": "fr"}), SelectChoice("en", "English", {"lang": "en"})],
    )


class ChangePasswordForm(NecForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password_field(_l("Nouveau mot de passe"))
    password_confirm = _confirm_field("password")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current_password(self, field):
        if self.user is not None and self.user.password_hash and not field.data:
            raise ValidationError(_l("Indiquez votre mot de passe actuel."))
        if field.data and len(field.data) > PASSWORD_MAX_LENGTH:
            raise ValidationError(_l("Le mot de passe actuel est incorrect. Vérifiez-le et réessayez."))

    def validate_password(self, field):
        _check_new_password(field, self.user.email if self.user else "")


class TeamMemberForm(NecForm):
    email = _email_field(_l("Adresse e-mail de la personne"))
    full_name = StringField(
        _l("Prénom et nom (si la personne n'a pas encore de compte)"),
        validators=[Length(max=200, message=_l("Ce nom est trop long."))],
    )
    role = SelectField(
        _l("Rôle"),
        choices=[
            SelectChoice(EventRoleKind.organiser.value, _l("Organisateur ou organisatrice : gère tout l'événement")),
            SelectChoice(EventRoleKind.reviewer.value, _l("Relecteur ou relectrice : évalue les propositions")),
        ],
        default=EventRoleKind.reviewer.value,
    )


class DeleteAccountForm(NecForm):
    """Deleting one's account: the password again, or (without a password) a typed word."""

    password = PasswordField(_l("Votre mot de passe"), render_kw={"autocomplete": "current-password"})
    confirmation = StringField(
        _l("Tapez le mot SUPPRIMER"),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field):
        if self.user is not None and self.user.password_hash and not field.data:
            raise ValidationError(_l("Indiquez votre mot de passe pour confirmer."))

    def validate_confirmation(self, field):
        if self.user is not None and not self.user.password_hash and not (field.data or "").strip():
            raise ValidationError(_l("Tapez le mot SUPPRIMER pour confirmer."))
