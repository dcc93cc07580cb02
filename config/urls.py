"""The site's URLs: each app's own, included by dotted path (config imports no app code)."""

from django.contrib import admin
from django.urls import include, path

handler400 = "core.views.errors.bad_request"
handler403 = "core.views.errors.permission_denied"
handler404 = "core.views.errors.page_not_found"
handler500 = "core.views.errors.server_error"

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("desk/claims/", include("claims.urls")),
    path("", include("customers.urls")),
    path("", include("cancellations.urls")),
    path("", include("calls.urls")),
    path("", include("winback.urls")),
    path("", include("desk.urls")),
    path("", include("reporting.urls")),
    path("", include("catalog.urls")),
    path("", include("webhooks.urls")),
    path("", include("api.urls")),
    path("", include("api.urls_pages")),
]
