from django.urls import path

from retention.views import approvals, calls, console, dashboards, desk, floor, surveys

urlpatterns = [
    path("", desk.home, name="home"),
    path("desk/", desk.search, name="search"),
    path("desk/lookup", desk.lookup, name="lookup"),
    path("desk/customers/<int:pk>/", desk.customer, name="customer"),
    path("desk/contracts/<int:contract_pk>/cancel", desk.cancellation_start, name="cancel_start"),
    path("desk/requests/<int:pk>/", console.console, name="console"),
    path("desk/requests/<int:pk>/poll", console.console_poll, name="console_poll"),
    path("desk/requests/<int:pk>/notes", console.notes_save, name="console_notes"),
    path("desk/requests/<int:pk>/act/<slug:name>", console.console_act, name="console_act"),
    path("desk/approvals/", approvals.approvals, name="approvals"),
    path("desk/requests/<int:pk>/hand-over", approvals.request_hand_over, name="hand_over"),
    path("desk/floor/", floor.floor, name="floor"),
    path("desk/dashboards/", dashboards.dashboards, name="dashboards"),
    path("desk/dashboards/<slug:table>.csv", dashboards.dashboard_csv, name="dashboard_csv"),
    path("desk/floor/coach", floor.coaching_note, name="coach"),
    path("desk/calls/", calls.my_calls, name="my_calls"),
    path("desk/calls/<int:pk>/", calls.call_screen, name="call"),
    path("desk/calls/<int:pk>/take", calls.call_take, name="call_take"),
    path("desk/calls/<int:pk>/outcome", calls.call_outcome, name="call_outcome"),
    path("desk/calls/<int:pk>/win-back", calls.call_win_back, name="call_win_back"),
    path("survey/<str:token>/", surveys.survey, name="survey"),
    path(
        "desk/approvals/<int:pk>/approve",
        approvals.approval_decide,
        {"decision": "approve"},
        name="approval_approve",
    ),
    path(
        "desk/approvals/<int:pk>/deny",
        approvals.approval_decide,
        {"decision": "deny"},
        name="approval_deny",
    ),
]
