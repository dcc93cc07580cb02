"""The reason picker: every active reason once per branch with a two-digit key, searchable
in both languages and by its Korean initials, the agent's most used reasons first."""

import pytest

from cancellations.selectors import reason_picker
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.models import Reason
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_every_active_reason_has_a_two_digit_key_of_its_branch():
    groups = reason_picker(user=_anyone())
    entries = [e for g in groups for e in g.reasons]
    active = set(Reason.objects.filter(is_active=True).values_list("pk", flat=True))
    assert {e.reason.pk for e in entries} == active
    keys = [e.key for e in entries]
    assert len(set(keys)) == len(keys) and all(len(k) == 2 and k.isdigit() for k in keys)
    assert [g.label for g in groups] == [
        "Dissatisfaction",
        "Financial burden",
        "Contract change",
        "Competitor",
        "Unavoidable",
    ]


def _anyone():
    from tests.factories import UserFactory

    return UserFactory(username="picker-anyone")


def test_a_reason_is_found_by_either_language_and_by_its_initials():
    entries = [e for g in reason_picker(user=_anyone()) for e in g.reasons]
    fee = next(e for e in entries if e.reason.code == "fee_burden")
    assert "월 렌탈료 부담" in fee.search and "monthly fee" in fee.search
    assert "ㅇㄹㅌㄹㅂㄷ" in fee.search


def test_the_agents_most_used_reasons_come_first(agent):
    relocation = Reason.objects.get(code="relocation")
    for _ in range(2):
        request = cancellation_open(contract_id=ContractFactory().pk, user=agent)
        cancellation_identify_reason(request_id=request.pk, user=agent, reason_id=relocation.pk)
    first = reason_picker(user=agent)[0]
    assert first.frequent and [e.reason for e in first.reasons] == [relocation]
    assert first.reasons[0].key == next(
        e.key for g in reason_picker(user=agent)[1:] for e in g.reasons if e.reason == relocation
    )
