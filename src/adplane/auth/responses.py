"""Answer models of the user-management routes (IQM's wire names); only Pydantic, so the SDK can use them.

The older auth answers (token, profile, organizations) are in `adplane.auth.schemas`."""

from __future__ import annotations

from adplane.core.envelopes import ResponseModel


class UserRow(ResponseModel):
    """A user of the organization (GET /api/v3/ua/users/list); keys without a value are left out, as IQM does."""

    userId: int
    firstName: str | None = None
    lastName: str | None = None
    email: str
    displayName: str
    status: str
    statusId: int
    userAvatar: str | None = None
    createdAt: int  # epoch milliseconds
    uowId: int
    customersCount: int
    organizationName: str
    invitedOn: int | None = None  # epoch milliseconds of the latest invitation
    isOrganizationOwnerUser: bool
    isModificationAllowed: bool
    invitedByUserName: str | None = None
    invitedByUserEmail: str | None = None
    isAssignActionAllowed: bool


class UserList(ResponseModel):
    data: list[UserRow]
    totalRecords: int
    filteredRecords: int


class UserStatusItem(ResponseModel):
    name: str
    id: int
    label: str
    order: int


class UserSortByItem(ResponseModel):
    label: str
    field: str
    order: int


class ProfileUpdated(ResponseModel):
    userAvatar: str | None = None
    message: str


class PasswordCheck(ResponseModel):
    isValid: bool


class ResetHashCheck(ResponseModel):
    resetEmail: str
    isValid: bool


class EmailCheck(ResponseModel):
    isValid: bool
    owId: int
    isWorkspaceAllowed: bool
