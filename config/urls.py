from django.contrib import admin
from django.urls import include, path

from retention.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("desk/claims/", include("claims.urls")),
    path("", include("retention.urls")),
]
