"""The preview shows a draft as the agent will see it (the sub-reasons an offer answers, a
playbook's tips, a step script, in either language), and the agent then sees just that."""

import pytest
from django.urls import reverse

from catalog.models import CustomerType, Reason, StepScript
from catalog.services.items import catalog_save
from catalog.services.kinds import KINDS
from tests.catalog.data import offer_data
from tests.catalog.helpers import FIN, PLAYBOOK, SCRIPT, between, speaking
from tests.factories import ReasonFactory

pytestmark = pytest.mark.django_db


# ---- what the preview shows -----------------------------------------------------------------


def _preview(client, slug, data, pk=None):
    url = reverse("catalog_edit", args=[slug, pk]) if pk else reverse("catalog_new", args=[slug])
    response = client.post(url, {**data, "preview": "1"})
    assert response.status_code == 200
    return response


def test_the_preview_lists_the_sub_reasons_a_draft_answers(client_as_catalog_admin, reason):
    retired = ReasonFactory(code="retired-one", category=FIN, label_en="Gone reason")
    Reason.objects.filter(pk=retired.pk).update(is_active=False)
    every = _preview(client_as_catalog_admin, "offers", offer_data())
    labels = [r.label for r in every.context["preview"]["reasons"]]
    assert labels == ["Lower income", "Cutting household spending", "The monthly fee is a burden"]
    answers = between(every.content.decode(), "<strong>Answers</strong>", "</p>")
    assert answers == (
        "<strong>Answers</strong>: "
        "Lower income, Cutting household spending, The monthly fee is a burden"
    )
    assert "Gone reason" not in answers
    only = _preview(
        client_as_catalog_admin,
        "offers",
        offer_data(reasons=[reason("fee_burden").pk, reason("income_drop").pk]),
    )
    answers = between(only.content.decode(), "<strong>Answers</strong>", "</p>")
    assert answers == "<strong>Answers</strong>: Lower income, The monthly fee is a burden"


def test_the_preview_lists_sub_reasons_in_korean_for_a_korean_admin(
    client_as_catalog_admin, catalog_admin, reason
):
    speaking(catalog_admin, "ko")
    response = _preview(
        client_as_catalog_admin, "offers", offer_data(reasons=[reason("fee_burden").pk])
    )
    page = response.content.decode()
    assert reason("fee_burden").label_ko in page.split('id="preview"')[1].split("</section>")[0]


@pytest.mark.parametrize("reader", ["en", "ko"])
def test_the_playbook_preview_shows_the_tips_as_the_agent_sees_them(
    client_as_catalog_admin, catalog_admin, reader
):
    speaking(catalog_admin, reader)
    page = _preview(client_as_catalog_admin, "customer-types", PLAYBOOK).content.decode()
    ko = between(page, 'class="agent-preview-ko"', "</div>")
    en = between(page, 'class="agent-preview-en"', "</div>")
    # The console's playbook line: <aside class="playbook"><strong>name</strong>: tips</aside>
    assert (
        '<aside class="playbook"><strong>바쁜 고객</strong>: 요점만 짧게 말씀드리세요.</aside>'
        in ko
    )
    assert '<aside class="playbook"><strong>In a hurry</strong>: Keep to the point.</aside>' in en
    assert not CustomerType.objects.filter(code="hurried").exists()


@pytest.mark.parametrize("reader", ["en", "ko"])
def test_the_step_script_preview_shows_the_script_as_the_agent_sees_it(
    client_as_catalog_admin, catalog_admin, reader
):
    speaking(catalog_admin, reader)
    page = _preview(client_as_catalog_admin, "scripts", SCRIPT).content.decode()
    ko = between(page, 'class="agent-preview-ko"', "</div>")
    en = between(page, 'class="agent-preview-en"', "</div>")
    assert '<p lang="ko">요금 부담을 먼저 여쭤 보세요.</p>' in ko
    assert '<p lang="en">First ask what about the fee weighs on them.</p>' in en
    assert 'class="script"' in ko and 'class="script"' in en
    assert not StepScript.objects.exists()


def test_the_agent_then_sees_what_the_preview_showed(client, login, catalog_admin, agent, walk):
    catalog_save(form=KINDS["scripts"].form(data=SCRIPT), user=catalog_admin)
    request = walk("financial_burden")
    for language, text in (("ko", SCRIPT["text_ko"]), ("en", SCRIPT["text_en"])):
        login(speaking(agent, language))
        page = client.get(reverse("console", args=[request.pk])).content.decode()
        assert f"<p>{text}</p>" in page
