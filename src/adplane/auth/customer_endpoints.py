"""Workspace API (issue #18): the organization's profile and the workspace's customers (invite, re-send, cancel,
list, hold, re-activate, configuration) with IQM's static lists. Paths, fields and answers are IQM's
(guidelines/workspace-api.mdx and the specification)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from adplane.auth import customers, org_profile
from adplane.auth import org_status as st
from adplane.auth.account import MAX_AVATAR_BYTES
from adplane.auth.deps import PrincipalDep, get_principal_default_org
from adplane.auth.responses import (
    BasicCustomerList,
    CatalogItem,
    CustomerConfig,
    CustomerInviteResult,
    CustomerList,
    CustomerPaymentTypes,
    OrganizationProfile,
    OrganizationProfileUpdated,
    UserSortByItem,
)
from adplane.auth.schemas import (
    SEARCH_PATTERN,
    BasicCustomerListRequest,
    CustomerHoldRequest,
    CustomerInvitation,
    CustomerOperationsUpdate,
    CustomerRequest,
    CustomerReSendRequest,
    OrganizationProfileUpdate,
)
from adplane.core.deps import IdPath, Principal, SessionDep, SettingsDep
from adplane.core.envelopes import V3, Message, v3
from adplane.core.errors import ValidationFailed
from adplane.core.schemas import MAX_DB_INT, json_field

router = APIRouter(tags=["Workspace API"])

CallerDep = Annotated[Principal, Depends(get_principal_default_org)]
"""The caller's own organization (profile, static lists): X-IAA-OW-ID may be left out, as for GET profile."""

ORG_PROFILE_FIELDS = tuple(field.alias or name for name, field in OrganizationProfileUpdate.model_fields.items())


# --------------------------------------------------------------------------- the organization's profile


@router.get("/api/v3/ua/organization/view-profile", response_model=V3[OrganizationProfile])
def view_profile(session: SessionDep, principal: CallerDep) -> dict:
    """The profile of the organization of X-IAA-OW-ID (any of its members)."""
    return v3(org_profile.view(session, principal))


@router.patch("/api/v3/ua/organization/update-profile", response_model=V3[OrganizationProfileUpdated])
async def update_profile(request: Request, session: SessionDep, settings: SettingsDep, principal: CallerDep) -> dict:
    """Organization admins: form fields (urlencoded, or multipart with `organizationLogo` as an image file) or a
    JSON body; a field given empty is cleared."""
    fields, upload = await _profile_input(request)
    return v3(await run_in_threadpool(org_profile.update, session, settings, principal, fields, upload))


async def _profile_input(request: Request) -> tuple[OrganizationProfileUpdate, org_profile.LogoUpload | None]:
    content_type = request.headers.get("content-type", "").lower()
    upload = None
    raw: dict[str, Any] = {}
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        try:
            form = await request.form(max_files=1, max_fields=50)
        except HTTPException as exc:  # a malformed form, more than one file or too many fields
            raise ValidationFailed(str(exc.detail), field="body") from None
        for name in ORG_PROFILE_FIELDS:
            value = form.get(name)
            if isinstance(value, UploadFile):
                if name != "organizationLogo":
                    raise ValidationFailed(f"{name} must be a text field.", field=name)
                upload = org_profile.LogoUpload(value.filename or "logo", await value.read(MAX_AVATAR_BYTES + 1))
            elif value is not None:
                raw[name] = value
    else:
        body = await request.body()
        parsed = json_field(body, "body", "Request body is not valid JSON") if body.strip() else {}
        if not isinstance(parsed, dict):
            raise ValidationFailed("The body must be a JSON object.", field="body")
        raw = {name: parsed[name] for name in ORG_PROFILE_FIELDS if name in parsed}
    if raw.get("organizationLogo") == "":
        raw.pop("organizationLogo")
    if raw.get("removeOrganizationLogo") == "":
        raw.pop("removeOrganizationLogo")
    raw = {name: None if value == "" else value for name, value in raw.items()}
    return OrganizationProfileUpdate.model_validate(raw), upload


# --------------------------------------------------------------------------- customers


@router.get("/api/v3/ua/customers/list", response_model=V3[CustomerList])
def list_customers(
    session: SessionDep,
    principal: PrincipalDep,
    ow_ids: Annotated[str | None, Query(alias="owIds", max_length=60_000, pattern=r"^[0-9, ]*$",
                                        description="only these customers (comma-separated owIds)")] = None,
    child_ow_ids: Annotated[str | None, Query(alias="childOwIds", max_length=60_000, pattern=r"^[0-9, ]*$")] = None,
    status: Annotated[str | None, Query(max_length=100, description="comma-separated ids of GET "
                                        "/api/v3/ua/static/organization-workspace-status")] = None,
    customer_type: Annotated[str | None, Query(alias="customerType", max_length=100, description="comma-"
                                               "separated ids of GET /api/v3/ua/static/customer-type")] = None,
    customer_account_type: Annotated[str | None, Query(alias="customerAccountType", max_length=100)] = None,
    search_field: Annotated[str | None, Query(alias="searchField", max_length=255, pattern=SEARCH_PATTERN)] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    no_of_entries: Annotated[int | None, Query(alias="noOfEntries", ge=1, le=1000,
                                               description="the same as limit")] = None,
    page_no: Annotated[int, Query(alias="pageNo", ge=1, le=1_000_000)] = 1,
    sort_by: Annotated[str | None, Query(alias="sortBy", max_length=100, description="status, createdAt, modifiedAt, "
                                         "organizationName or owId with + or -; default -createdAt")] = None,
    order: Annotated[str | None, Query(max_length=10, description="asc or desc, for a sortBy without +/-")] = None,
) -> dict:
    """Workspace admins (acting for the workspace owner organization): the workspace's customers."""
    data = customers.list_customers(
        session, principal, ow_ids=ow_ids, child_ow_ids=child_ow_ids, status=status, customer_type=customer_type,
        account_type=customer_account_type, search=search_field, sort_by=sort_by, order=order, page_no=page_no,
        no_of_entries=limit or no_of_entries or 10)
    return v3(data)


@router.post("/api/v3/ua/customer/basic/list", response_model=V3[BasicCustomerList])
def basic_customer_list(body: BasicCustomerListRequest, session: SessionDep, principal: PrincipalDep) -> dict:
    return v3(customers.basic_list(session, principal, body))


@router.post("/api/v3/ua/customer/invite", response_model=V3[CustomerInviteResult])
def invite_customers(
    body: Annotated[list[CustomerInvitation], Body(min_length=1, max_length=100)],
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
) -> dict:
    """Workspace admins create customers (at most 10 a request), each with its first admin invited by mail."""
    return v3(customers.invite(session, settings, principal, body))


@router.post("/api/v3/ua/customer/invite/re-send", response_model=V3[str])
def re_send_invite(body: CustomerReSendRequest, session: SessionDep, settings: SettingsDep,
                   principal: PrincipalDep) -> dict:
    return v3(customers.re_send(session, settings, principal, invite_hash=body.invite_hash, ow_id=body.ow_id))


@router.delete("/api/v3/ua/customer/invite/cancel", response_model=V3[str])
def cancel_invite(
    session: SessionDep,
    principal: PrincipalDep,
    ow_id: Annotated[int, Query(alias="owId", ge=1, le=MAX_DB_INT)],
) -> dict:
    """Only while the customer's invitee has not signed up: the customer is removed again."""
    return v3(customers.cancel(session, principal, ow_id))


@router.patch("/api/v3/ua/customer/hold", response_model=V3[str])
def hold_customer(body: CustomerHoldRequest, session: SessionDep, principal: PrincipalDep) -> dict:
    return v3(customers.hold(session, principal, body.ow_id, body.status_reason))


@router.patch("/api/v3/ua/customer/re-activate", response_model=V3[str])
def reactivate_customer(body: CustomerRequest, session: SessionDep, principal: PrincipalDep) -> dict:
    return v3(customers.reactivate(session, principal, body.ow_id))


@router.patch("/api/v3/ua/customer-operations/{owId}", response_model=V3[Message])
def update_customer_operations(owId: IdPath, body: CustomerOperationsUpdate, session: SessionDep,  # noqa: N803
                               principal: PrincipalDep) -> dict:
    """A customer's type, payment type (its billing terms) and country, set or reset by a workspace admin."""
    return v3(customers.update_operations(session, principal, owId, body.customer_operations_details,
                                          body.resets()))


@router.get("/api/v3/ua/customer/config/{customerOwId}", response_model=V3[CustomerConfig])
def customer_config(customerOwId: IdPath, session: SessionDep, principal: PrincipalDep) -> dict:  # noqa: N803
    return v3(customers.config(session, principal, customerOwId))


# --------------------------------------------------------------------------- static lists


@router.get("/api/v3/ua/static/customer-type", response_model=V3[list[CatalogItem]])
def customer_types(principal: CallerDep) -> dict:
    return v3(customers.CUSTOMER_TYPES)


@router.get("/api/v3/ua/static/customer-payment-types", response_model=V3[CustomerPaymentTypes])
def customer_payment_types(principal: CallerDep) -> dict:
    return v3(customers.payment_types())


@router.get("/api/v3/ua/static/organization-workspace-status", response_model=V3[list[CatalogItem]])
def organization_workspace_statuses(
    principal: CallerDep,
    view: Annotated[str | None, Query(max_length=20, description="customer, approval or finance")] = None,
) -> dict:
    customers.check_view(view)
    return v3(st.OW_STATUSES)


@router.get("/api/v3/ua/static/customer-list-sortable-field", response_model=V3[list[UserSortByItem]])
def customer_list_sortable_fields(principal: CallerDep) -> dict:
    return v3(customers.CUSTOMER_SORTABLE_FIELDS)
