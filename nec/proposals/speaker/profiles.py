"""The speaker's profile (/<ev>/me/profile) and its photo."""

from __future__ import annotations

import hashlib
import io
import warnings

import sqlalchemy as sa
from flask_babel import gettext as _

from nec.accounts.models import User
from nec.core import storage
from nec.events.models import Event
from nec.extensions import db
from nec.proposals.models import (
    SpeakerProfile,
    StructureType,
)
from nec.proposals.speaker.errors import ProposalError

# --- speaker profiles ------------------------------------------------------------------------------


def profile_for(event: Event, user) -> SpeakerProfile | None:
    """The person's profile for this event, if they have one (by account, or by a proven address)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    profile = db.session.scalar(
        sa.select(SpeakerProfile).where(SpeakerProfile.event_id == event.id, SpeakerProfile.user_id == user.id)
    )
    if profile is None and user.email_confirmed_at is not None:
        profile = db.session.scalar(
            sa.select(SpeakerProfile).where(
                SpeakerProfile.event_id == event.id,
                SpeakerProfile.email == user.email,
                SpeakerProfile.user_id.is_(None),
            )
        )
    return profile


def profile_refusal(event: Event, user: User) -> str | None:
    """For an account without a profile in this event (profile_for gave None): why none can be made
    (its address belongs to a profile it has not proven), else None. Reads only: a page shows it
    before anything is created."""
    taken = db.session.scalar(
        sa.select(SpeakerProfile.id).where(SpeakerProfile.event_id == event.id, SpeakerProfile.email == user.email)
    )
    if taken is None:
        return None
    return _(
        "Un profil d'intervenant·e existe déjà pour votre adresse e-mail. Pour le retrouver, "
        "ouvrez le lien d'invitation reçu par e-mail, ou connectez-vous avec un lien de connexion."
    )


def get_or_create_profile(event: Event, user: User) -> SpeakerProfile:
    """The person's profile for this event, created from their account on first use.

    A profile made for a co-speaker (no account yet) is claimed only by an account whose address
    is proven (a link followed): anyone can type any address when signing up.
    """
    profile = profile_for(event, user)
    if profile is not None:
        if profile.user_id is None:
            profile.user_id = user.id
        return profile
    refusal = profile_refusal(event, user)
    if refusal is not None:
        raise ProposalError(refusal)
    profile = SpeakerProfile(event_id=event.id, user_id=user.id, full_name=user.full_name, email=user.email)
    db.session.add(profile)
    db.session.flush()
    return profile


def update_profile(
    profile: SpeakerProfile,
    *,
    full_name: str,
    structure: str = "",
    structure_type: StructureType | str = StructureType.other,
    territory: str = "",
    bio: str = "",
    publish_consent: bool = False,
) -> SpeakerProfile:
    full_name = (full_name or "").strip()
    if not full_name:
        raise ProposalError(_("Indiquez votre prénom et votre nom."), "full_name")
    profile.full_name = full_name
    profile.structure = (structure or "").strip()
    profile.structure_type = StructureType(structure_type)
    profile.territory = (territory or "").strip()
    profile.bio = (bio or "").strip()
    profile.publish_consent = bool(publish_consent)
    return profile


def profile_is_complete(profile: SpeakerProfile | None) -> bool:
    """What the programme needs to present a speaker: a name, a structure and a few words."""
    return bool(profile and profile.full_name and profile.structure and profile.bio)


# --- photos --------------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 4000
PHOTO_STORED_SIDE = 800
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_FOLDER = "photos"


def _photo_refused() -> ProposalError:
    return ProposalError(
        _("Ce fichier n'est pas une image JPEG, PNG ou WebP lisible. Choisissez une photo dans l'un de ces formats."),
        "photo",
    )


def prepare_photo(data: bytes) -> bytes:
    """Check an uploaded photo by its content and re-encode it as a JPEG of at most 800 px.

    Re-encoding drops whatever else the file carried (metadata, a script hidden after the image).
    """
    from PIL import Image, ImageOps

    if len(data) > PHOTO_MAX_BYTES:
        raise ProposalError(_("Cette photo dépasse 5 Mo : choisissez une image plus légère."), "photo")
    if not data:
        raise _photo_refused()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in PHOTO_FORMATS:
                    raise _photo_refused()
                width, height = probe.size
                if width > PHOTO_MAX_SIDE or height > PHOTO_MAX_SIDE:
                    raise ProposalError(
                        _(
                            "Cette photo mesure %(w)d × %(h)d pixels : elle ne doit pas dépasser %(max)d pixels "
                            "de côté. Choisissez une image plus petite.",
                            w=width,
                            h=height,
                            max=PHOTO_MAX_SIDE,
                        ),
                        "photo",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image = ImageOps.exif_transpose(image)
                image.thumbnail((PHOTO_STORED_SIDE, PHOTO_STORED_SIDE))
                if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
                    image = image.convert("RGBA")
                    background = Image.new("RGB", image.size, (255, 255, 255))
                    background.paste(image, mask=image.getchannel("A"))
                    image = background
                else:
                    image = image.convert("RGB")
                out = io.BytesIO()
                image.save(out, format="JPEG", quality=85, optimize=True)
    except ProposalError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ProposalError(_("Cette image est trop grande : choisissez une photo plus petite."), "photo") from None
    except Exception:  # Pillow signals a damaged or disguised file with many exception types
        raise _photo_refused() from None
    return out.getvalue()


def set_photo(profile: SpeakerProfile, data: bytes) -> str | None:
    """Store a new photo; returns the previous file, for the caller to delete once committed."""
    prepared = prepare_photo(data)
    previous = profile.photo_path
    profile.photo_path = storage.save(prepared, folder=PHOTO_FOLDER, suffix=".jpg")
    return previous


def remove_photo(profile: SpeakerProfile) -> str | None:
    previous, profile.photo_path = profile.photo_path, None
    return previous


PHOTO_DIGEST_LENGTH = 16


def photo_digest(profile: SpeakerProfile) -> str | None:
    """A short name of the profile's current photo, for addresses that change with it (None: no photo).

    `set_photo` stores each new photo under a new random name, so a digest of that name changes with
    every photo: no version to keep on the profile, and the stored name itself never leaves the server.
    """
    if not profile.photo_path:
        return None
    return hashlib.sha256(profile.photo_path.encode()).hexdigest()[:PHOTO_DIGEST_LENGTH]
