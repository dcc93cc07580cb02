"""What an API key may do."""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Scope(TextChoices):
    READ = "read", _("Read the book and the outcomes (phones and emails masked)")
    PII_READ = "customers:pii", _("Read customers' full phone numbers and emails")
    BOOK_WRITE = "book:write", _("Write customers, products, contracts and billing events")
    TELEPHONY_WRITE = "telephony:write", _("Send telephony events")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhook endpoints")
