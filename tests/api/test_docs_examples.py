"""Every `curl` in docs/api.md, run in order against a live server: the documentation's
examples work as written (a failing request fails the test with the server's answer)."""

import os
import re
import subprocess
from pathlib import Path

import pytest

from api.choices import Scope
from calls.models import PhoneCall
from customers.models import BillingEvent, Contract, Customer, Product
from tests.factories import UserFactory
from webhooks.models import Endpoint

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCKS = re.findall(r"```sh\n(.*?)```", DOC.read_text(), flags=re.S)
EXAMPLES = [block for block in BLOCKS if "curl " in block]


def test_the_page_has_examples_for_every_way_in():
    joined = "\n".join(EXAMPLES)
    for path in (
        "/products/",
        "/customers/bulk",
        "/contracts/bulk",
        "/contracts?",
        "/billing-events",
        "/telephony/events",
        "/webhooks/endpoints",
    ):
        assert path in joined, path


@pytest.mark.django_db(transaction=True)
def test_the_curl_examples_work_as_written(live_server, api_key):
    UserFactory(username="agent")
    _key, secret = api_key(*Scope.values)
    env = {**os.environ, "DESK": live_server.url, "KEY": secret}
    for example in EXAMPLES:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", example],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 0, f"{example}\n--- answered:\n{done.stdout}{done.stderr}"
    assert Product.objects.filter(external_id="P-100").exists()
    assert Customer.objects.get(external_id="C-1002").phone == "01023456789"
    assert Contract.objects.get(external_id="K-5001").customer.external_id == "C-1001"
    assert BillingEvent.objects.filter(contract__external_id="K-5001").count() == 1
    call = PhoneCall.objects.get(external_id="pbx-20261205-0001")
    assert call.customer.external_id == "C-1001" and call.recording_url.endswith(".wav")
    assert Endpoint.objects.get().event_types == ["cancellation.cancelled", "contract.amended"]
