from django.urls import path

from customers import views

urlpatterns = [
    path("desk/", views.search, name="search"),
    path("desk/lookup", views.lookup, name="lookup"),
    path("desk/customers/<int:pk>/", views.customer, name="customer"),
]
