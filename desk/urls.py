from django.urls import path

from desk.views import approvals, calls, floor, home, phone

urlpatterns = [
    path("", home.home, name="home"),
    path("desk/approvals/", approvals.approvals, name="approvals"),
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
    path("desk/requests/<int:pk>/hand-over", approvals.request_hand_over, name="hand_over"),
    path("desk/claims/<int:pk>/hand-over", approvals.claim_hand_over, name="claim_hand_over"),
    path("desk/claims/<int:pk>/cancellation", home.claim_cancellation, name="claim_cancellation"),
    path("desk/calls/<int:pk>/", calls.call_screen, name="call"),
    path("desk/floor/", floor.floor, name="floor"),
    path("desk/phone/pop", phone.phone_pop, name="phone_pop"),
    path("desk/phone/dial/<int:customer_id>", phone.phone_dial, name="phone_dial"),
    path("desk/floor/coach", floor.coaching_note, name="coach"),
]
