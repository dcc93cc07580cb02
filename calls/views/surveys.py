"""The public survey page: no login, an unguessable single-use link, rate-limited."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from calls.services.surveys import survey_answer, survey_find
from core.errors import ServiceError

STATUS = {"ok": 200, "unknown": 404, "answered": 200, "expired": 410}


def _too_many(request) -> bool:
    """Requests per address per minute, counted in Redis. If Redis is down the page still
    answers: a survey is worth more than the counter."""
    address = request.META.get("REMOTE_ADDR", "")
    key = f"survey-rate:{address}:{timezone.now():%Y%m%d%H%M}"
    try:
        cache.add(key, 0, timeout=90)
        count = cache.incr(key)
    except Exception:
        return False
    return count > settings.SURVEY_RATE_PER_MINUTE


@login_not_required
@require_http_methods(["GET", "POST"])
def survey(request, token):
    if _too_many(request):
        return render(request, "calls/survey.html", {"condition": "slow_down"}, status=429)
    found, condition = survey_find(token=token)
    context = {"condition": condition, "survey": found, "scores": range(1, 6)}
    if request.method == "POST" and condition == "ok":
        try:
            csat = int(request.POST.get("csat", ""))
        except ValueError:
            csat = 0
        would = {"yes": True, "no": False}.get(request.POST.get("would_return", ""))
        try:
            survey_answer(
                token=token,
                csat=csat,
                comment=request.POST.get("comment", "")[:2000],
                would_return=would,
            )
        except ServiceError as refused:
            if refused.code == "csat":
                context["error"] = refused.message
                return render(request, "calls/survey.html", context, status=400)
            context["condition"] = refused.code
        else:
            context["condition"] = "thanks"
    status = 200 if context["condition"] == "thanks" else STATUS.get(context["condition"], 200)
    return render(request, "calls/survey.html", context, status=status)
