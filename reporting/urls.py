from django.urls import path

from reporting import views

urlpatterns = [
    path("desk/dashboards/", views.dashboards, name="dashboards"),
    path("desk/dashboards/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
]
