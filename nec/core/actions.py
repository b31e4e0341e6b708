"""How a user's action ends, in every module: one commit, or nothing kept and a French reason.

Services raise a nec.core.errors.UserError (each module has its own subclass) for what the user can fix; views run the
service through run(), then save() or act() redirect (POST-redirect-GET) or show the form again.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nec.core.errors import UserError
from nec.extensions import db


def conflict_message() -> str:
    return _(
        "Cette modification n'a pas pu être enregistrée : elle entre en conflit avec une autre faite au même "
        "moment. Vérifiez les informations et envoyez à nouveau le formulaire."
    )


def run(
    action: Callable[[], object], *, refusals: tuple[type[Exception], ...] = ()
) -> tuple[object, UserError | Exception | None]:
    """Run one change and commit it: (its result, None), or (None, why it was refused) with nothing kept.

    `refusals` are other exceptions refused the same way and returned as they are (a link that no longer
    serves, core.tokens.InvalidLink), for a view that answers them with its own page. A constraint the
    checks could not foresee (another person saving at the same moment) comes back from the database as
    an IntegrityError, at a flush or at the commit: it is refused, never a 500.
    """
    try:
        result = action()
        db.session.commit()
    except (UserError, *refusals) as error:
        db.session.rollback()
        return None, error
    except IntegrityError:
        db.session.rollback()
        return None, UserError(conflict_message())
    return result, None


def show_error(form, error: UserError) -> None:
    """The reason next to its field when the form has one, else at the top of the form."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None and isinstance(field.errors, list | tuple):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def save(form, action: Callable[[], object], success: str, target: str | Callable[[], str]):
    """Run one change from a valid form: a redirect on success, None to show the form again with the reason.

    `target` may be a function, for an address known only once the change is made (a new event's slug)."""
    _result, problem = run(action)
    if problem is not None:
        show_error(form, problem)
        return None
    flash(success, "success")
    return redirect(target() if callable(target) else target)


def act(action: Callable[[], object], success: str, target: str):
    """Run one change from a button (delete, move): flash the outcome and go back to the list."""
    _result, problem = run(action)
    if problem is not None:
        flash(problem.message, "error")
    elif success:
        flash(success, "success")
    return redirect(target)
