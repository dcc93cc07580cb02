from django.contrib import admin
from django.urls import include, path

from retention.views.health import favicon, healthz

handler400 = "retention.views.errors.bad_request"
handler403 = "retention.views.errors.permission_denied"
handler404 = "retention.views.errors.page_not_found"
handler500 = "retention.views.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("desk/claims/", include("claims.urls")),
    path("", include("retention.urls")),
]
