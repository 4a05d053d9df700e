"""User management: login, OAuth token, sign-up, logout, profile, allowed organizations."""

from __future__ import annotations

from typing import Any

from adplane.auth.schemas import AllowedOrganizations, InviteValidation, Profile, TokenData
from adplane.client.calls import Call, Pages, clean, model
from adplane.client.errors import AuthenticationError
from adplane.client.resources._resource import Resource


class AuthResource(Resource):
    def _adopt(self, data: Any) -> TokenData:
        self._client.adopt_token(data)
        return TokenData.model_validate(data)

    def _credentials(self, email: str | None, password: str | None) -> tuple[str, str]:
        email = email or self._client.config.email
        password = password or self._client.config.password
        if not email or not password:
            raise AuthenticationError(401, [{"error": "email and password are required to log in", "field": "email"}])
        return email, password

    def login(self, email: str | None = None, password: str | None = None) -> Any:
        """POST /api/v3/ua/login; the client keeps the token (and the owId) it returns."""
        email, password = self._credentials(email, password)
        return self._call(Call(
            "POST", "/api/v3/ua/login", json={"grantType": "password", "email": email, "password": password},
            authenticated=False, parse=self._adopt,
        ))

    def oauth_token(
        self, grant_type: str, *, username: str | None = None, password: str | None = None,
        refresh_token: str | None = None,
    ) -> Any:
        """POST /api/v3/ua/oauth/token (form-encoded, `password` or `refresh_token` grant)."""
        form = clean({"grant_type": grant_type, "username": username, "password": password,
                      "refresh_token": refresh_token})
        return self._call(Call("POST", "/api/v3/ua/oauth/token", form=form, authenticated=False, parse=self._adopt))

    def sign_up(self, email: str, password: str, organization_name: str | None = None, *,
                invite_hash: str | None = None) -> Any:
        """POST /api/v3/ua/sign-up: an invited user sets a password with the mailed `invite_hash`;
        without one, a new organization (where the workspace has open sign-up)."""
        payload = clean({"email": email, "password": password, "organizationName": organization_name,
                         "inviteHash": invite_hash})
        return self._call(Call("POST", "/api/v3/ua/sign-up", json=payload, authenticated=False, parse=self._adopt))

    def validate_invite(self, invite_hash: str) -> Any:
        """POST /api/v3/ua/invite/validate: the state of an invitation (expired, processed, ...)."""
        return self._call(Call("POST", "/api/v3/ua/invite/validate", json={"inviteHash": invite_hash},
                               anonymous=True, parse=model(InviteValidation)))

    def invite_users(self, invitations: list[dict[str, str]]) -> Any:
        """POST /api/v3/ua/user/invite: `[{"email": ..., "name": ...}]` into the current organization."""
        return self._call(Call("POST", "/api/v3/ua/user/invite", json=invitations))

    def logout(self) -> Any:
        """POST /api/v3/ua/logout: revokes the current token."""
        return self._call(Call("POST", "/api/v3/ua/logout", parse=self._forget))

    def _forget(self, data: Any) -> Any:
        self._client.token = None
        return data

    def profile(self) -> Any:
        """GET /api/v3/ua/profile."""
        return self._call(Call("GET", "/api/v3/ua/profile", parse=model(Profile)))

    def allowed_organizations(
        self, *, search_field: str | None = None, page_no: int = 1, no_of_entries: int = 50,
        sort_by: str | None = None,
    ) -> Any:
        """GET /api/v3/ua/user/allowed-organizations (one page)."""
        return self._call(self._organizations_call(search_field, sort_by, page_no, no_of_entries))

    def iter_allowed_organizations(
        self, *, search_field: str | None = None, sort_by: str | None = None, page_size: int = 100
    ) -> Any:
        """Every allowed organization, page after page (dicts in wire names)."""
        return self._paginate(Pages(
            lambda page, size: self._organizations_call(search_field, sort_by, page, size, parse=False),
            items_key="data", page_size=page_size,
        ))

    def _organizations_call(
        self, search_field: str | None, sort_by: str | None, page_no: int, size: int, parse: bool = True
    ) -> Call:
        params = clean({"searchField": search_field, "sortBy": sort_by, "pageNo": page_no, "noOfEntries": size})
        return Call("GET", "/api/v3/ua/user/allowed-organizations", params=params,
                    parse=model(AllowedOrganizations) if parse else None)
