"""Organiser pages of the call for sessions: dates, formats offered, custom questions, e-mail wordings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from nec.accounts.permissions import organiser_required
from nec.core.actions import act, save, show_error
from nec.core.mail_templates import placeholders_for, wording
from nec.core.time import utcnow
from nec.core.web import current_actor
from nec.proposals.call import services as calls
from nec.proposals.call.forms import MailWordingForm, QuestionForm, call_form_class, local_value
from nec.proposals.call.services import CallError
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import QuestionTarget

bp = Blueprint("proposals_call", __name__)


# --- helpers ---------------------------------------------------------------------------------------


def _render(template: str, status: int = 200, **context):
    return render_template(template, event=g.event, **context), status


# --- the call's settings ---------------------------------------------------------------------------


@bp.route("/<ev>/manage/call", methods=["GET", "POST"])
@organiser_required
def manage_call():
    event = g.event
    tz = ZoneInfo(event.timezone)
    formats = list(event.formats)
    form_class = call_form_class(formats)
    call = calls.get_call(event)
    if request.method == "GET":
        data = {"reviews_visible_after_own": True}
        if call is not None:
            data.update(
                opens_at=local_value(call.opens_at, tz),
                closes_at=local_value(call.closes_at, tz),
                introduction=call.introduction,
                blind_review=call.blind_review,
                reviews_visible_after_own=call.reviews_visible_after_own,
            )
            for cf in call.formats:
                data[f"offer_{cf.format_id}"] = True
                data[f"closes_{cf.format_id}"] = local_value(cf.closes_at, tz)
        form = form_class(data=data)
    else:
        form = form_class()
    if form.validate_on_submit():
        settings = form.settings()
        response = save(
            form,
            lambda: calls.update_call(event, current_actor(), **settings),
            _("Les réglages de l'appel à participation sont enregistrés."),
            url_for("proposals_call.manage_call"),
        )
        if response is not None:
            return response
    return _render(
        "proposals/call/settings.html",
        form=form,
        call_status=calls.status_for(event, None, utcnow()),
        public_url=_public_call_url(),
    )


def _public_call_url() -> str:
    """The public call page (the speakers' side), linked from the settings."""
    return url_for("proposals_speaker.call_page")


# --- custom questions ------------------------------------------------------------------------------


def _question_or_404(question_id: int):
    question = calls.get_question(g.event, question_id)
    if question is None:
        abort(404)
    return question


def _question_lists():
    return [
        (target, calls.all_questions(g.event, target)) for target in (QuestionTarget.proposal, QuestionTarget.speaker)
    ]


@bp.route("/<ev>/manage/questions", methods=["GET", "POST"])
@organiser_required
def manage_questions():
    form = QuestionForm(formats=g.event.formats)
    if form.validate_on_submit():
        fields = form.question_fields()
        response = save(
            form,
            lambda: calls.add_question(g.event, current_actor(), **fields),
            _("La question « %(label)s » est ajoutée.", label=fields["label"].strip()),
            url_for("proposals_call.manage_questions"),
        )
        if response is not None:
            return response
    return _render(
        "proposals/call/questions.html",
        form=form,
        question_lists=_question_lists(),
        answer_counts=calls.answer_counts(g.event),
    )


@bp.route("/<ev>/manage/questions/<int:question_id>", methods=["GET", "POST"])
@organiser_required
def edit_question(question_id: int):
    question = _question_or_404(question_id)
    if request.method == "GET":
        form = QuestionForm(
            formats=g.event.formats,
            data={
                "target": question.target.value,
                "kind": question.kind.value,
                "label": question.label,
                "help_text": question.help_text,
                "choices": "\n".join(question.choices or []),
                "required": question.required,
                "format_id": str(question.format_id) if question.format_id else "",
            },
        )
    else:
        form = QuestionForm(formats=g.event.formats)
    if form.validate_on_submit():
        fields = form.question_fields()
        response = save(
            form,
            lambda: calls.update_question(question, current_actor(), **fields),
            _("La question « %(label)s » est enregistrée.", label=fields["label"].strip()),
            url_for("proposals_call.manage_questions"),
        )
        if response is not None:
            return response
    return _render(
        "proposals/call/question_form.html",
        form=form,
        question=question,
        answers=calls.count_answers(question),
    )


@bp.route("/<ev>/manage/questions/<int:question_id>/delete", methods=["GET", "POST"])
@organiser_required
def delete_question(question_id: int):
    question = _question_or_404(question_id)
    if request.method == "GET":
        answers = calls.count_answers(question)
        warning = (
            ngettext(
                "Cette question a déjà %(num)d réponse : elle sera supprimée avec la question.",
                "Cette question a déjà %(num)d réponses : elles seront supprimées avec la question.",
                answers,
            )
            if answers
            else _("Personne n'a encore répondu à cette question.")
        )
        return _render(
            "events/manage/confirm_delete.html",
            question=_("Supprimer la question « %(label)s » ?", label=question.label),
            warning=warning,
            cancel_url=url_for("proposals_call.manage_questions"),
            section="questions",
        )
    label = question.label
    return act(
        lambda: calls.delete_question(question, current_actor()),
        _("La question « %(label)s » est supprimée.", label=label),
        url_for("proposals_call.manage_questions"),
    )


@bp.post("/<ev>/manage/questions/<int:question_id>/move")
@organiser_required
def move_question(question_id: int):
    question = _question_or_404(question_id)
    direction = request.form.get("direction", "")
    return act(
        lambda: calls.move_question(question, current_actor(), direction),
        "",
        url_for("proposals_call.manage_questions"),
    )


# --- e-mail wordings -------------------------------------------------------------------------------


def _kind_or_404(kind: str) -> MailTemplateKind:
    try:
        return MailTemplateKind(kind)
    except ValueError:
        abort(404)


@bp.get("/<ev>/manage/mail-templates")
@organiser_required
def mail_templates():
    return _render(
        "proposals/call/mail_templates.html",
        kinds=list(MailTemplateKind),
        customised=calls.is_customised(g.event),
    )


@bp.route("/<ev>/manage/mail-templates/<kind>", methods=["GET", "POST"])
@organiser_required
def edit_mail_template(kind: str):
    kind = _kind_or_404(kind)
    subject, body = wording(g.event, kind)
    form = MailWordingForm(data={"subject": subject, "body": body}) if request.method == "GET" else MailWordingForm()
    previewing = request.method == "POST" and "preview" in request.form
    if form.validate_on_submit():
        if previewing:
            try:
                calls.check_wording(kind, form.subject.data, form.body.data)
            except CallError as error:
                show_error(form, error)
        else:
            response = save(
                form,
                lambda: calls.update_wording(g.event, current_actor(), kind, form.subject.data, form.body.data),
                _("Le texte de l'e-mail « %(title)s » est enregistré.", title=kind.title),
                url_for("proposals_call.mail_templates"),
            )
            if response is not None:
                return response
    shown_subject = form.subject.data if form.subject.data is not None else subject
    shown_body = form.body.data if form.body.data is not None else body
    preview_subject, preview_body = calls.preview(
        g.event, kind, shown_subject or "", shown_body or "", current_app.config["NEC_BASE_URL"]
    )
    return _render(
        "proposals/call/mail_template_form.html",
        form=form,
        kind=kind,
        placeholders=placeholders_for(kind),
        customised=kind in calls.is_customised(g.event),
        preview_subject=preview_subject,
        preview_body=preview_body,
        previewing=previewing,
    )


@bp.post("/<ev>/manage/mail-templates/<kind>/reset")
@organiser_required
def reset_mail_template(kind: str):
    kind = _kind_or_404(kind)
    return act(
        lambda: calls.restore_default_wording(g.event, current_actor(), kind),
        _("L'e-mail « %(title)s » reprend le texte par défaut.", title=kind.title),
        url_for("proposals_call.edit_mail_template", kind=kind.value),
    )
