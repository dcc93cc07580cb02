from django.urls import path

from winback import views

urlpatterns = [
    path("desk/calls/<int:pk>/win-back", views.call_win_back, name="call_win_back"),
    path(
        "desk/calls/<int:pk>/win-back/outcome",
        views.call_win_back_outcome,
        name="call_win_back_outcome",
    ),
]
