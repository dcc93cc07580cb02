from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from core.health import health_check


@require_GET
@never_cache
@login_not_required
def healthz(request):
    parts = health_check()
    failing = sorted(name for name, part in parts.items() if not part["ok"])
    body = {"status": "ok" if not failing else "fail", "failing": failing, "checks": parts}
    return JsonResponse(body, status=200 if not failing else 503)


@require_safe
@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the real one."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
