"""The win-back call screen: a departed customer won back on a new contract, and an unknown
product refused."""

from datetime import timedelta

import pytest
from django.urls import reverse

from calls.models import CallTask
from customers.models import Contract
from tests.factories import ContractFactory
from winback.models import WinBackCase
from winback.services.winback import win_back_consider

pytestmark = pytest.mark.django_db


def test_win_back_call_screen_and_won_back(client, login, supervisor, today):
    contract = ContractFactory(
        monthly_fee=50000,
        start_date=today - timedelta(days=900),
        status="cancelled",
        cancelled_on=today - timedelta(days=60),
    )
    contract.customer.lifetime_revenue = 5_000_000
    contract.customer.save()
    win_back_consider()
    task = CallTask.objects.get(kind="win_back")
    assert task.queue == "supervisors"
    client = login(supervisor)
    client.post(reverse("call_take", args=[task.pk]))
    body = client.get(reverse("call", args=[task.pk])).content.decode()
    assert "Why they left" in body
    assert "Won back: new contract" in body
    response = client.post(
        reverse("call_win_back", args=[task.pk]),
        {"result": "won", "product": contract.product_id, "diagnosis": "Missed the service"},
        follow=True,
    )
    assert "Won back: contract" in response.content.decode()
    case = WinBackCase.objects.get()
    assert case.outcome == "won_back"
    assert Contract.objects.filter(customer=contract.customer, status="active").count() == 1
    assert CallTask.objects.filter(kind="care_check_in", win_back=case).count() == 3


def test_win_back_with_an_unknown_product_is_refused(client, login, supervisor, today):
    contract = ContractFactory(
        start_date=today - timedelta(days=900),
        status="cancelled",
        cancelled_on=today - timedelta(days=60),
    )
    contract.customer.lifetime_revenue = 9_000_000
    contract.customer.save()
    win_back_consider()
    task = CallTask.objects.get(kind="win_back")
    client = login(supervisor)
    client.post(reverse("call_take", args=[task.pk]))
    response = client.post(
        reverse("call_win_back", args=[task.pk]), {"result": "won", "product": "x"}, follow=True
    )
    assert "Choose a product on sale" in response.content.decode()
    assert WinBackCase.objects.get().outcome == "pending"
