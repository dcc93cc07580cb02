"""A catalog admin's wording of a step or call script replaces the built-in one, in Korean and
in English; competitor battlecards show in the competitor branch only, and a retired card
not at all."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from calls.choices import CallTaskKind
from calls.scripts import CALL_SCRIPTS
from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from cancellations.scripts import STEP_SCRIPTS
from cancellations.selectors import console_data
from cancellations.services.offers import offer_present
from catalog.forms.items import BattlecardCatalogForm, StepScriptCatalogForm
from catalog.models import Battlecard, StepScript
from catalog.scripts import script_for
from catalog.services.items import catalog_reactivate, catalog_retire, catalog_save

pytestmark = pytest.mark.django_db

KO, EN = "고객님의 부담을 먼저 들어 주세요.", "First hear out what weighs on the customer."


def _console(request, user, language="en") -> dict:
    fresh = CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason", "current_presentation"
    ).get(pk=request.pk)
    with translation.override(language):
        data = console_data(request=fresh, user=user)
        # Lazy texts are read in the language of the call.
        data["script"] = str(data["script"])
        data["cards"] = [(c.competitor, c.their_offer, c.our_answer) for c in data["battlecards"]]
    return data


def _default(text, language) -> str:
    with translation.override(language):
        return str(text)


@pytest.fixture
def reworded(catalog_admin):
    """The financial-burden step reworded through the catalog (the path admins take)."""
    form = StepScriptCatalogForm(
        data={"key": RequestState.FINANCIAL_BURDEN, "text_ko": KO, "text_en": EN}
    )
    return catalog_save(form=form, user=catalog_admin)


# ---- step scripts ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_console_reads_the_built_in_script_by_default(walk, agent, language):
    data = _console(walk("financial_burden"), agent, language)
    assert data["script"] == _default(STEP_SCRIPTS[RequestState.FINANCIAL_BURDEN], language)
    assert data["script"]


@pytest.mark.parametrize(("language", "expected"), [("ko", KO), ("en", EN)])
def test_a_reworded_step_replaces_the_built_in_script(walk, agent, reworded, language, expected):
    assert _console(walk("financial_burden"), agent, language)["script"] == expected


def test_a_reworded_step_leaves_the_other_steps_alone(opened, agent, reworded):
    assert _console(opened, agent)["script"] == _default(STEP_SCRIPTS[RequestState.OPENED], "en")


def test_a_new_version_of_a_step_script_reaches_the_console(walk, agent, catalog_admin, reworded):
    form = StepScriptCatalogForm(
        data={"key": reworded.key, "text_ko": KO, "text_en": "Listen first.", "base_version": 1},
        instance=reworded,
    )
    catalog_save(form=form, user=catalog_admin)
    assert _console(walk("financial_burden"), agent)["script"] == "Listen first."


def test_the_console_page_shows_the_reworded_script(client_as_agent, walk, reworded):
    request = walk("financial_burden")
    response = client_as_agent.get(reverse("console", args=[request.pk]))
    assert response.status_code == 200
    assert response.context["script"] == EN
    assert EN in response.content.decode()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_step_script_reads_overrides_in_each_language(db, language):
    StepScript.objects.create(key=RequestState.CANCELLING, text_ko=KO, text_en=EN)
    with translation.override(language):
        assert script_for(RequestState.CANCELLING) == (KO if language == "ko" else EN)
        assert script_for(RequestState.RETAINED) == str(STEP_SCRIPTS[RequestState.RETAINED])


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_reworded_call_script_replaces_the_built_in_one(db, language):
    with translation.override(language):
        built_in = script_for(CallTaskKind.WIN_BACK)
        assert built_in == str(CALL_SCRIPTS[CallTaskKind.WIN_BACK])
    StepScript.objects.create(
        key=CallTaskKind.WIN_BACK,
        text_ko="다시 모시고 싶습니다.",
        text_en="We would love you back.",
    )
    with translation.override(language):
        assert script_for(CallTaskKind.WIN_BACK) == (
            "다시 모시고 싶습니다." if language == "ko" else "We would love you back."
        )
        assert script_for(CallTaskKind.CALLBACK) == str(CALL_SCRIPTS[CallTaskKind.CALLBACK])


def test_a_script_key_must_be_a_step_or_a_call(db):
    form = StepScriptCatalogForm(data={"key": "shoe_size", "text_ko": KO, "text_en": EN})
    assert not form.is_valid()
    assert "key" in form.errors


def test_a_step_is_reworded_once(reworded):
    form = StepScriptCatalogForm(
        data={"key": RequestState.FINANCIAL_BURDEN, "text_ko": KO, "text_en": "Again."}
    )
    assert not form.is_valid()
    assert "key" in form.errors


# ---- battlecards ----------------------------------------------------------------------------


@pytest.fixture
def cards(catalog_admin):
    """Two cards in use (Alpha sorted before Rival) and one retired."""

    def card(competitor, order):
        form = BattlecardCatalogForm(
            data={
                "competitor": competitor,
                "their_offer_ko": f"{competitor} 첫 달 무료",
                "their_offer_en": f"{competitor}: first month free",
                "our_answer_ko": "관리 이력이 그대로 남습니다.",
                "our_answer_en": "The care history stays with us.",
                "sort_order": order,
            }
        )
        return catalog_save(form=form, user=catalog_admin)

    rival, alpha, gone = card("Rival Rentals", 2), card("Alpha Care", 1), card("Gone Corp", 0)
    catalog_retire(instance=gone, user=catalog_admin)
    return alpha, rival, gone


@pytest.mark.parametrize("language", ["ko", "en"])
def test_battlecards_show_in_the_competitor_branch(walk, agent, cards, language):
    data = _console(walk("competitor"), agent, language)
    assert [name for name, _offer, _answer in data["cards"]] == ["Alpha Care", "Rival Rentals"]
    their, ours = data["cards"][0][1:]
    if language == "ko":
        assert (their, ours) == ("Alpha Care 첫 달 무료", "관리 이력이 그대로 남습니다.")
    else:
        assert (their, ours) == ("Alpha Care: first month free", "The care history stays with us.")


@pytest.mark.parametrize("branch", ["financial_burden", "dissatisfied", "contract_change"])
def test_battlecards_stay_out_of_other_branches(walk, agent, cards, branch):
    assert _console(walk(branch), agent)["battlecards"] == []


def test_battlecards_stay_out_before_the_reason_is_known(opened, agent, cards):
    assert _console(opened, agent)["battlecards"] == []


def test_battlecards_leave_once_an_offer_is_presented(walk, agent, cards, visit_offer):
    request = walk("competitor")
    offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    data = _console(request, agent)
    assert data["req"].state == RequestState.OFFER_PRESENTED
    assert data["battlecards"] == []


def test_a_reactivated_card_shows_again(walk, agent, cards, catalog_admin):
    _alpha, _rival, gone = cards
    catalog_reactivate(instance=gone, user=catalog_admin)
    names = [name for name, *_texts in _console(walk("competitor"), agent)["cards"]]
    assert names == ["Gone Corp", "Alpha Care", "Rival Rentals"]


def test_the_console_page_opens_the_card_of_the_named_competitor(client_as_agent, walk, cards):
    request = walk("competitor", competitor_name="Rival Rentals")
    page = client_as_agent.get(reverse("console", args=[request.pk])).content.decode()
    shown = re.findall(r'<details class="battlecard"( open)?>\s*<summary>([^<]+)</summary>', page)
    assert shown == [("", "Alpha Care"), (" open", "Rival Rentals")]
    assert "Gone Corp" not in page
    assert not Battlecard.objects.get(competitor="Gone Corp").is_active
