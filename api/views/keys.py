"""The integrations' keys, for an admin: the list (prefix, scopes, last used), a new key
(its secret shown on this one page, never again), revoking one."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from api.choices import Scope
from api.models import ApiKey
from api.services.keys import api_key_create, api_key_revoke
from core.errors import ServiceError
from core.steps import form_errors

MANAGE = "api.manage_api_keys"


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Which system uses it"), max_length=80)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("What it may do"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    rate_limit_per_minute = forms.IntegerField(
        label=gettext_lazy("Requests a minute"),
        min_value=1,
        max_value=settings.API_RATE_LIMIT_MAX,
        initial=settings.API_RATE_LIMIT_PER_MINUTE,
    )


def _page(request, form, new_key=None, status=200):
    keys = ApiKey.objects.select_related("created_by", "revoked_by").order_by(
        "revoked_at", "-created_at"
    )[:200]
    return render(
        request,
        "api/keys.html",
        {"form": form, "keys": keys, "new_key": new_key},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def api_keys(request):
    if request.method == "GET":
        return _page(request, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _page(request, form, status=400)
    try:
        made = api_key_create(user=request.user, **form.cleaned_data)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return _page(request, form, status=400)
    # The secret is on this response only: no redirect, and the page is not cached.
    response = _page(request, ApiKeyForm(), new_key=made)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required(MANAGE, raise_exception=True)
def api_key_revoke_view(request, key_id: int):
    try:
        key = api_key_revoke(user=request.user, key_id=key_id)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The key %(prefix)s is revoked.") % {"prefix": key.prefix})
    return redirect("api:keys")


urlpatterns = [
    path("desk/integrations/keys/", api_keys, name="keys"),
    path("desk/integrations/keys/<int:key_id>/revoke", api_key_revoke_view, name="key_revoke"),
]
