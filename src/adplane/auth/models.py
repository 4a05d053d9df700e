"""Tenancy and credentials: workspaces → organizations → users (by membership); client apps; tokens."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Identity, Integer, Numeric, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime

ORG_STATUS_ACTIVE = "active"
ORG_STATUS_ON_HOLD = "on_hold"
ROLE_ADMIN = "admin"
ROLE_MEMBER = "member"

# IQM's user status ids (GET /api/v3/ua/static/user-status). A membership stores active, on hold or
# deleted; "invited" is derived (an active membership of a user who has no password yet) and "pending"
# is never produced here.
USER_STATUS_ACTIVE = 1
USER_STATUS_PENDING = 2
USER_STATUS_INVITED = 3
USER_STATUS_ON_HOLD = 4
USER_STATUS_DELETED = 5


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # open sign-up: a new e-mail may create its own organization through POST /api/v3/ua/sign-up
    open_sign_up: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Organization(Base):
    __tablename__ = "organizations"

    ow_id: Mapped[int] = mapped_column(Integer, Identity(start=200001), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=ORG_STATUS_ACTIVE)
    hold_reason: Mapped[str | None] = mapped_column(String(1000))
    support_email: Mapped[str | None] = mapped_column(String(255))
    funds_balance: Mapped[Decimal] = mapped_column(Numeric(18, 6), default=Decimal("0"))
    timezone_id: Mapped[int] = mapped_column(Integer, default=29)
    # the workspace's gross margin on this customer's spend, in percent (IQM's customer margin, type 1)
    gross_margin: Mapped[Decimal] = mapped_column(Numeric(7, 4), default=Decimal("0"), server_default="0")
    is_workspace_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # the organization's profile (GET /api/v3/ua/organization/view-profile, PATCH .../update-profile)
    email: Mapped[str | None] = mapped_column(String(320))
    website: Mapped[str | None] = mapped_column(String(2048))
    contact_number: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(1000))
    city: Mapped[str | None] = mapped_column(String(255))
    state_id: Mapped[int | None] = mapped_column(Integer)
    country_id: Mapped[int | None] = mapped_column(Integer)
    zipcode: Mapped[str | None] = mapped_column(String(20))
    industry: Mapped[str | None] = mapped_column(String(255))
    company_size_id: Mapped[int | None] = mapped_column(Integer)
    company_id: Mapped[str | None] = mapped_column(String(100))
    tax_id: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str | None] = mapped_column(String(50))
    date_format: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(String(2000))
    vertical_id: Mapped[int | None] = mapped_column(Integer)
    expertize: Mapped[str | None] = mapped_column(String(500))  # comma-separated expertise ids
    logo_url: Mapped[str | None] = mapped_column(String(2048))
    # a customer's terms as the workspace admin invited it: IQM's customer type (1 self served, 2 managed
    # services, 3 app users) and payment type (PAYMENT_TYPE_PREPAID / _POSTPAID; None: never chosen)
    customer_type_id: Mapped[int | None] = mapped_column(Integer)
    payment_type_id: Mapped[int | None] = mapped_column(Integer)
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)  # the workspace admin who invited it
    modified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


# IQM's customer payment types (GET /api/v3/ua/static/customer-payment-types); `adplane.finance` keeps the same ids
PAYMENT_TYPE_PREPAID = 1
PAYMENT_TYPE_POSTPAID = 2


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # chosen by the user (PATCH /api/v3/ua/user/update-profile); unset: "first last", else the e-mail's local part
    display_name: Mapped[str | None] = mapped_column(String(255))
    avatar_url: Mapped[str | None] = mapped_column(String(2048))


class Membership(Base):
    """A user's place in an organization; its id is IQM's `uowId`."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "ow_id"),)

    uow_id: Mapped[int] = mapped_column(Integer, Identity(start=100001), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=ROLE_MEMBER)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # USER_STATUS_ACTIVE, _ON_HOLD (deactivated: no login, no tokens) or _DELETED (removed / invitation revoked)
    status: Mapped[int] = mapped_column(Integer, default=USER_STATUS_ACTIVE, server_default=str(USER_STATUS_ACTIVE))
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    # False: every application (the default); True: only the applications in `membership_apps`
    apps_restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class MembershipApp(Base):
    """An application a user with restricted access may use in an organization (IQM's app access)."""

    __tablename__ = "membership_apps"

    uow_id: Mapped[int] = mapped_column(ForeignKey("memberships.uow_id", ondelete="CASCADE"), primary_key=True)
    app_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    access_level: Mapped[str] = mapped_column(String(20), default="Full")


# The client app the web console signs in with (`adplane.console.credentials`); admin lists leave it out.
CONSOLE_CLIENT_NAME = "adplane web console"


class ClientApp(Base):
    __tablename__ = "client_apps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuthToken(Base):
    """An access/refresh token pair; only digests are stored.

    Every pair issued by refreshing another one shares its `family_id` (one per login), so the
    reuse of an already rotated refresh token can revoke everything descended from that login.
    """

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    access_digest: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    client_app_id: Mapped[int] = mapped_column(ForeignKey("client_apps.id", ondelete="CASCADE"))
    ow_id: Mapped[int | None] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(100), default="read write")
    access_expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    refresh_expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    family_id: Mapped[str | None] = mapped_column(String(64), index=True)
    rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # set once, when refreshed


class Invitation(Base):
    """A pending invitation of a user (who has no password yet) to an organization.

    The invite token (IQM's `inviteHash`) is random, mailed to the invitee and stored only as its
    SHA-256 digest; it is single-use (`accepted_at`), expires, and a newer invitation of the same
    user to the same organization cancels the older one."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    invited_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PasswordReset(Base):
    """A password-reset request: the token (IQM's `resetHash`) is mailed and stored only as its SHA-256
    digest; it is single-use (`used_at`), expires, and a newer request of the same user cancels it."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LoginThrottle(Base):
    """Attempt counters per key (client address, account + address, sign-up address), shared by
    all API replicas; `lockouts` counts how often the key was locked (progressive lockouts)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lockouts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class FundsLedgerEntry(Base):
    """Every change to an organization's funds balance, with why (top-up, insight charge, refund)."""

    __tablename__ = "funds_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    balance_after: Mapped[Decimal] = mapped_column(Numeric(18, 6))
    kind: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


from adplane.auth.epoch import AuthEpoch  # noqa: E402,F401  (its table and change events load with the models)


class PoliticalAdvertiser(Base):
    """A political advertiser profile of an organization (IQM's advertiser profiles); campaigns name it by id
    (`politicalAdvertiserClientId`). The name is unique per organization, case-insensitively (`name_key`)."""

    __tablename__ = "political_advertisers"
    __table_args__ = (UniqueConstraint("ow_id", "name_key", name="uq_political_advertisers_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255))  # lower(name), for the uniqueness per organization
    website: Mapped[str] = mapped_column(String(2048))
    chief_name: Mapped[str] = mapped_column(String(255))
    contact_number: Mapped[str] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(1000))
    legal_info: Mapped[str | None] = mapped_column(String(2000))
    political_identifier: Mapped[str | None] = mapped_column(String(100))  # FEC id or the state's equivalent
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class UserInteractionEvent(Base):
    """How often a user triggered a named interaction (IQM's user interaction events), with its latest metadata."""

    __tablename__ = "user_interaction_events"
    __table_args__ = (UniqueConstraint("user_id", "event", name="uq_user_interaction_events_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(100))
    event_count: Mapped[int] = mapped_column(Integer, default=1)
    meta_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ow_id: Mapped[int | None] = mapped_column(Integer)  # the organization the user acted for, the latest time
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WorkspaceSetting(Base):
    """A workspace's whitelabel settings beyond its row: the chatbot application id (`adplane admin chatbot`)."""

    __tablename__ = "workspace_settings"

    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    chatbot_app_id: Mapped[str | None] = mapped_column(String(64))
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
