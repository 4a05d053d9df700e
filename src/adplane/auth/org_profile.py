"""The organization's own profile (IQM's Workspace API): name, contact, address, company facts and logo.

Any member may view it (GET /api/v3/ua/organization/view-profile); only its admins change it (PATCH
/api/v3/ua/organization/update-profile). Only the organization of X-IAA-OW-ID is reached, so a customer can
never read its workspace owner's profile (it is no member there: 403)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adplane.auth.account import image_format
from adplane.auth.models import Organization
from adplane.auth.schemas import OrganizationProfileUpdate
from adplane.core.clock import utcnow
from adplane.core.deps import Principal
from adplane.core.errors import Forbidden, ValidationFailed
from adplane.core.listing import parse_ids
from adplane.core.settings import Settings
from adplane.files import service as files

PROFILE_UPDATED = "Profile updated successfully."
LOGO_LINK_TTL_SECONDS = 10 * 365 * 24 * 3600  # stored with the organization, like user avatars
NAME_TAKEN = "An organization with this name already exists in the workspace."

# field of OrganizationProfileUpdate → column; the name, the logo and the expertise list are handled apart
TEXT_FIELDS = {
    "email": "email", "website": "website", "contact_number": "contact_number", "address": "address",
    "city": "city", "zipcode": "zipcode", "industry": "industry", "company_id": "company_id", "tax_id": "tax_id",
    "currency": "currency", "date_format": "date_format", "description": "description",
}
ID_FIELDS = {"state": "state_id", "country": "country_id", "company_size": "company_size_id",
             "vertical_id": "vertical_id"}


@dataclass(frozen=True)
class LogoUpload:
    name: str
    content: bytes  # at most MAX_AVATAR_BYTES + 1 bytes were read


def _org(session: Session, principal: Principal, *, for_update: bool = False) -> Organization:
    stmt = select(Organization).where(Organization.ow_id == principal.ow_id)
    if for_update:
        stmt = stmt.with_for_update()
    org = session.scalar(stmt)
    assert org is not None  # the principal's organization exists (checked with the token)
    return org


def view(session: Session, principal: Principal) -> dict[str, Any]:
    org = _org(session, principal)
    return {
        "organizationName": org.name,
        "email": org.email,
        "website": org.website,
        "contactNumber": org.contact_number,
        "address": org.address,
        "city": org.city,
        "state": org.state_id,
        "country": org.country_id,
        "zipcode": org.zipcode,
        # IQM: true when no logo was given and a default avatar stands in for it
        "isAvatarUrl": org.logo_url is None,
        "organizationLogo": org.logo_url,
        "industry": org.industry,
        "companySize": org.company_size_id,
        "companyId": org.company_id,
        "taxId": org.tax_id,
        "currency": org.currency,
        "dateFormat": org.date_format,
        "description": org.description,
        "verticalId": org.vertical_id,
        "expertize": org.expertize,
    }


def name_taken(session: Session, workspace_id: int, name: str, *, except_ow_id: int | None = None) -> bool:
    """Whether another organization of the workspace has this name (case-insensitive)."""
    stmt = select(Organization.ow_id).where(Organization.workspace_id == workspace_id,
                                            func.lower(Organization.name) == name.lower())
    if except_ow_id is not None:
        stmt = stmt.where(Organization.ow_id != except_ow_id)
    return session.scalar(stmt.limit(1)) is not None


def update(session: Session, settings: Settings, principal: Principal, fields: OrganizationProfileUpdate,
           upload: LogoUpload | None) -> dict[str, Any]:
    """Apply the given fields (an empty one clears it); every check runs before anything is written."""
    if not principal.is_org_admin:
        raise Forbidden("Only an organization admin can update the organization's profile.")
    given = fields.model_fields_set - {"remove_organization_logo"}
    if not given and upload is None and not fields.remove_organization_logo:
        raise ValidationFailed("Nothing to update: give a field of the organization's profile.",
                               field="organizationName")
    if fields.remove_organization_logo and (fields.organization_logo or upload is not None):
        raise ValidationFailed("Give a new organizationLogo or removeOrganizationLogo, not both.",
                               field="removeOrganizationLogo")
    org = _org(session, principal, for_update=True)
    name = None
    if "organization_name" in given:
        name = (fields.organization_name or "").strip()
        if not name:
            raise ValidationFailed("organizationName cannot be empty.", field="organizationName")
        if name_taken(session, org.workspace_id, name, except_ow_id=org.ow_id):
            raise ValidationFailed(NAME_TAKEN, field="organizationName")
    expertize = None
    if "expertize" in given and fields.expertize:
        expertize = ",".join(str(i) for i in parse_ids(fields.expertize, "expertize"))
    logo_suffix = (image_format(upload.content, field="organizationLogo", what="Organization logo")
                   if upload is not None else None)

    if name is not None:
        org.name = name
    for attr, column in TEXT_FIELDS.items():
        if attr in given:
            setattr(org, column, (getattr(fields, attr) or "").strip() or None)
    for attr, column in ID_FIELDS.items():
        if attr in given:
            setattr(org, column, getattr(fields, attr))
    if "expertize" in given:
        org.expertize = expertize
    if upload is not None and logo_suffix is not None:
        org.logo_url = _store_logo(session, settings, principal, upload, *logo_suffix)
    elif fields.organization_logo:
        org.logo_url = fields.organization_logo
    elif fields.remove_organization_logo:
        org.logo_url = None
    org.modified_at = utcnow()
    session.commit()
    answer: dict[str, Any] = {"organizationId": org.ow_id, "organizationName": org.name}
    if org.logo_url:
        answer["organizationLogo"] = org.logo_url
    answer["message"] = PROFILE_UPDATED
    return answer


def _store_logo(session: Session, settings: Settings, principal: Principal, upload: LogoUpload, suffix: str,
                content_type: str) -> str:
    path = files.new_file_path(settings, "logos", principal.ow_id, suffix)
    path.write_bytes(upload.content)
    stored = files.register(session, settings, ow_id=principal.ow_id, path=path, download_name=f"logo{suffix}",
                            kind="logo")
    stored.content_type = content_type
    return files.signed_url(settings, stored, settings.public_base_url, LOGO_LINK_TTL_SECONDS)
