from datetime import date

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from cancellations.models import CancellationRequest
from catalog.choices import OfferKind, ReasonCategory
from catalog.models import Offer, Reason
from customers.choices import ContractStatus, ProductCategory, Region
from customers.models import Contract, Customer, Product


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # The name shown for the person: their username, unless a test gives them a real name.
    first_name = factory.LazyAttribute(lambda user: user.username)
    language = "en"
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=str(extracted)))


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    customer_no = factory.Sequence(lambda n: f"T{n:08d}")
    name = factory.Sequence(lambda n: f"김테스트{n}")
    phone = factory.Sequence(lambda n: f"010{n:08d}")
    region = Region.SEOUL


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name_ko = factory.Sequence(lambda n: f"정수기 {n}")
    name_en = factory.Sequence(lambda n: f"Water purifier {n}")
    category = ProductCategory.WATER_PURIFIER
    monthly_fee = 30000
    minimum_term_months = 36
    default_term_months = 60
    penalty_rate_percent = 30
    installation_fee = 100000
    registration_fee = 50000


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    number = factory.Sequence(lambda n: f"RT{n:08d}")
    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
    start_date = date(2025, 1, 1)
    term_months = 60
    monthly_fee = factory.SelfAttribute("product.monthly_fee")
    status = ContractStatus.ACTIVE


class ReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reason
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"reason-{n}")
    category = ReasonCategory.FINANCIAL
    label_ko = factory.Sequence(lambda n: f"사유 {n}")
    label_en = factory.Sequence(lambda n: f"Reason {n}")


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"OFFER-{n}")
    name_ko = factory.Sequence(lambda n: f"혜택 {n}")
    name_en = factory.Sequence(lambda n: f"Offer {n}")
    script_ko = "고객님께 이 혜택을 안내해 드립니다."
    script_en = "Tell the customer about this offer."
    kind = OfferKind.SERVICE_IMPROVEMENT
    value = 20000
    fixed_cost = 10000
    reason_categories = factory.LazyFunction(lambda: [ReasonCategory.FINANCIAL])

    @factory.post_generation
    def reasons(self, create, extracted, **kwargs):
        if create and extracted:
            self.reasons.set(extracted)


class CancellationRequestFactory(factory.django.DjangoModelFactory):
    """A request in `opened`. Move it on with the services (the state is protected)."""

    class Meta:
        model = CancellationRequest

    contract = factory.SubFactory(ContractFactory)
    customer = factory.SelfAttribute("contract.customer")
    agent = factory.SubFactory(UserFactory)
