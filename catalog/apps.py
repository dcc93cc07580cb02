from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        # The live catalog's version follows every write to the catalog (its signals).
        from catalog import live  # noqa: F401
