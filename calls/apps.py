from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Calls")

    def ready(self):
        """Each kind of planned call is scripted in the catalog (catalog.scripts)."""
        # Imported here, not at the top: Django imports an app's config before any model
        # is ready, and these modules use models.
        from calls.choices import CallTaskKind
        from calls.scripts import CALL_SCRIPTS
        from catalog.scripts import scripts_register

        scripts_register(
            {kind: (CallTaskKind(kind).label, text) for kind, text in CALL_SCRIPTS.items()}
        )
