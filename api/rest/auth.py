"""Who is calling: an integration's key (`Authorization: Bearer rdk_…`), and what it may do.

A request with no key or a key that is unknown or revoked gets 401; a valid key without the
scope an endpoint needs gets 403. The caller is not a desk user: `request.user` stays
anonymous and `request.auth` is the `ApiKey`."""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from api.models import ApiKey
from api.services.keys import api_key_for


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != self.keyword.lower().encode() or len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the key as: Authorization: Bearer <key>.")
        try:
            presented = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The key is not valid.") from None
        key = api_key_for(presented)
        if key is None:
            raise exceptions.AuthenticationFailed("The key is unknown or has been revoked.")
        return AnonymousUser(), key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.rest.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "rdk_<8 hex>_<secret>",
            "description": "An integration's key, made by an admin under Integrations → API keys.",
        }


class HasScope(BasePermission):
    """The view names the scope each method needs in `scopes` ({"GET": "read", ...})."""

    message = "This key does not have the scope this endpoint needs."

    def has_permission(self, request, view) -> bool:
        key = request.auth
        if not isinstance(key, ApiKey):
            raise exceptions.NotAuthenticated("Send an API key: Authorization: Bearer <key>.")
        if not hasattr(view, request.method.lower()):
            return True  # no such method here: the view answers 405, whatever the key
        needed = view.scopes.get(request.method) or view.scopes.get("*")
        if needed is None:
            return False
        if needed not in key.scopes:
            self.message = f"This key does not have the scope {str(needed)!r} this endpoint needs."
            return False
        return True


class SchemaReader(BasePermission):
    """The schema: for any valid key (an integration's generator) or a signed-in desk user."""

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiKey):
            return True
        return bool(request.user and request.user.is_authenticated)
