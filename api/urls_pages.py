"""The API app's pages for people (a desk login), apart from the API's own URLs."""

from django.urls import path

from api.views.book_import import book_import

urlpatterns = [
    path("desk/integrations/book-import/", book_import, name="book_import"),
]
