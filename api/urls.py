"""/api/v1/: the integrations' API (keys, not desk logins: the desk's login middleware lets
these through and each endpoint checks its key and scope), its schema and its docs."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from api.rest.auth import ApiKeyAuthentication, SchemaReader
from api.rest.views import SchemaView
from api.views import billing, book, keys, outcomes, telephony, webhooks

app_name = "api"


def _api(route: str, view, name: str):
    return path(f"api/v1/{route}", login_not_required(view.as_view()), name=name)


_PAGE = {
    "url_name": "api:schema",
    "authentication_classes": [SessionAuthentication],
    "permission_classes": [IsAuthenticated],
    "throttle_classes": [],
}

urlpatterns = [
    path(
        "api/v1/schema/",
        login_not_required(
            SchemaView.as_view(
                authentication_classes=[ApiKeyAuthentication, SessionAuthentication],
                permission_classes=[SchemaReader],
                throttle_classes=[],
            )
        ),
        name="schema",
    ),
    # The docs are pages for people: a desk login. DRF's views opt out of the login
    # middleware (they authenticate themselves), so the page asks for the login itself.
    path(
        "api/v1/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(**_PAGE)),
        name="docs",
    ),
    _api("billing-events", billing.BillingEvents, "billing_events"),
    _api("cancellations", outcomes.Cancellations, "cancellations"),
    _api("telephony/events", telephony.TelephonyEvents, "telephony_events"),
    _api("webhooks/endpoints", webhooks.Endpoints, "webhook_endpoints"),
    _api("webhooks/endpoints/<int:endpoint_id>", webhooks.EndpointDetail, "webhook_endpoint"),
    _api(
        "webhooks/endpoints/<int:endpoint_id>/rotate-secret",
        webhooks.EndpointSecretRotate,
        "webhook_endpoint_rotate",
    ),
]
for kind, (list_view, detail_view, bulk_view) in book.VIEWS.items():
    urlpatterns += [
        _api(kind, list_view, f"{kind}_list"),
        _api(f"{kind}/bulk", bulk_view, f"{kind}_bulk"),
        _api(f"{kind}/<str:external_id>", detail_view, f"{kind}_detail"),
    ]
urlpatterns += keys.urlpatterns
