"""The whole call for sessions in a real browser, through the web pages only, with real e-mails.

An organiser creates an event and opens its call; a speaker signs up and proposes a round table with two
panelists; both accept through the invitation they receive by e-mail; a reviewer added to the team logs
in with the link of their invitation and scores the proposal; the organiser accepts it in a bulk
decision; the speaker confirms through the link of the acceptance e-mail. Each e-mail goes through the
outbox worker to a real SMTP server process, and each link is read out of the message received.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nec.accounts.models import User
from nec.extensions import db
from nec.proposals.models import InvitationState, Review, Session, SessionState
from tests.e2e.conftest import _save_artifacts
from tests.e2e.test_accessibility import describe, scan

pytestmark = pytest.mark.browser

PASSWORD = "un-mot-de-passe-assez-long-2025"


# --- helpers --------------------------------------------------------------------------------------


def submit(page, button_name: str, *, form=None):
    """Click a form's button and wait for the page it leads to (POST, redirect, GET); that page must be OK."""
    scope = form if form is not None else page
    with page.expect_navigation() as navigation:
        scope.get_by_role("button", name=button_name, exact=True).click()
    response = navigation.value
    if response is None or not response.ok:
        errors = page.locator(".form-errors, .field-error, .flash-error").all_inner_texts()
        status = response.status if response is not None else "?"
        pytest.fail(f"« {button_name} » led to HTTP {status} at {page.url}: {errors}", pytrace=False)
    return response


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: HTTP {response.status if response else '?'}"


def flash(page, text: str) -> None:
    """A success message with this text is shown on the current page."""
    expect(page.locator(".flash").filter(has_text=text).first).to_be_visible()


def assert_accessible(page) -> None:
    """Pages met only along the story (with its data) pass axe-core too: no serious or critical violation."""
    violations = scan(page)
    assert not violations, f"{page.url}: serious/critical axe violations\n{describe(violations)}"


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: EmailMessage, base_url: str, path_pattern: str) -> str:
    """The one link of the plain-text part whose path matches `path_pattern` (a regular expression)."""
    links = re.findall(re.escape(base_url) + path_pattern, text_of(message))
    assert len(set(links)) == 1, f"expected one link {path_pattern} in « {message['Subject']} », found {links}"
    return links[0]


def by_recipient(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    recipients = [m["To"].addresses[0].addr_spec for m in messages]
    assert len(recipients) == len(set(recipients)), f"one message per person expected, got {recipients}"
    return dict(zip(recipients, messages, strict=True))


def assert_mails(messages: list[EmailMessage], expected: dict[str, str]) -> dict[str, EmailMessage]:
    """Exactly these recipients got one message each, with exactly these subjects."""
    received = by_recipient(messages)
    assert {to: str(m["Subject"]) for to, m in received.items()} == expected
    return received


def column(page, row, header: str):
    """The cell of `row` under the column whose header starts with `header` (the title is a row header)."""
    headers = [h.strip() for h in page.locator("table thead th").all_inner_texts()]
    index = next((i for i, h in enumerate(headers) if h.startswith(header)), None)
    assert index is not None, f"no column « {header} » in {headers}"
    return row.locator("th, td").nth(index)


def local_input(moment: datetime, timezone: str) -> str:
    """The value of a datetime-local input for this instant, on the event's clock."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def new_person(browser, live_server, request):
    """Opens a browser context of its own (another person, own cookies) and returns its page."""
    pages = []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": 1280, "height": 800},
        )
        context.set_default_timeout(10_000)
        person = context.new_page()
        pages.append(person)
        return person

    yield open_page
    call = getattr(request.node, "report_call", None)
    for number, person in enumerate(pages, start=1):
        if call is not None and call.failed:
            _save_artifacts(person, f"{request.node.nodeid}-person-{number}")
        person.context.close()


# --- the story ------------------------------------------------------------------------------------


def test_round_table_goes_from_proposal_to_confirmed_session_with_its_emails(
    organiser_page, new_person, mailbox, live_server
):
    base = live_server.url
    run = uuid.uuid4().hex[:6]
    slug = f"nec-e2e-appel-{run}"
    event_title = f"NEC de la Charente {run}"
    session_title = f"Le métier de médiateur numérique ({run})"
    speaker = (f"claire.moderatrice.{run}@example.org", "Claire Dubreuil")
    panelists = [(f"paul.panel.{run}@example.org", "Paul Fradet"), (f"nadia.panel.{run}@example.org", "Nadia Benali")]
    reviewer = (f"rene.relecteur.{run}@example.org", "René Bouchet")
    organiser = organiser_page

    # 1. The organiser creates a published event, opens its call for round tables, adds a criterion.
    visit(organiser, "/manage/events/new")
    start = date.today() + timedelta(days=60)
    organiser.get_by_label("Titre de l'événement").fill(event_title)
    organiser.get_by_label("Adresse de l'événement").fill(slug)
    organiser.get_by_label("Premier jour").fill(start.isoformat())
    organiser.get_by_label("Dernier jour").fill((start + timedelta(days=1)).isoformat())
    organiser.get_by_label("Publier l'événement").check()
    submit(organiser, "Créer l'événement")
    assert organiser.url == f"{base}/{slug}/manage/"
    flash(organiser, "L'événement est créé")

    visit(organiser, f"/{slug}/manage/call")
    now = datetime.now(ZoneInfo("UTC"))
    organiser.get_by_label("Ouverture de l'appel").fill(local_input(now - timedelta(days=1), "Europe/Paris"))
    organiser.get_by_label("Clôture de l'appel").fill(local_input(now + timedelta(days=30), "Europe/Paris"))
    organiser.get_by_label("Proposer le format « Table ronde »").check()
    organiser.get_by_label("Texte d'introduction").fill("Proposez vos tables rondes sur la médiation numérique.")
    submit(organiser, "Enregistrer les réglages de l'appel")
    expect(organiser.locator(".call-status")).to_contain_text("L'appel à participation est ouvert jusqu'au")

    visit(organiser, f"/{slug}/manage/criteria")
    organiser.get_by_label("Nom du critère").fill("Utilité pour les médiateurs")
    organiser.get_by_label("Note maximale").fill("5")
    organiser.get_by_label("Poids").fill("2")
    submit(organiser, "Ajouter le critère")
    expect(organiser.get_by_role("cell", name="Utilité pour les médiateurs")).to_be_visible()
    assert mailbox.deliver() == [], "setting up the event sends no e-mail"

    # 2. A speaker finds the call, signs up, and proposes a round table that they moderate.
    claire = new_person()
    visit(claire, f"/{slug}/call/")
    expect(claire.get_by_role("heading", level=1)).to_have_text("Appel à participation")
    expect(claire.locator(".lead")).to_contain_text("L'appel à participation est ouvert jusqu'au")
    expect(claire.get_by_text("Proposez vos tables rondes sur la médiation numérique.")).to_be_visible()
    with claire.expect_navigation():
        claire.get_by_role("main").get_by_role("link", name="Créer un compte").click()
    claire.get_by_label("Prénom et nom").fill(speaker[1])
    claire.get_by_label("Adresse e-mail").fill(speaker[0])
    claire.locator("#password").fill(PASSWORD)
    claire.locator("#password_confirm").fill(PASSWORD)
    submit(claire, "Créer mon compte")
    # The account waits for the link mailed to its address, with the password chosen above.
    expect(claire.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    received = assert_mails(mailbox.deliver(), {speaker[0]: "Confirmez votre adresse e-mail"})
    visit(claire, link_in(received[speaker[0]], base, r"/signup/confirm/[^\s<>\"]+"))
    claire.get_by_label("Le mot de passe choisi à la création du compte").fill(PASSWORD)
    submit(claire, "Confirmer et me connecter")
    assert claire.url.startswith(f"{base}/{slug}/me/proposals/new"), claire.url  # back where the call led

    claire.get_by_label(re.compile(r"^Table ronde")).check()
    submit(claire, "Continuer")
    expect(claire.get_by_role("heading", level=1)).to_have_text("Proposer : Table ronde")
    claire.get_by_label("Titre de la session").fill(session_title)
    claire.get_by_label("Résumé").fill("Qui sont les médiateurs numériques, que font-ils, comment les former ?")
    claire.get_by_label("Public visé").fill("Médiateurs numériques, élus, travailleurs sociaux")
    expect(claire.locator("input[name=own_role][value=moderator]")).to_be_checked()  # the default, said aloud
    for row, (email, name) in enumerate(panelists):
        claire.locator(f"#co_speakers-{row}-name").fill(name)
        claire.locator(f"#co_speakers-{row}-email").fill(email)
        claire.locator(f"#co_speakers-{row}-role").select_option("panelist")
    assert_accessible(claire)
    submit(claire, "Envoyer la proposition")
    assert claire.url == f"{base}/{slug}/me/"
    flash(claire, "Votre proposition est envoyée")
    card = claire.locator(".card").filter(has_text=session_title)
    expect(card.locator(".badge").first).to_have_text("Proposée")

    received = assert_mails(
        mailbox.deliver(),
        {
            speaker[0]: f"Votre proposition « {session_title} » est bien reçue",
            panelists[0][0]: f"{speaker[1]} vous invite à intervenir à {event_title}",
            panelists[1][0]: f"{speaker[1]} vous invite à intervenir à {event_title}",
        },
    )
    session_id = _session_id(live_server, slug, session_title)
    assert f"{base}/{slug}/me/proposals/{session_id}" in text_of(received[speaker[0]])

    # 3. Each panelist opens the link of their own invitation, in their own browser, and accepts.
    for email, name in panelists:
        link = link_in(received[email], base, rf"/{slug}/invitations/[^\s<>\"]+")
        panelist = new_person()
        visit(panelist, link)
        expect(panelist.get_by_role("heading", level=1)).to_have_text("Invitation à intervenir")
        expect(panelist.locator(".lead")).to_contain_text(session_title)
        assert_accessible(panelist)
        submit(panelist, "Oui, j'accepte")
        assert panelist.url == f"{base}/{slug}/me/profile"
        flash(panelist, "Vous faites partie de la session")
        # Signed in by the link: their area lists the session with their role.
        visit(panelist, f"/{slug}/me/")
        expect(panelist.locator(".card").filter(has_text=session_title)).to_contain_text(
            "Votre rôle : Intervenant·e de table ronde"
        )
    assert mailbox.deliver() == [], "accepting an invitation sends no e-mail"
    with live_server.app.app_context():
        session = db.session.get(Session, session_id)
        states = {p.speaker.email: p.invitation_state for p in session.speakers}
        db.session.remove()
    assert states == {
        speaker[0]: InvitationState.accepted,
        panelists[0][0]: InvitationState.accepted,
        panelists[1][0]: InvitationState.accepted,
    }

    # 4. The organiser adds a reviewer; the reviewer logs in with the link of the invitation and scores.
    visit(organiser, f"/{slug}/manage/team")
    organiser.get_by_label("Adresse e-mail de la personne").fill(reviewer[0])
    organiser.get_by_label("Prénom et nom").fill(reviewer[1])
    organiser.get_by_label("Rôle").select_option("reviewer")
    submit(organiser, "Ajouter à l'équipe")
    flash(organiser, "Un compte a été créé et une invitation envoyée")
    received = assert_mails(mailbox.deliver(), {reviewer[0]: f"Vous rejoignez l'équipe de {event_title}"})
    link = link_in(received[reviewer[0]], base, r"/login/link/[^\s<>\"]+")

    rene = new_person()
    visit(rene, link)
    submit(rene, "Se connecter")
    visit(rene, f"/{slug}/review/")
    with rene.expect_navigation():
        rene.get_by_role("link", name=session_title).click()
    assert rene.url == f"{base}/{slug}/review/{session_id}"
    rene.get_by_label(re.compile(r"^Utilité pour les médiateurs")).fill("4")
    rene.get_by_label("Commentaire").fill("Un sujet attendu, avec des intervenants de terrain.")
    submit(rene, "Enregistrer mon évaluation")
    expect(rene.get_by_role("button", name="Mettre à jour mon évaluation")).to_be_visible()
    assert mailbox.deliver() == [], "a review sends no e-mail"

    # 5. The organiser stages "accept" in bulk from the table, then applies the decisions.
    visit(organiser, f"/{slug}/manage/proposals")
    row = organiser.get_by_role("row").filter(has_text=session_title)
    expect(row).to_contain_text("Proposée")
    expect(column(organiser, row, "Évaluations")).to_have_text("1")
    expect(column(organiser, row, "Moyenne")).to_contain_text("80")  # 4 out of 5 is 80 out of 100
    organiser.get_by_label(f"Sélectionner « {session_title} »").check()
    submit(organiser, "Préparer : accepter")
    row = organiser.get_by_role("row").filter(has_text=session_title)
    expect(column(organiser, row, "Décision préparée")).to_have_text("Accepter")
    with live_server.app.app_context():
        assert db.session.get(Session, session_id).state is SessionState.submitted, "staged is not applied"
        db.session.remove()
    assert mailbox.deliver() == [], "staging a decision sends no e-mail"

    with organiser.expect_navigation():
        organiser.get_by_role("link", name="Voir et appliquer les décisions préparées").click()
    expect(organiser.get_by_text("1 proposition sera acceptée")).to_be_visible()
    assert_accessible(organiser)
    submit(organiser, "Appliquer les décisions")
    accepted_subject = f"Votre proposition « {session_title} » est retenue"
    co_speaker_subject = f"La proposition « {session_title} », à laquelle vous participez, est retenue"
    received = assert_mails(
        mailbox.deliver(),
        {speaker[0]: accepted_subject, panelists[0][0]: co_speaker_subject, panelists[1][0]: co_speaker_subject},
    )
    link = link_in(received[speaker[0]], base, rf"/{slug}/confirm/[^\s<>\"]+")

    # 6. The speaker confirms through the link of the acceptance e-mail.
    visit(claire, link)
    expect(claire.get_by_role("heading", level=1)).to_have_text("Confirmer votre participation")
    assert_accessible(claire)
    submit(claire, "Je confirme")
    assert claire.url == f"{base}/{slug}/me/"
    flash(claire, "Merci, votre participation est confirmée")
    expect(claire.locator(".card").filter(has_text=session_title).locator(".badge").first).to_have_text("Confirmée")
    assert mailbox.deliver() == [], "confirming sends no e-mail"

    # 7. The database agrees with the pages.
    with live_server.app.app_context():
        session = db.session.get(Session, session_id)
        assert session.state is SessionState.confirmed
        assert session.decided_at is not None and session.confirmed_at is not None
        assert session.staged_decision is None
        submitter = db.session.get(User, session.submitted_by_id)
        assert submitter.email == speaker[0] and submitter.full_name == speaker[1]
        lineup = sorted((p.role.value, p.speaker.email) for p in session.speakers)
        assert lineup == sorted([("moderator", speaker[0])] + [("panelist", email) for email, _ in panelists])
        reviews = db.session.scalars(sa.select(Review).where(Review.session_id == session_id)).all()
        assert [(r.reviewer.email, [s.value for s in r.scores]) for r in reviews] == [(reviewer[0], [4])]
        db.session.remove()


def _session_id(live_server, slug: str, title: str) -> int:
    from nec.events.models import Event

    with live_server.app.app_context():
        session_id = db.session.scalar(
            sa.select(Session.id)
            .join(Event, Session.event_id == Event.id)
            .where(Event.slug == slug, Session.title == title)
        )
        db.session.remove()
    assert session_id is not None, f"no session « {title} » in {slug}"
    return session_id
