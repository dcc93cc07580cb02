from django.urls import path

from cancellations.views import console

urlpatterns = [
    path(
        "desk/contracts/<int:contract_pk>/cancel", console.cancellation_start, name="cancel_start"
    ),
    path("desk/requests/<int:pk>/", console.console, name="console"),
    path("desk/requests/<int:pk>/poll", console.console_poll, name="console_poll"),
    path("desk/requests/<int:pk>/notes", console.notes_save, name="console_notes"),
    path("desk/requests/<int:pk>/act/<slug:name>", console.console_act, name="console_act"),
]
