from django.urls import path

from claims import views

urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("new/<int:customer_pk>", views.claim_open, name="claim_open"),
    path("<int:pk>/", views.claim_console, name="claim_console"),
    path("<int:pk>/poll", views.claim_poll, name="claim_poll"),
    path("<int:pk>/notes", views.claim_notes, name="claim_notes"),
    path("<int:pk>/instruct", views.claim_instruct, name="claim_instruct"),
    path("<int:pk>/act/<slug:name>", views.claim_act, name="claim_act"),
    path(
        "compensations/<int:pk>/approve",
        views.compensation_decide,
        {"decision": "approve"},
        name="compensation_approve",
    ),
    path(
        "compensations/<int:pk>/deny",
        views.compensation_decide,
        {"decision": "deny"},
        name="compensation_deny",
    ),
]
