"""The book's fields per kind: what each accepts (JSON from the API, text from a CSV), the
value it becomes, and the error it gives otherwise.

Lengths, ranges, choices and defaults are read from the models, so the book never accepts
what a column would refuse; the check constraints the models cannot describe (a term of 1
to 120 months, a penalty rate of at most 100%) are added here by name. A row is the whole
record: a field left out or empty takes its default, as on creation. Every parser is cheap
(a type test, a regular expression): a million contracts are validated in Python in seconds.

Error codes (stable, for machines): required, invalid, too_long, min_value, max_value,
invalid_choice, unknown_field, inconsistent, duplicate, taken, unknown_reference.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import connection, models
from django.utils.translation import gettext as _

from core.text import CONTROL
from customers.choices import ContractStatus
from customers.models import Contract, Customer, Product
from customers.phones import phone_validate

CODES = (
    "required",
    "invalid",
    "too_long",
    "min_value",
    "max_value",
    "invalid_choice",
    "unknown_field",
    "inconsistent",
    "duplicate",
    "taken",
    "unknown_reference",
)


class Bad(Exception):
    """A value refused: `code` for machines, `message` for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


Parser = Callable[[object], object]


def _text(max_length: int) -> Parser:
    def parse(value):
        if type(value) is not str:
            if type(value) is not int:
                raise Bad("invalid", _("Enter text."))
            value = str(value)  # an id sent as a JSON number
        if len(value) > max_length:
            raise Bad(
                "too_long",
                _("Enter at most %(max)d characters (this has %(length)d).")
                % {"max": max_length, "length": len(value)},
            )
        if CONTROL.search(value):
            raise Bad("invalid", _("Remove the control characters (such as NUL)."))
        return value

    return parse


_DIGITS = re.compile(r"[+-]?[0-9]+\Z")


def _integer(low: int, high: int) -> Parser:
    def parse(value):
        if type(value) is int:
            number = value
        elif type(value) is str and _DIGITS.match(value):
            number = int(value) if len(value) <= 30 else high + 1
        else:
            raise Bad("invalid", _("Enter a whole number (digits only, no commas)."))
        if number < low:
            raise Bad("min_value", _("Enter %(min)d or more.") % {"min": low})
        if number > high:
            raise Bad("max_value", _("Enter %(max)d or less.") % {"max": high})
        return number

    return parse


_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def _boolean(value):
    if value is True or value is False:
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    if type(value) is str:
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise Bad("invalid", _("Enter true or false."))


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _date(value):
    if type(value) is date:
        return value
    if type(value) is str and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise Bad("invalid", _("Enter a real date as YYYY-MM-DD."))


def _choice(values: Iterable[str]) -> Parser:
    allowed = frozenset(values)
    shown = ", ".join(sorted(allowed))

    def parse(value):
        if type(value) is str:
            if value in allowed:
                return value
            if value.lower() in allowed:
                return value.lower()
        raise Bad("invalid_choice", _("Choose one of: %(choices)s.") % {"choices": shown})

    return parse


def _phone(value):
    try:
        if type(value) is not str:
            raise ValidationError("")
        digits = phone_validate(value)
        if not digits.isascii():  # \d also matches other scripts' digits
            raise ValidationError("")
    except ValidationError:
        raise Bad("invalid", _("Enter a Korean phone number such as 010-1234-5678.")) from None
    return digits


_EMAIL = EmailValidator()
_email_text = _text(Customer._meta.get_field("email").max_length)


def _email(value):
    value = _email_text(value)
    try:
        _EMAIL(value)
    except ValidationError:
        raise Bad("invalid", _("Enter a valid email address.")) from None
    return value


@dataclass(frozen=True)
class Field:
    name: str
    parse: Parser
    required: bool
    default: object  # the value of an empty optional field
    # Where a staged value goes: the model's column (its SQL type from the model).
    column: models.Field | None = None


@dataclass(frozen=True)
class Reference:
    """A field naming another kind's record by its external id (must be in the database)."""

    name: str  # the input field, e.g. customer_external_id
    column: str  # the target column it fills, e.g. customer_id
    model: type[models.Model]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    model: type[models.Model]
    fields: tuple[Field, ...]
    key: str  # the other unique field: code, customer_no, number
    references: tuple[Reference, ...] = ()
    # Cross-field checks of one row's values (positional, as `fields`): (field, code, message).
    check: Callable[[list], list[tuple[str, str, str]]] | None = None
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", tuple(f.name for f in self.fields))

    def position(self, name: str) -> int:
        return self.names.index(name)


def _model_field(
    model: type[models.Model], name: str, *, low: int | None = None, high: int | None = None
) -> Field:
    """The book field for a model field: its parser, whether it is required, its default."""
    column = model._meta.get_field(name)
    if name == "external_id":
        return Field(name, _text(column.max_length), True, "", column)
    default = column.get_default() if column.has_default() else None
    if isinstance(column, models.BooleanField):
        return Field(name, _boolean, False, default, column)
    if isinstance(column, models.DateField):
        return Field(name, _date, not column.null, None, column)
    if isinstance(column, models.IntegerField):
        bottom, top = connection.ops.integer_field_range(column.get_internal_type())
        parse = _integer(max(bottom, low if low is not None else bottom), min(top, high or top))
        return Field(name, parse, not column.has_default(), default, column)
    if isinstance(column, models.EmailField):
        return Field(name, _email, False, "", column)
    if column.choices:
        values = [str(value) for value, _label in column.flatchoices]
        return Field(name, _choice(values), not column.has_default(), default or "", column)
    return Field(name, _text(column.max_length), not column.blank, "", column)


def _products_check(spec_positions: dict[str, int]) -> Callable:
    minimum, standard = spec_positions["minimum_term_months"], spec_positions["default_term_months"]

    def check(values: list) -> list[tuple[str, str, str]]:
        if values[standard] < values[minimum]:
            message = _("The standard term cannot be shorter than the minimum term.")
            return [("default_term_months", "inconsistent", message)]
        return []

    return check


def _contracts_check(spec_positions: dict[str, int]) -> Callable:
    status, cancelled_on = spec_positions["status"], spec_positions["cancelled_on"]
    start = spec_positions["start_date"]

    def check(values: list) -> list[tuple[str, str, str]]:
        if values[cancelled_on] is None:
            if values[status] == ContractStatus.CANCELLED:
                message = _("A cancelled contract needs the date its cancellation took effect.")
                return [("cancelled_on", "required", message)]
        elif values[cancelled_on] < values[start]:
            message = _("The cancellation cannot take effect before the contract started.")
            return [("cancelled_on", "inconsistent", message)]
        return []

    return check


def _spec(kind, model, fields, key, references=(), check=None) -> KindSpec:
    spec = KindSpec(kind, model, tuple(fields), key, tuple(references))
    if check is not None:
        positions = {name: i for i, name in enumerate(spec.names)}
        object.__setattr__(spec, "check", check(positions))
    return spec


_id_text = _text(Contract._meta.get_field("external_id").max_length)

SPECS: dict[str, KindSpec] = {
    "products": _spec(
        "products",
        Product,
        [
            _model_field(Product, "external_id"),
            _model_field(Product, "code"),
            _model_field(Product, "name_ko"),
            _model_field(Product, "name_en"),
            _model_field(Product, "category"),
            _model_field(Product, "monthly_fee"),
            _model_field(Product, "minimum_term_months", low=1),  # product_terms_consistent
            _model_field(Product, "default_term_months", low=1),
            _model_field(Product, "penalty_rate_percent", high=100),  # product_penalty_rate_lte_100
            _model_field(Product, "installation_fee"),
            _model_field(Product, "registration_fee"),
            _model_field(Product, "fee_adjustable"),
            _model_field(Product, "fee_floor"),
            _model_field(Product, "relocatable"),
            _model_field(Product, "term_extendable"),
            _model_field(Product, "max_pause_months"),
            _model_field(Product, "is_active"),
        ],
        "code",
        check=_products_check,
    ),
    "customers": _spec(
        "customers",
        Customer,
        [
            _model_field(Customer, "external_id"),
            _model_field(Customer, "customer_no"),
            _model_field(Customer, "name"),
            Field("phone", _phone, True, "", Customer._meta.get_field("phone")),
            Field("alt_phone", _phone, False, "", Customer._meta.get_field("alt_phone")),
            _model_field(Customer, "email"),
            _model_field(Customer, "region"),
            _model_field(Customer, "address"),
            _model_field(Customer, "value_tier"),
            Field(
                "language",
                _choice(code for code, _name in settings.LANGUAGES),
                False,
                Customer._meta.get_field("language").get_default(),
                Customer._meta.get_field("language"),
            ),
            _model_field(Customer, "do_not_call"),
            _model_field(Customer, "marketing_consent"),
        ],
        "customer_no",
    ),
    "contracts": _spec(
        "contracts",
        Contract,
        [
            _model_field(Contract, "external_id"),
            _model_field(Contract, "number"),
            Field("customer_external_id", _id_text, True, ""),
            Field("product_external_id", _id_text, True, ""),
            _model_field(Contract, "start_date"),
            _model_field(Contract, "term_months", low=1, high=120),  # contract_term_1_to_120
            _model_field(Contract, "monthly_fee"),
            _model_field(Contract, "prepaid_amount"),
            _model_field(Contract, "status"),
            _model_field(Contract, "cancelled_on"),
        ],
        "number",
        references=[
            Reference("customer_external_id", "customer_id", Customer),
            Reference("product_external_id", "product_id", Product),
        ],
        check=_contracts_check,
    ),
}


def row_validate(spec: KindSpec, row: int, raw: Iterable, errors) -> list | None:
    """The row's values in field order, or None after adding its errors to `errors` (an
    ErrorSink). `raw` holds one value per field, None or '' when not given."""
    values, external_id, failed = [], "", False
    for spec_field, value in zip(spec.fields, raw, strict=True):
        if type(value) is str:
            value = value.strip()
        if value is None or value == "":
            if spec_field.required:
                failed = True
                errors.add(row, external_id, spec_field.name, "required", _("Give a value."))
            values.append(spec_field.default)
            continue
        try:
            value = spec_field.parse(value)
        except Bad as bad:
            failed = True
            if spec_field.name == "external_id":
                external_id = value if type(value) is str else str(value)
            errors.add(row, external_id, spec_field.name, bad.code, bad.message)
            values.append(spec_field.default)
            continue
        if spec_field.name == "external_id":
            external_id = value
        values.append(value)
    if not failed and spec.check is not None:
        for name, code, message in spec.check(values):
            failed = True
            errors.add(row, external_id, name, code, message)
    return None if failed else values
