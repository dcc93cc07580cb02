"""The screen pop's update check, on every page an agent has open (`templates/base.html`)."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from calls.services.phone import phone_pop_check


def phone_pop(request):
    """`phone_pop_check`: the token that lets the middleware answer the pop's poll while no
    call waits for this agent (`core.updates`), signed only if the page uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "phone_pop_check": SimpleLazyObject(
            lambda: phone_pop_check(request, path=reverse("phone_pop"))
        )
    }
