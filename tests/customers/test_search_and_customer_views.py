"""Finding a customer: search by phone in any format, name or contract number, screen-pop,
and the customer view per role."""

import pytest
from django.urls import reverse

from tests.factories import ContractFactory, CustomerFactory

pytestmark = pytest.mark.django_db

# ---- search and lookup -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["010-5555-1234", "01055551234", "+82 10 5555 1234", "010 5555 1234"]
)
def test_search_by_phone_in_any_format_shows_the_masked_number(client_as_agent, typed):
    customer = CustomerFactory(name="박서준", phone="01055551234")
    ContractFactory(customer=customer, number="R77-1")
    response = client_as_agent.get(reverse("search"), {"q": typed}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "박서준" in body
    assert "010-****-1234" in body
    assert "01055551234" not in body
    assert "R77-1" in body


def test_search_by_name_prefix_and_contract_number(client_as_agent):
    customer = CustomerFactory(name="김하늘")
    ContractFactory(customer=customer, number="R12345678-1")
    CustomerFactory(name="이하늘")
    by_name = client_as_agent.get(reverse("search"), {"q": "김하"}).content.decode()
    assert "김하늘" in by_name and "이하늘" not in by_name
    by_number = client_as_agent.get(reverse("search"), {"q": "r12345678-1"}).content.decode()
    assert "김하늘" in by_number


def test_an_incomplete_phone_number_asks_to_keep_typing(client_as_agent):
    body = client_as_agent.get(reverse("search"), {"q": "010-55"}).content.decode()
    assert "Keep typing" in body


def test_screen_pop_opens_the_only_match(client_as_agent):
    customer = CustomerFactory(phone="01099998888")
    response = client_as_agent.get(reverse("lookup"), {"phone": "+82-10-9999-8888"})
    assert response.status_code == 302
    assert response.url == reverse("customer", args=[customer.pk])


def test_screen_pop_with_several_matches_opens_the_search(client_as_agent):
    CustomerFactory(phone="01099998888")
    CustomerFactory(alt_phone="01099998888")
    response = client_as_agent.get(reverse("lookup"), {"phone": "010-9999-8888"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("search"))
    assert "q=010-9999-8888" in response.url


# ---- customer view ---------------------------------------------------------------------------


def test_customer_view_shows_contracts_and_a_start_button(client_as_agent):
    contract = ContractFactory(monthly_fee=30000)
    body = client_as_agent.get(reverse("customer", args=[contract.customer_id])).content.decode()
    assert contract.number in body
    assert "KRW 30,000" in body
    assert "Start cancellation" in body
    assert contract.customer.phone not in body  # masked for agents


def test_supervisors_see_the_full_phone(client_as_supervisor):
    contract = ContractFactory()
    body = client_as_supervisor.get(
        reverse("customer", args=[contract.customer_id])
    ).content.decode()
    assert contract.customer.phone_display in body
