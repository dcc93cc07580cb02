from django.urls import path

from catalog import views

urlpatterns = [
    path("catalog/", views.catalog_list, name="catalog"),
    path("catalog/offers/export.csv", views.offers_export, name="catalog_offers_export"),
    path("catalog/offers/import", views.offers_import, name="catalog_offers_import"),
    path(
        "catalog/products/changes/<int:pk>/withdraw",
        views.scheduled_change_withdraw,
        name="catalog_change_withdraw",
    ),
    path("catalog/<slug:kind>/", views.catalog_list, name="catalog_list"),
    path("catalog/<slug:kind>/new", views.catalog_edit, name="catalog_new"),
    path("catalog/<slug:kind>/<int:pk>/", views.catalog_edit, name="catalog_edit"),
    path("catalog/<slug:kind>/<int:pk>/history", views.catalog_history, name="catalog_history"),
    path(
        "catalog/<slug:kind>/<int:pk>/restore/<int:version>",
        views.catalog_restore,
        name="catalog_restore",
    ),
    path("catalog/<slug:kind>/<int:pk>/<slug:action>", views.catalog_act, name="catalog_act"),
]
