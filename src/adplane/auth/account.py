"""The caller's own account: profile (display name, names, avatar) and password.

A password check by a logged-in caller goes through the login throttle (the account from this client
address), so a stolen access token cannot be used to guess the password faster than login allows."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from adplane.auth import password_reset, throttle
from adplane.auth import repository as repo
from adplane.auth.models import User
from adplane.auth.passwords import enforce as enforce_password_rules
from adplane.auth.schemas import ProfileUpdate
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.core.security import hash_password, verify_password
from adplane.core.settings import Settings
from adplane.files import service as files

MAX_AVATAR_BYTES = 3 * 1024 * 1024
AVATAR_FORMATS = {"PNG": (".png", "image/png"), "JPEG": (".jpg", "image/jpeg"), "GIF": (".gif", "image/gif"),
                  "WEBP": (".webp", "image/webp")}
AVATAR_LINK_TTL_SECONDS = 10 * 365 * 24 * 3600  # stored with the user, like creative file links
PROFILE_UPDATED = "Profile updated successfully."
PASSWORD_RESET = "Password reset successfully."
INVALID_OLD_PASSWORD = "Invalid old password."


@dataclass(frozen=True)
class AvatarUpload:
    name: str
    content: bytes  # at most MAX_AVATAR_BYTES + 1 bytes were read


def _own_user(session: Session, principal: Principal) -> User:
    user = session.get(User, principal.user_id)
    assert user is not None
    return user


# --------------------------------------------------------------------------- password


def password_matches(session: Session, settings: Settings, principal: Principal, password: str,
                     address: str) -> bool:
    """Check the caller's password under the login throttle (429 past its limits); a success gives the
    attempt back."""
    rules = throttle.login_rules(settings, principal.workspace_id, principal.email, address)
    throttle.reserve(session, rules)
    matches = verify_password(_own_user(session, principal).password_hash, password)
    if matches:
        throttle.release(session, rules, clear={rules[-1].key})
        session.commit()
    return matches


def change_password(session: Session, settings: Settings, principal: Principal, old_password: str,
                    new_password: str, address: str) -> str:
    """POST /api/v3/ua/user/password/reset: the old password must match; the new one follows the sign-up
    rules. The caller's other sessions (and pending reset links) stop working; this session goes on."""
    enforce_password_rules(new_password, field="newPassword")
    if not password_matches(session, settings, principal, old_password, address):
        raise ValidationFailed(INVALID_OLD_PASSWORD, field="oldPassword")
    user = _own_user(session, principal)
    user.password_hash = hash_password(new_password)
    repo.revoke_tokens(session, user.id, keep_token_id=principal.token_id)
    password_reset.cancel_pending(session, user.id)
    session.commit()
    return PASSWORD_RESET


# --------------------------------------------------------------------------- profile


def update_profile(session: Session, settings: Settings, principal: Principal, fields: ProfileUpdate,
                   upload: AvatarUpload | None) -> dict[str, Any]:
    """PATCH /api/v3/ua/user/update-profile: display name, names, avatar (an https link or an uploaded
    image up to 3 MB) or its removal."""
    given = fields.model_fields_set - {"remove_user_profile"}
    if not given and upload is None and not fields.remove_user_profile:
        raise ValidationFailed("Nothing to update: give displayName, userAvatar or removeUserProfile.",
                               field="displayName")
    if fields.remove_user_profile and (fields.user_avatar or upload is not None):
        raise ValidationFailed("Give a new userAvatar or removeUserProfile, not both.", field="removeUserProfile")
    user = _own_user(session, principal)
    if "display_name" in given:
        user.display_name = _required_name(fields.display_name, "displayName")
    if "first_name" in given:
        user.first_name = (fields.first_name or "").strip() or None
    if "last_name" in given:
        user.last_name = (fields.last_name or "").strip() or None
    if upload is not None:
        user.avatar_url = _store_avatar(session, settings, principal, upload)
    elif fields.user_avatar:
        user.avatar_url = fields.user_avatar
    elif fields.remove_user_profile:
        user.avatar_url = None
    session.commit()
    answer: dict[str, Any] = {"message": PROFILE_UPDATED}
    if user.avatar_url:
        answer = {"userAvatar": user.avatar_url, **answer}
    return answer


def _required_name(value: str | None, field: str) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationFailed(f"{field} cannot be empty.", field=field)
    return name


def image_format(content: bytes, *, field: str, what: str) -> tuple[str, str]:
    """(suffix, MIME type) of an uploaded profile image or logo; a 422 on `field` for anything but a PNG, JPEG,
    GIF or WebP image up to 3 MB."""
    if len(content) > MAX_AVATAR_BYTES:
        raise ValidationFailed(f"{what} should not be more than 3 MB", field=field)
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format or ""
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind = ""
    if kind not in AVATAR_FORMATS:
        raise ValidationFailed(f"{what} must be a PNG, JPEG, GIF or WebP image.", field=field)
    return AVATAR_FORMATS[kind]


def _store_avatar(session: Session, settings: Settings, principal: Principal, upload: AvatarUpload) -> str:
    suffix, content_type = image_format(upload.content, field="userAvatar", what="Profile image")
    path = files.new_file_path(settings, "avatars", principal.ow_id, suffix)
    path.write_bytes(upload.content)
    stored = files.register(session, settings, ow_id=principal.ow_id, path=path, download_name=f"avatar{suffix}",
                            kind="avatar")
    stored.content_type = content_type
    return files.signed_url(settings, stored, settings.public_base_url, AVATAR_LINK_TTL_SECONDS)
