"""Review and decisions: reviewers score proposals; organisers compare, decide and notify."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from nec.accounts.models import EventRoleKind
from nec.accounts.permissions import can_manage, organiser_required, require_event_role
from nec.core import mail_templates
from nec.core.actions import run, show_error
from nec.core.web import current_actor
from nec.proposals.call.services import answers_of, display_answer, questions_for
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import Decision, QuestionTarget, SessionState
from nec.proposals.review import services as review
from nec.proposals.review.forms import CriterionForm, review_form_class
from nec.proposals.review.services import ProposalFilter, TableQuery
from nec.proposals.session_speakers import speaker_count_warning

bp = Blueprint("proposals_review", __name__)

reviewer_required = require_event_role(EventRoleKind.reviewer, EventRoleKind.organiser)


# --- helpers ---------------------------------------------------------------------------------------


def _answers(session) -> list[tuple[str, str]]:
    """(question, answer) pairs of a proposal's custom questions, in the call's order."""
    answers = answers_of(session=session)
    return [
        (question.label, display_answer(question, answers.get(question.id)) or "—")
        for question in questions_for(g.event, QuestionTarget.proposal, session.format)
    ]


# --- criteria (organisers) ---------------------------------------------------------------------------


@bp.route("/<ev>/manage/criteria", methods=["GET", "POST"])
@organiser_required
def criteria():
    form = CriterionForm()
    if form.validate_on_submit():
        _result, error = run(lambda: review.add_criterion(g.event, current_actor(), **form.criterion_fields()))
        if error is None:
            flash(_("Le critère « %(name)s » est ajouté.", name=form.name.data.strip()), "success")
            return redirect(url_for("proposals_review.criteria"))
        show_error(form, error)
    return render_template(
        "proposals/review/criteria.html", event=g.event, form=form, criteria=review.list_criteria(g.event)
    )


def _criterion_or_404(criterion_id: int):
    criterion = review.get_criterion(g.event, criterion_id)
    if criterion is None:
        abort(404)
    return criterion


@bp.route("/<ev>/manage/criteria/<int:criterion_id>", methods=["GET", "POST"])
@organiser_required
def edit_criterion(criterion_id: int):
    criterion = _criterion_or_404(criterion_id)
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        _result, error = run(lambda: review.update_criterion(criterion, current_actor(), **form.criterion_fields()))
        if error is None:
            flash(_("Le critère « %(name)s » est enregistré.", name=form.name.data.strip()), "success")
            return redirect(url_for("proposals_review.criteria"))
        show_error(form, error)
    return render_template("proposals/review/criterion_form.html", event=g.event, form=form, criterion=criterion)


@bp.route("/<ev>/manage/criteria/<int:criterion_id>/delete", methods=["GET", "POST"])
@organiser_required
def delete_criterion(criterion_id: int):
    criterion = _criterion_or_404(criterion_id)
    if request.method == "GET":
        scores = review.count_scores(criterion)
        warning = (
            ngettext(
                "%(num)d note déjà donnée à ce critère sera effacée, et les moyennes recalculées.",
                "%(num)d notes déjà données à ce critère seront effacées, et les moyennes recalculées.",
                scores,
            )
            if scores
            else None
        )
        return render_template(
            "events/manage/confirm_delete.html",
            event=g.event,
            question=_("Supprimer le critère « %(name)s » ?", name=criterion.name),
            warning=warning,
            cancel_url=url_for("proposals_review.criteria"),
            section="criteria",
        )
    name = criterion.name
    _result, error = run(lambda: review.delete_criterion(criterion, current_actor()))
    if error is not None:
        flash(error.message, "error")
    else:
        flash(_("Le critère « %(name)s » est supprimé.", name=name), "success")
    return redirect(url_for("proposals_review.criteria"))


@bp.post("/<ev>/manage/criteria/<int:criterion_id>/move")
@organiser_required
def move_criterion(criterion_id: int):
    criterion = _criterion_or_404(criterion_id)
    direction = request.form.get("direction", "")
    _result, error = run(lambda: review.move_criterion(criterion, current_actor(), direction))
    if error is not None:
        flash(error.message, "error")
    return redirect(url_for("proposals_review.criteria"))


# --- reviewers ---------------------------------------------------------------------------------------


@bp.get("/<ev>/review/")
@reviewer_required
def index():
    query = ProposalFilter.parse(request.args)
    everything = review.reviewer_list(g.event, current_actor())
    is_organiser = can_manage(current_user, g.event)
    # In a blind review a reviewer must not find who proposed what by searching for a name.
    search_speakers = is_organiser or not review.review_settings(g.event).blind_review
    rows, facets = review.filter_rows(everything, query, search_speakers=search_speakers)
    formats, themes = review.table_filters(g.event)
    return render_template(
        "proposals/review/index.html",
        event=g.event,
        rows=rows,
        facets=facets,
        query=query,
        formats=formats,
        themes=themes,
        states=review.REVIEW_STATES,
        search_speakers=search_speakers,
        to_do=sum(1 for r in everything if r.to_do),
        has_criteria=bool(review.list_criteria(g.event)),
        is_organiser=is_organiser,
        lineup_of=speaker_count_warning,
    )


def _render_review(session, form, criteria, own, me):
    """The review page: the proposal, the reviewer's form, and the others' reviews when the settings show them."""
    settings = review.review_settings(g.event)
    is_organiser = can_manage(current_user, g.event)
    others = [r for r in review.reviews_of(session) if r.reviewer_id != me.id]
    show_others = review.others_visible(settings, has_own_review=own is not None, is_organiser=is_organiser)
    criteria_by_id = {c.id: c for c in criteria}
    return render_template(
        "proposals/review/review.html",
        event=g.event,
        session=session,
        form=form,
        criteria=criteria,
        criteria_by_id=criteria_by_id,
        own=own,
        own_total=review.review_total(own, criteria_by_id) if own else None,
        others=others if show_others else [],
        hidden_others=len(others) if not show_others else 0,
        totals={r.id: review.review_total(r, criteria_by_id) for r in others},
        blind=settings.blind_review and not is_organiser,
        anonymous_reviewers=settings.blind_review,
        answers=_answers(session),
        is_open=session.state == SessionState.submitted,
        list_args=ProposalFilter.parse(request.args).args(),
        lineup_warning=speaker_count_warning(session),
    )


@bp.route("/<ev>/review/<int:session_id>", methods=["GET", "POST"])
@reviewer_required
def review_session(session_id: int):
    session = review.get_reviewable(g.event, session_id)
    if session is None:
        abort(404)
    me = current_actor()
    if review.is_speaker_of(me, session):
        abort(403, description=_("Vous ne pouvez pas évaluer une proposition dont vous êtes intervenant·e."))
    criteria = review.list_criteria(g.event)
    own = review.get_review(session, me)
    form_class = review_form_class(criteria)
    form = form_class()
    if request.method == "GET" and own is not None:
        form.comment.data = own.comment
        by_criterion = {s.criterion_id: s.value for s in own.scores}
        for criterion in criteria:
            form[f"c_{criterion.id}"].data = by_criterion.get(criterion.id)
    if request.method == "POST":
        if session.state != SessionState.submitted:
            form.form_errors.append(
                _("La décision sur cette proposition est prise : son évaluation ne peut plus être modifiée.")
            )
        elif form.validate_on_submit():
            _result, error = run(lambda: review.save_review(session, me, form.scores(), form.comment.data or ""))
            if error is None:
                flash(_("Votre évaluation est enregistrée. Merci !"), "success")
                back = ProposalFilter.parse(request.args).args()
                return redirect(url_for("proposals_review.review_session", session_id=session.id, **back))
            show_error(form, error)
    return _render_review(session, form, criteria, own, me)


# --- the organisers' table ------------------------------------------------------------------------------


@bp.get("/<ev>/manage/proposals")
@organiser_required
def proposals():
    query = TableQuery.parse(request.args)
    formats, themes = review.table_filters(g.event)
    rows, facets = review.table_view(g.event, query)
    return render_template(
        "proposals/review/proposals.html",
        event=g.event,
        rows=rows,
        facets=facets,
        query=query,
        formats=formats,
        themes=themes,
        states=review.TABLE_STATES,
        columns=[
            ("title", _("Titre")),
            ("format", _("Format")),
            ("theme", _("Thème")),
            ("state", _("État")),
            ("reviews", _("Évaluations")),
            ("mean", _("Moyenne")),
            ("median", _("Médiane")),
            ("decision", _("Décision préparée")),
        ],
        lineup_of=speaker_count_warning,
    )


STAGING_ACTIONS = {"accept": Decision.accept, "reject": Decision.reject, "clear": None}


@bp.post("/<ev>/manage/proposals/stage")
@organiser_required
def stage():
    back = url_for("proposals_review.proposals", **TableQuery.parse(request.form).args())
    action = request.form.get("action", "")
    if action not in STAGING_ACTIONS:
        flash(_("Choisissez une action : préparer l'acceptation, le refus, ou annuler la préparation."), "error")
        return redirect(back)
    decision = STAGING_ACTIONS[action]
    staged, error = run(
        lambda: review.stage_decisions(g.event, current_actor(), request.form.getlist("session"), decision)
    )
    if error is not None:
        flash(error.message, "error")
        return redirect(back)
    if decision is None:
        message = ngettext(
            "%(num)d décision préparée est annulée.", "%(num)d décisions préparées sont annulées.", staged.changed
        )
    elif decision == Decision.accept:
        message = ngettext(
            "%(num)d proposition sera acceptée.", "%(num)d propositions seront acceptées.", staged.changed
        )
    else:
        message = ngettext("%(num)d proposition sera refusée.", "%(num)d propositions seront refusées.", staged.changed)
    message += " " + _("Rien n'est envoyé tant que vous n'avez pas appliqué les décisions.")
    flash(message, "success")
    if staged.skipped:
        flash(
            ngettext(
                "%(num)d proposition ignorée : elle n'attend plus de décision.",
                "%(num)d propositions ignorées : elles n'attendent plus de décision.",
                staged.skipped,
            ),
            "info",
        )
    return redirect(back)


def _proposal_or_404(session_id: int):
    session = review.get_proposal(g.event, session_id)
    if session is None:
        abort(404)
    return session


@bp.get("/<ev>/manage/proposals/<int:session_id>")
@organiser_required
def proposal(session_id: int):
    session = _proposal_or_404(session_id)
    criteria = review.list_criteria(g.event)
    criteria_by_id = {c.id: c for c in criteria}
    reviews = review.reviews_of(session)
    totals = {r.id: review.review_total(r, criteria_by_id) for r in reviews}
    row = review.ProposalRow(session, len(reviews), [t for t in totals.values() if t is not None])
    return render_template(
        "proposals/review/proposal.html",
        event=g.event,
        session=session,
        criteria=criteria,
        reviews=reviews,
        totals=totals,
        row=row,
        answers=_answers(session),
        list_args=TableQuery.parse(request.args).args(),
        lineup_warning=speaker_count_warning(session),
    )


@bp.post("/<ev>/manage/proposals/<int:session_id>/decision")
@organiser_required
def stage_one(session_id: int):
    session = _proposal_or_404(session_id)
    action = request.form.get("action", "")
    if action not in STAGING_ACTIONS:
        flash(_("Choisissez une action : préparer l'acceptation, le refus, ou annuler la préparation."), "error")
    else:
        decision = STAGING_ACTIONS[action]
        _result, error = run(lambda: review.stage_decision(session, current_actor(), decision))
        if error is not None:
            flash(error.message, "error")
        elif decision is None:
            flash(_("La décision préparée est annulée."), "success")
        else:
            flash(
                _(
                    "Décision préparée : « %(decision)s ». Elle sera appliquée, avec ses e-mails, depuis la page "
                    "« Décisions ».",
                    decision=decision.title,
                ),
                "success",
            )
    return redirect(
        url_for("proposals_review.proposal", session_id=session.id, **TableQuery.parse(request.args).args())
    )


# --- decisions and reminders --------------------------------------------------------------------------------


@bp.get("/<ev>/manage/decisions")
@organiser_required
def decisions():
    accepted_subject, accepted_body = mail_templates.wording(g.event, MailTemplateKind.accepted)
    rejected_subject, rejected_body = mail_templates.wording(g.event, MailTemplateKind.rejected)
    return render_template(
        "proposals/review/decisions.html",
        event=g.event,
        plan=review.decision_plan(g.event),
        reminders=review.reminder_plan(g.event),
        recipients_of=review.recipients_of,
        accepted_wording=(accepted_subject, accepted_body),
        rejected_wording=(rejected_subject, rejected_body),
        lineup_of=speaker_count_warning,
    )


@bp.post("/<ev>/manage/decisions/apply")
@organiser_required
def apply():
    report, error = run(lambda: review.apply_decisions(g.event, current_actor()))
    if error is not None:
        flash(error.message, "error")
    elif not report.accepted and not report.rejected:
        flash(_("Aucune décision préparée : rien n'a été appliqué ni envoyé."), "info")
    else:
        flash(
            _(
                "Décisions appliquées : %(accepted)d acceptée(s), %(rejected)d refusée(s). "
                "%(mails)d e-mail(s) partent aux intervenant·es.",
                accepted=report.accepted,
                rejected=report.rejected,
                mails=report.mails,
            ),
            "success",
        )
    return redirect(url_for("proposals_review.decisions"))


@bp.post("/<ev>/manage/decisions/remind")
@organiser_required
def remind():
    sent, error = run(lambda: review.send_reminders(g.event, current_actor(), request.form.getlist("kind")))
    if error is not None:
        flash(error.message, "error")
    elif not any(sent.values()):
        flash(_("Personne à relancer : aucun e-mail n'a été envoyé."), "info")
    else:
        flash(
            ngettext(
                "%(num)d e-mail de relance part aux intervenant·es.",
                "%(num)d e-mails de relance partent aux intervenant·es.",
                sum(sent.values()),
            ),
            "success",
        )
    return redirect(url_for("proposals_review.decisions"))
