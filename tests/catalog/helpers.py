"""Shared by the catalog tests: saving, editing and scheduling through the real forms and
services, a user speaking a language, a slice of a page, and the texts of a playbook, a
step script and a battlecard."""

from cancellations.choices import RequestState
from catalog.choices import ReasonCategory
from catalog.forms.items import ProductCatalogForm
from catalog.forms.offers import OfferCatalogForm
from catalog.models import Offer, ScheduledChange
from catalog.services.items import catalog_save
from catalog.services.kinds import kind_for
from catalog.services.scheduled import product_save
from catalog.services.versions import history_for
from customers.models import Product
from tests.catalog.data import instance_data, offer_data


def speaking(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def between(text: str, start: str, end: str) -> str:
    head = text.index(start)
    return text[head : text.index(end, head)]


def schedule_change(product, user, day, **changes) -> ScheduledChange:
    form = ProductCatalogForm(
        data=instance_data(product, effective_from=day, **changes), instance=product
    )
    return product_save(form=form, user=user)


def schedule_change_from_stored(product, user, day, **changes) -> ScheduledChange:
    product = Product.objects.get(pk=product.pk)  # a bound form writes on its instance
    form = ProductCatalogForm(
        data=instance_data(product, effective_from=day, **changes), instance=product
    )
    return product_save(form=form, user=user)


def version_actions(instance) -> list[str]:
    return [v.version.action for v in reversed(history_for(instance))]


def offer_created(user, **overrides) -> Offer:
    return catalog_save(form=OfferCatalogForm(data=offer_data(**overrides)), user=user)


def item_edited(instance, user, **overrides):
    form_class = kind_for(instance).form
    form = form_class(data=instance_data(instance, **overrides), instance=instance)
    return catalog_save(form=form, user=user)


PLAYBOOK = {
    "code": "hurried",
    "name_ko": "바쁜 고객",
    "name_en": "In a hurry",
    "tips_ko": "요점만 짧게 말씀드리세요.",
    "tips_en": "Keep to the point.",
    "sort_order": 9,
}


SCRIPT = {
    "key": RequestState.FINANCIAL_BURDEN,
    "text_ko": "요금 부담을 먼저 여쭤 보세요.",
    "text_en": "First ask what about the fee weighs on them.",
}


CARD = {
    "competitor": "Rival Rentals",
    "their_offer_ko": "첫 달 무료",
    "their_offer_en": "First month free",
    "our_answer_ko": "관리 이력이 남습니다.",
    "our_answer_en": "The care history stays.",
    "sort_order": 0,
}


FIN = ReasonCategory.FINANCIAL
