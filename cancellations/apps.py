from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CancellationsConfig(AppConfig):
    name = "cancellations"
    verbose_name = _("Cancellations")

    def ready(self):
        """Plug into the catalog: the tree's steps are scripted there, and an offer's preview
        ranks it as this app's offer engine would (catalog.scripts, catalog.extensions)."""
        # Imported here, not at the top: Django imports an app's config before any model
        # is ready, and these modules use models.
        from cancellations.catalog_preview import offer_preview
        from cancellations.choices import RequestState
        from cancellations.scripts import STEP_SCRIPTS
        from catalog.extensions import offer_preview_register
        from catalog.scripts import scripts_register

        scripts_register(
            {state: (RequestState(state).label, text) for state, text in STEP_SCRIPTS.items()}
        )
        offer_preview_register(offer_preview)
