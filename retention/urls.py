from django.urls import path

from retention import views

urlpatterns = [
    path("", views.home, name="home"),
]
