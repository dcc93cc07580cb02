"""What the API reads and writes, described for the schema. Output is read straight from the
models; input rows are validated by the book service (`customers.services.book`), the one
place every row is checked whether it comes through the API or a CSV file, so the input
serializers here describe the fields and their types for the schema and clients only."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from rest_framework import serializers

from api.choices import Scope
from cancellations.models import CancellationRequest
from customers.choices import BillingEventKind, ContractStatus, ProductCategory, Region, ValueTier
from customers.models import Contract, Customer, Product
from customers.phones import phone_mask


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = [
            "external_id",
            "code",
            "name_ko",
            "name_en",
            "category",
            "monthly_fee",
            "minimum_term_months",
            "default_term_months",
            "penalty_rate_percent",
            "installation_fee",
            "registration_fee",
            "fee_adjustable",
            "fee_floor",
            "relocatable",
            "term_extendable",
            "max_pause_months",
            "is_active",
            "updated_at",
        ]


class CustomerSerializer(serializers.ModelSerializer):
    """Phones, email and address in full only for a key with the `customers:pii` scope;
    masked (phones) or left out (email, address) otherwise."""

    phone = serializers.SerializerMethodField()
    alt_phone = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "external_id",
            "customer_no",
            "name",
            "phone",
            "alt_phone",
            "email",
            "address",
            "region",
            "value_tier",
            "language",
            "do_not_call",
            "marketing_consent",
            "created_at",
            "updated_at",
        ]

    def _pii(self) -> bool:
        request = self.context.get("request")
        return bool(request and Scope.PII_READ in getattr(request.auth, "scopes", ()))

    def get_phone(self, customer) -> str:
        return customer.phone if self._pii() else phone_mask(customer.phone)

    def get_alt_phone(self, customer) -> str:
        if not customer.alt_phone:
            return ""
        return customer.alt_phone if self._pii() else phone_mask(customer.alt_phone)

    def get_email(self, customer) -> str | None:
        return customer.email if self._pii() else None

    def get_address(self, customer) -> str | None:
        return customer.address if self._pii() else None


class ContractSerializer(serializers.ModelSerializer):
    customer_external_id = serializers.CharField(source="customer.external_id", allow_null=True)
    customer_no = serializers.CharField(source="customer.customer_no")
    product_external_id = serializers.CharField(source="product.external_id", allow_null=True)
    product_code = serializers.CharField(source="product.code")

    class Meta:
        model = Contract
        fields = [
            "external_id",
            "number",
            "customer_external_id",
            "customer_no",
            "product_external_id",
            "product_code",
            "start_date",
            "term_months",
            "monthly_fee",
            "prepaid_amount",
            "status",
            "cancelled_on",
            "paused_until",
            "discount_percent",
            "discount_until",
            "free_months_remaining",
            "updated_at",
        ]


class CancellationSerializer(serializers.ModelSerializer):
    """A cancellation request as billing or a BI tool reads it back: where it ended and, for
    a cancellation, the quote the customer was given."""

    contract_external_id = serializers.CharField(source="contract.external_id", allow_null=True)
    contract_number = serializers.CharField(source="contract.number")
    customer_external_id = serializers.CharField(source="customer.external_id", allow_null=True)
    reason = serializers.CharField(source="reason.code", allow_null=True)

    class Meta:
        model = CancellationRequest
        fields = [
            "id",
            "contract_external_id",
            "contract_number",
            "customer_external_id",
            "state",
            "branch",
            "reason",
            "offers_presented",
            "quote",
            "effective_date",
            "pickup_date",
            "opened_at",
            "closed_at",
            "updated_at",
        ]


# ---- input, described for the schema ------------------------------------------------------


class MomentField(serializers.DateTimeField):
    """When something happened: with its offset, from 2000 to at most a day ahead (a clock
    that is off, or a year typed wrong, is refused rather than stored)."""

    EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)

    def to_internal_value(self, value):
        moment = super().to_internal_value(value)
        if not self.EARLIEST <= moment <= timezone.now() + timedelta(days=1):
            raise serializers.ValidationError("A moment from 2000 to tomorrow.", code="invalid")
        return moment


class ProductRow(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    code = serializers.CharField(max_length=20)
    name_ko = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=100)
    category = serializers.ChoiceField(ProductCategory.choices)
    monthly_fee = serializers.IntegerField(min_value=0, help_text="Whole KRW.")
    minimum_term_months = serializers.IntegerField(min_value=1)
    default_term_months = serializers.IntegerField(min_value=1)
    penalty_rate_percent = serializers.IntegerField(min_value=0, max_value=100)
    installation_fee = serializers.IntegerField(min_value=0, required=False)
    registration_fee = serializers.IntegerField(min_value=0, required=False)
    fee_adjustable = serializers.BooleanField(required=False)
    fee_floor = serializers.IntegerField(min_value=0, required=False)
    relocatable = serializers.BooleanField(required=False)
    term_extendable = serializers.BooleanField(required=False)
    max_pause_months = serializers.IntegerField(min_value=0, required=False)
    is_active = serializers.BooleanField(required=False)


class CustomerRow(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    customer_no = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=60)
    phone = serializers.CharField(help_text="Any usual Korean format; stored as digits.")
    alt_phone = serializers.CharField(required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    region = serializers.ChoiceField(Region.choices)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    value_tier = serializers.ChoiceField(ValueTier.choices, required=False)
    language = serializers.ChoiceField([("ko", "ko"), ("en", "en")], required=False)
    do_not_call = serializers.BooleanField(required=False)
    marketing_consent = serializers.BooleanField(required=False)


class ContractRow(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    number = serializers.CharField(max_length=20)
    customer_external_id = serializers.CharField(max_length=64)
    product_external_id = serializers.CharField(max_length=64)
    start_date = serializers.DateField()
    term_months = serializers.IntegerField(min_value=1, max_value=120)
    monthly_fee = serializers.IntegerField(min_value=0)
    prepaid_amount = serializers.IntegerField(min_value=0, required=False)
    status = serializers.ChoiceField(
        ContractStatus.choices,
        required=False,
        help_text="A contract arriving cancelled or ended closes its open cancellation request "
        "(withdrawn, with the reason).",
    )
    cancelled_on = serializers.DateField(required=False, allow_null=True)


def bulk_request(row: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    return type(
        name,
        (serializers.Serializer,),
        {
            "items": row(many=True, help_text="Up to 1,000 rows, written all or none."),
            "dry_run": serializers.BooleanField(
                required=False, default=False, help_text="Validate only; write nothing."
            ),
        },
    )


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="0-based index in `items`.")
    external_id = serializers.CharField()
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class BookResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    written = serializers.BooleanField(help_text="False for a dry run.")
    cancellations_withdrawn = serializers.IntegerField(
        help_text="Open cancellation requests closed because their contract ended."
    )


class BillingEventSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=64, help_text="Billing's own event id (idempotent).")
    type = serializers.ChoiceField(BillingEventKind.choices)
    contract_external_id = serializers.CharField(max_length=64)
    occurred_at = MomentField()
    amount = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=-(10**12),
        max_value=10**12,
        help_text="Whole KRW.",
    )
    detail = serializers.DictField(required=False, help_text="Anything else billing sends.")
