"""Answered surveys for the history: about one closed request, claim or win-back in five."""

import secrets
from datetime import timedelta

from django.db.models import BigIntegerField, Value
from django.utils import timezone

from cancellations.models import CancellationRequest
from claims.models import Claim
from demo.book import copy_rows
from winback.models import WinBackCase

COMMENTS = {
    "save": ["상담원이 친절하게 대안을 찾아 주었습니다.", "The discount made staying easy.", ""],
    "cancellation": ["해지 절차가 생각보다 간단했어요.", "Clear about the penalty, thank you.", ""],
    "claim": ["처리가 늦었지만 결과는 만족합니다.", "The technician came back the next day.", ""],
    "win_back": ["다시 연락 주셔서 감사합니다.", "Glad you called me back.", ""],
}
SURVEY_COLUMNS = [
    "touchpoint",
    "token_hash",
    "idempotency_key",
    "emailed_at",
    "expires_at",
    "answered_at",
    "csat",
    "comment",
    "would_return",
    "created_at",
    "cancellation_request_id",
    "claim_id",
    "customer_id",
    "win_back_id",
    "agent_id",
]


def _surveys(rng) -> int:
    """About one closed request or claim in five answered a survey."""
    rows = []
    now = timezone.now()
    sources = [
        ("cancellation_request", "save", CancellationRequest.objects.filter(state="retained")),
        (
            "cancellation_request",
            "cancellation",
            CancellationRequest.objects.filter(state="cancelled"),
        ),
        ("claim", "claim", Claim.objects.filter(state="closed")),
        (
            "win_back",
            "win_back",
            WinBackCase.objects.filter(outcome="won_back").annotate(
                agent_id=Value(None, output_field=BigIntegerField())
            ),
        ),
    ]
    mean = {"save": 4.2, "cancellation": 3.2, "claim": 3.7, "win_back": 4.4}
    for link, touchpoint, queryset in sources:
        for pk, customer_id, at, agent_id in queryset.values_list(
            "pk", "customer_id", "closed_at", "agent_id"
        ).iterator():
            if at is None or rng.random() > 0.2:
                continue
            score = max(1, min(5, round(rng.gauss(mean[touchpoint], 0.9))))
            answered = at + timedelta(days=rng.randint(1, 6))
            if answered > now:
                continue
            token = secrets.token_hex(8)
            rows.append(
                (
                    touchpoint,
                    token,
                    f"history:{touchpoint}:{pk}",
                    at,
                    at + timedelta(days=14),
                    answered,
                    score,
                    rng.choice(COMMENTS[touchpoint]),
                    score >= 4,
                    at,
                    pk if link == "cancellation_request" else None,
                    pk if link == "claim" else None,
                    customer_id,
                    pk if link == "win_back" else None,
                    agent_id,
                )
            )
    copy_rows("calls_survey", SURVEY_COLUMNS, rows)
    return len(rows)
