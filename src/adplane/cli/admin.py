"""Operators' commands: bootstrap a workspace, hold/release organizations, users, funds."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import typer

from adplane.auth import admin as admin_service
from adplane.auth import organizations
from adplane.auth.passwords import enforce as enforce_password_rules
from adplane.cli.context import emit, open_database
from adplane.core.errors import ApiError

app = typer.Typer(no_args_is_help=True, help="Operators' administration commands.")


def _fail(exc: ApiError) -> None:
    for obj in exc.error_objects:
        typer.echo(f"error: {obj.get('error')}", err=True)
    raise typer.Exit(code=2)


def _check_password(password: str) -> None:
    """The sign-up rules (seed 000) for every password an operator sets."""
    try:
        enforce_password_rules(password)
    except ApiError as exc:
        _fail(exc)


@app.command()
def bootstrap(
    host: str = typer.Option(..., help="Workspace host (what clients send as X-IAA-HOST)."),
    email: str = typer.Option(...),
    password: str = typer.Option(..., prompt=True, hide_input=True),
    organization: str = typer.Option(..., help="Organization name."),
    rotate_secret: bool = typer.Option(False, "--rotate-secret", help="Issue a new client secret."),
    open_sign_up: bool | None = typer.Option(
        None, "--open-sign-up/--closed-sign-up",
        help="Let new e-mails sign up with their own organization (a new workspace: closed)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Create (or find) the workspace, organization, admin user and API client."""
    _check_password(password)
    _settings, db = open_database()
    with db.session() as session:
        try:
            result = admin_service.bootstrap(
                session, host=host, email=email, password=password, organization=organization,
                rotate_secret=rotate_secret, open_sign_up=open_sign_up,
            )
        except ApiError as exc:
            _fail(exc)
    emit(result.as_dict(), as_json)


@app.command()
def hold(
    ow_id: int = typer.Option(..., "--ow-id"),
    reason: str = typer.Option(...),
    support_email: str = typer.Option("support@example.com", "--support-email"),
) -> None:
    """Put an organization on hold (its users can no longer log in to it)."""
    _settings, db = open_database()
    with db.session() as session:
        try:
            organizations.put_on_hold(session, ow_id, reason, support_email)
        except ApiError as exc:
            _fail(exc)
    typer.echo(f"organization {ow_id} is on hold")


@app.command()
def release(ow_id: int = typer.Option(..., "--ow-id")) -> None:
    """Take an organization off hold."""
    _settings, db = open_database()
    with db.session() as session:
        try:
            organizations.release_hold(session, ow_id)
        except ApiError as exc:
            _fail(exc)
    typer.echo(f"organization {ow_id} is active")


@app.command("add-user")
def add_user(
    ow_id: int = typer.Option(..., "--ow-id"),
    email: str = typer.Option(...),
    password: str | None = typer.Option(
        None, help="Omit to invite: an invite token is mailed and the user sets a password with it."),
    role: str = typer.Option("member", help="admin or member"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Add a user to an organization."""
    if password is not None:
        _check_password(password)
    settings, db = open_database()
    with db.session() as session:
        try:
            result = admin_service.add_user(session, ow_id=ow_id, email=email, password=password, role=role,
                                            settings=settings)
        except ApiError as exc:
            _fail(exc)
    emit(result, as_json)


@app.command("role")
def role(
    ow_id: int = typer.Option(..., "--ow-id"),
    email: str = typer.Option(...),
    new_role: str = typer.Option(..., "--role", help="admin or member"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Change a member's role in an organization (the organization keeps at least one active admin)."""
    _settings, db = open_database()
    with db.session() as session:
        try:
            result = admin_service.set_role(session, ow_id=ow_id, email=email, role=new_role)
        except ApiError as exc:
            _fail(exc)
    emit(result, as_json)


@app.command("sign-up-policy")
def sign_up_policy(
    host: str = typer.Option(..., help="Workspace host."),
    open_sign_up: bool | None = typer.Option(
        None, "--open/--closed", help="Open or close sign-up; omit to show the current policy."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Whether a new e-mail may sign up with its own organization in this workspace."""
    _settings, db = open_database()
    with db.session() as session:
        try:
            result = admin_service.set_sign_up_policy(session, host, open_sign_up)
        except ApiError as exc:
            _fail(exc)
    emit(result, as_json)


@app.command("add-funds")
def add_funds(
    ow_id: int = typer.Option(..., "--ow-id"),
    amount: str = typer.Option(..., help="Amount in the account currency, e.g. 500.00"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Add funds to an organization's balance (recorded in the ledger)."""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        typer.echo("error: amount must be a number", err=True)
        raise typer.Exit(code=2) from None
    if value <= 0:
        typer.echo("error: amount must be positive", err=True)
        raise typer.Exit(code=2)
    _settings, db = open_database()
    with db.session() as session:
        try:
            entry = organizations.change_funds(session, ow_id, value, "top_up", "admin add-funds")
            session.commit()
        except ApiError as exc:
            _fail(exc)
    emit({"owId": ow_id, "balance": str(entry.balance_after)}, as_json)


@app.command("billing")
def billing(
    ow_id: int = typer.Option(..., "--ow-id"),
    payment_type: str = typer.Argument(..., help="prepaid (campaigns pause at a zero balance) or postpaid"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Set an organization's billing terms (IQM's customer payment types)."""
    from adplane.auth.models import Organization
    from adplane.finance.models import PAYMENT_TYPE_POSTPAID, PAYMENT_TYPE_PREPAID
    from adplane.finance.spend import set_payment_type

    types = {"prepaid": PAYMENT_TYPE_PREPAID, "postpaid": PAYMENT_TYPE_POSTPAID}
    if payment_type.lower() not in types:
        typer.echo("error: payment type must be prepaid or postpaid", err=True)
        raise typer.Exit(code=2)
    _settings, db = open_database()
    with db.session() as session:
        if session.get(Organization, ow_id) is None:
            typer.echo(f"error: organization {ow_id} not found", err=True)
            raise typer.Exit(code=1)
        set_payment_type(session, ow_id, types[payment_type.lower()])
        session.commit()
    emit({"owId": ow_id, "paymentType": payment_type.lower()}, as_json)


@app.command("chatbot")
def chatbot(
    host: str = typer.Option(..., help="Workspace host."),
    app_id: str = typer.Option(..., "--app-id", help="The chatbot application id; '' removes it."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The workspace's chatbot application id (GET /api/v3/ua/chatbot and /api/v3/ua/st/chatbot)."""
    from adplane.auth.workspace_init import set_chatbot

    _settings, db = open_database()
    with db.session() as session:
        try:
            result = set_chatbot(session, host, app_id)
        except ApiError as exc:
            _fail(exc)
    emit(result, as_json)
