"""Mails are written in the recipient's language (their account's, else French), never in the sender's."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from nec.accounts.models import EventRole, EventRoleKind
from nec.accounts.services import mail_locale, mail_locales
from nec.core.mail import queue_mail
from nec.core.mail_templates import queue_event_mail, save_wording
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import SpeakerProfile
from nec.proposals.review import services as review
from nec.proposals.review.services import Decision
from nec.proposals.sessions import services as programming
from tests.programme.public.helpers import DAY_ONE, build_programme, paris
from tests.support.data import outbox
from tests.support.events import nec_event
from tests.support.web import log_in, page_text

ROOT = Path(__file__).resolve().parents[2]

# The event of these tests (with its formats), organised by Odile Organisatrice.


@pytest.fixture
def event(db, organiser):
    return nec_event(organiser)


def _speaks_english(message) -> None:
    assert '<html lang="en">' in message.body_html
    for body in (message.body_text, message.body_html):
        assert "Bonjour" not in body and "Vous recevez ce message" not in body


def _speaks_french(message) -> None:
    assert '<html lang="fr">' in message.body_html
    assert "Hello" not in message.body_text and "You are receiving" not in message.body_text


def _set_page_language(client, locale: str) -> None:
    with client.session_transaction() as s:
        s["locale"] = locale


# --- finding the recipient's language -------------------------------------------------------------


def test_mail_locales_use_the_account_by_id_then_by_address_else_french(db, make_user, count_queries):
    english = make_user("emma@example.org", locale="en").id
    make_user("francois@example.org", locale="fr")
    with count_queries() as counter:
        locales = mail_locales(
            [
                ("Emma@Example.org ", None),  # found by its address, normalised
                ("francois@example.org", english),  # the account's id wins over the address
                ("ancienne.adresse@example.org", english),  # ... an address it no longer has, for example
                ("personne@example.org", None),  # no account: the event's language
            ]
        )
    assert locales == {
        "emma@example.org": "en",
        "francois@example.org": "en",
        "ancienne.adresse@example.org": "en",
        "personne@example.org": "fr",
    }
    assert counter.count == 1
    assert mail_locale("emma@example.org") == "en"
    assert mail_locale("personne@example.org") == "fr"


def test_mail_locales_of_nobody_runs_no_query(db, count_queries):
    with count_queries() as counter:
        assert mail_locales([]) == {}
    assert counter.count == 0


def test_queue_mail_renders_a_lazy_or_callable_subject_in_the_recipient_language(db, make_event):
    ev = make_event(title="NEC Sud Charente")
    with force_locale("fr"):  # the sender reads French
        lazy = queue_mail(
            "emma@example.org",
            "magic_link",
            subject=_l("Votre lien de connexion"),
            locale="en",
            url="https://nec.example.org/l",
            minutes=30,
        )
    with force_locale("en"):  # the sender reads English
        called = queue_mail(
            "francois@example.org",
            "claim_profile",
            subject=lambda: str(_l("Votre profil d'intervenant·e pour %(event)s", event=ev.title)),
            event=ev,
            url="https://nec.example.org/c",
            days=1,
        )
    assert lazy.subject == "Your login link"
    assert "This link is valid for 30 minutes" in lazy.body_text
    assert called.subject == "Votre profil d'intervenant·e pour NEC Sud Charente"
    assert "Ce lien est valable 1 jour. Ne le transférez pas" in called.body_text  # singular, no locale: French
    _speaks_french(called)


def test_queue_mail_with_an_unknown_locale_writes_french(db):
    message = queue_mail(
        "x@example.org", "magic_link", subject="Sujet", locale="de", url="https://nec.example.org/l", minutes=5
    )
    assert message.body_text.startswith("Bonjour,")
    _speaks_french(message)


# --- account mails -----------------------------------------------------------------------------------


def test_magic_link_to_an_english_account_is_in_english_from_a_french_page(client, db, make_user):
    make_user("emma@example.org", full_name="Emma Smith", locale="en")
    _set_page_language(client, "fr")
    response = client.post("/login/link", data={"link-email": "emma@example.org"})
    assert '<html lang="fr"' in page_text(response)
    [message] = outbox()
    assert message.subject == "Your login link"
    assert message.body_text.startswith("Hello Emma Smith,")
    assert "To log in, open this link then click the “Log in” button:" in message.body_text
    assert "This link is valid for" in message.body_html and ">Log me in</a>" in message.body_html
    assert "because a login link was requested for this address" in message.body_html
    _speaks_english(message)


def test_magic_link_to_a_french_account_is_in_french_from_an_english_page(client, db, make_user):
    make_user("francois@example.org", full_name="François Martin", locale="fr")
    _set_page_language(client, "en")
    response = client.post("/login/link", data={"link-email": "francois@example.org"})
    assert '<html lang="en"' in page_text(response)  # the person asking reads English...
    [message] = outbox()
    assert message.subject == "Votre lien de connexion"  # ... the account's owner reads French
    assert message.body_text.startswith("Bonjour François Martin,")
    assert "Pour vous connecter, ouvrez ce lien" in message.body_text
    _speaks_french(message)


@pytest.mark.parametrize(
    ("locale", "subject", "sentence", "reason"),
    [
        (
            "en",
            "Choose a new password",
            "You asked to choose a new password. Open this link:",
            "because a new password was requested for this address",
        ),
        (
            "fr",
            "Choisir un nouveau mot de passe",
            "Vous avez demandé à choisir un nouveau mot de passe. Ouvrez ce lien :",
            "parce qu'un nouveau mot de passe a été demandé pour cette adresse",
        ),
    ],
)
def test_password_reset_is_in_the_account_language(client, db, make_user, locale, subject, sentence, reason):
    make_user("camille@example.org", full_name="Camille Martin", locale=locale)
    _set_page_language(client, "fr" if locale == "en" else "en")  # the other language: it must not leak
    client.post("/account/password-reset", data={"email": "camille@example.org"})
    [message] = outbox()
    assert message.subject == subject
    assert sentence in message.body_text and sentence in message.body_html
    assert reason in message.body_html
    (_speaks_english if locale == "en" else _speaks_french)(message)


# --- team invitations ----------------------------------------------------------------------------------


def test_team_invitation_from_an_english_organiser_to_a_french_member_is_in_french(
    client, db, event, organiser, make_user
):
    organiser.locale = "en"
    make_user("francois@example.org", full_name="François Martin", locale="fr")
    db.session.commit()
    log_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/team", data={"email": "francois@example.org", "role": "reviewer"})
    assert response.status_code == 302
    [message] = outbox()
    assert message.subject == "Vous rejoignez l'équipe de NEC Sud Charente"
    assert (
        "Odile Organisatrice vous a ajouté à l'équipe de « NEC Sud Charente » avec le rôle : Relecteur ou relectrice."
        in message.body_text
    )
    _speaks_french(message)


def test_team_invitation_to_an_english_member_is_in_english_with_the_role_translated(
    client, db, event, organiser, make_user
):
    make_user("emma@example.org", full_name="Emma Smith", locale="en")
    log_in(client, organiser)  # a French organiser
    client.post(f"/{event.slug}/manage/team", data={"email": "emma@example.org", "role": "reviewer"})
    [message] = outbox()
    assert message.subject == "You are joining the NEC Sud Charente team"
    assert "Hello Emma Smith," in message.body_text
    assert "Odile Organisatrice added you to the “NEC Sud Charente” team with the role: Reviewer." in message.body_text
    assert "with the role: Reviewer." in message.body_html
    _speaks_english(message)


def test_team_invitation_to_a_new_person_is_in_french(client, db, event, organiser):
    organiser.locale = "en"
    db.session.commit()
    log_in(client, organiser)
    client.post(f"/{event.slug}/manage/team", data={"email": "nouvelle@example.org", "role": "organiser"})
    [message] = outbox()
    assert message.subject == "Vous rejoignez l'équipe de NEC Sud Charente"
    assert "Un compte a été créé pour vous" in message.body_text
    assert "Ce lien est valable" in message.body_text and "la page de connexion</a>" in message.body_html
    _speaks_french(message)


# --- speakers: claim links, programme updates, the organisers' wordings ---------------------------------


def _profile(db, ev, email, **kw) -> SpeakerProfile:
    profile = SpeakerProfile(event_id=ev.id, full_name="Ana Intervenante", email=email, **kw)
    db.session.add(profile)
    db.session.commit()
    return profile


def test_claim_link_to_an_address_with_an_english_account_is_in_english(db, event, organiser, make_user):
    make_user("ana@example.org", locale="en")
    profile = _profile(db, event, "ana@example.org")
    with force_locale("fr"):
        programming.send_claim_link(profile, organiser)
    [message] = outbox()
    assert message.subject == "Your speaker profile for NEC Sud Charente"
    assert "The “NEC Sud Charente” team has registered you as a speaker" in message.body_text
    assert "This link is valid for" in message.body_text
    assert "because the “NEC Sud Charente” team registered you as a speaker" in message.body_html
    _speaks_english(message)


def test_claim_link_from_an_english_organiser_to_a_speaker_without_account_is_in_french(client, db, event, organiser):
    organiser.locale = "en"
    db.session.commit()
    profile = _profile(db, event, "ana@example.org")
    log_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/speakers/{profile.id}/claim-link")
    assert response.status_code == 302
    [message] = outbox()
    assert message.subject == "Votre profil d'intervenant·e pour NEC Sud Charente"
    assert "vous a inscrit·e comme intervenant·e" in message.body_text
    _speaks_french(message)


def test_programme_update_follows_each_speaker_language_with_dates(client, db, make_event, make_user):
    programme = build_programme(db, make_event, slug="nec-langues")
    orga = make_user("orga@example.org", full_name="Odile Organisatrice", locale="en")
    db.session.add(EventRole(event=programme.event, user=orga, role=EventRoleKind.organiser))
    make_user("chloe@example.org", full_name="Chloé Moreau", locale="en")  # her profile is not tied to it
    workshop = next(s for s in programme.draft.slots if s.session_id == programme.sessions["workshop"].id)
    workshop.starts_at, workshop.ends_at = paris(DAY_ONE, 15), paris(DAY_ONE, 17)
    db.session.commit()

    log_in(client, orga)  # an organiser who reads English
    response = client.post("/nec-langues/manage/releases", data={"name": "v2", "notify": "y"})
    assert response.status_code == 302

    mails = {m.to_address: m for m in outbox()}
    chloe, denis = mails["chloe@example.org"], mails["denis@example.org"]
    assert chloe.subject == "Programme updated: your sessions at “NEC de test”"
    assert "Hello Chloé Moreau," in chloe.body_text
    assert "When: Tuesday 28 January 2031, from 15:00 to 17:00" in chloe.body_text
    assert "Before: Tuesday 28 January 2031, from 09:00 to 11:00, Salle Bastide" in chloe.body_text
    assert "Tuesday 28 January 2031" in chloe.body_html
    _speaks_english(chloe)
    assert denis.subject == "Programme mis à jour : vos sessions à « NEC de test »"  # no account: French
    assert "Quand : mercredi 29 janvier 2031, de 09h00 à 10h00" in denis.body_text
    _speaks_french(denis)


def test_organiser_wording_stays_as_typed_and_the_frame_follows_the_recipient(db, event, make_user):
    save_wording(event, MailTemplateKind.rejected, "Réponse pour « {session_title} »", "Chère {person_name}, désolé.")
    db.session.commit()
    english = queue_event_mail(
        event,
        MailTemplateKind.rejected,
        "emma@example.org",
        to_name="Emma",
        base_url="https://nec.example.org",
        locale="en",
        session_title="S",
    )
    assert english.subject == "Réponse pour « S »"
    assert "Chère Emma, désolé." in english.body_text
    assert "You are receiving this message following a request made with your email" in english.body_text
    assert '<html lang="en">' in english.body_html


def test_decisions_are_framed_in_each_recipient_language(db, event, organiser, make_session, make_user):
    make_user("ana@example.org", locale="en")
    session = make_session(
        "Le métier de médiateur",
        speakers=[("Ana Modératrice", "ana@example.org", ""), ("Bruno Panéliste", "bruno@example.org", "")],
    )
    review.stage_decisions(event, organiser, [session.id], Decision.accept)
    db.session.commit()
    with force_locale("en"):
        review.apply_decisions(event, organiser)
    mails = {m.to_address: m for m in outbox()}
    assert set(mails) == {"ana@example.org", "bruno@example.org"}
    for message in mails.values():  # the organisers' (here default) wording, as typed
        assert message.subject == "Votre proposition « Le métier de médiateur » est retenue"
    assert "You are receiving this message following a request" in mails["ana@example.org"].body_text
    assert "Vous recevez ce message à la suite d'une démarche" in mails["bruno@example.org"].body_text


# --- the catalogue -------------------------------------------------------------------------------------


def test_every_mail_sentence_has_an_english_translation():
    method_map = [("**.html", "jinja2"), ("**.txt", "jinja2")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n"}, "**.txt": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / "templates" / "mail", method_map, options, keywords=keywords
        )
    }
    with (ROOT / "nec" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    assert len(found) > 40
    missing = sorted(m for m in found if not (e := catalog.get(m)) or not e.string or e.fuzzy or not all(e.string))
    assert missing == []


def test_no_french_sentence_is_left_outside_gettext_in_the_mail_templates():
    """A crude guard: every line of text outside tags and `{{ }}` holds no French word."""
    words = ("Bonjour", "Vous ", "vous ", "Ce lien", "Une question")
    leftovers = []
    for path in sorted((ROOT / "templates" / "mail").glob("*.*")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            bare = line
            while "{{" in bare and "}}" in bare:
                bare = bare[: bare.index("{{")] + bare[bare.index("}}") + 2 :]
            if "{#" in bare:
                continue
            if any(word in bare for word in words):
                leftovers.append(f"{path.name}:{number}: {line.strip()}")
    assert leftovers == []
