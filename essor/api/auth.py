from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from essor.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer essor_…`: acts as the token's owner, with exactly their scope."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


AUTH = [TokenAuth(), SessionAuth()]
