from django.urls import path

from calls.views import calls, surveys

urlpatterns = [
    path("desk/calls/", calls.my_calls, name="my_calls"),
    path("desk/calls/<int:pk>/take", calls.call_take, name="call_take"),
    path("desk/calls/<int:pk>/outcome", calls.call_outcome, name="call_outcome"),
    path("survey/<str:token>/", surveys.survey, name="survey"),
]
