"""The book: customers, products and contracts read (incrementally, by updated time) and
upserted by the company's own ids, one at a time (PUT) or up to 1,000 at once (POST …/bulk),
every row checked by the book service and a batch written all or none."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.choices import Scope
from api.rest.errors import problem
from api.rest.views import ApiView, idempotent
from api.serializers import (
    BookResultSerializer,
    ContractRow,
    ContractSerializer,
    CustomerRow,
    CustomerSerializer,
    ProductRow,
    ProductSerializer,
    bulk_request,
)
from api.services.book import book_sync
from api.views.common import IDEMPOTENCY_KEY, errors
from customers.models import Contract, Customer, Product

SYNC_REASON = "Ended by billing (book sync through the API)."


@dataclass(frozen=True)
class Kind:
    name: str  # customers | products | contracts
    model: type[models.Model]
    output: type[serializers.Serializer]
    row: type[serializers.Serializer]
    related: tuple[str, ...] = ()

    def queryset(self):
        return self.model.objects.select_related(*self.related)


KINDS = {
    "customers": Kind("customers", Customer, CustomerSerializer, CustomerRow),
    "products": Kind("products", Product, ProductSerializer, ProductRow),
    "contracts": Kind(
        "contracts", Contract, ContractSerializer, ContractRow, ("customer", "product")
    ),
}


def _row_problem(result) -> Response:
    errors = [
        {
            "row": error.row,
            "external_id": error.external_id,
            "field": error.field,
            "code": error.code,
            "message": str(error.message),
        }
        for error in result.errors
    ]
    return problem(
        400,
        "invalid_rows",
        f"{len({e['row'] for e in errors})} of {result.rows} rows are not valid; nothing was "
        "written.",
        errors=errors,
    )


def _summary(result) -> dict:
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "written": result.written,
        "cancellations_withdrawn": result.requests_withdrawn,
    }


def _list_view(kind: Kind):
    class ListView(ApiView):
        scopes = {"GET": Scope.READ}
        serializer_class = kind.output

        def get_queryset(self):
            return kind.queryset()

        @extend_schema(
            operation_id=f"{kind.name}_list",
            summary=f"List {kind.name} in the order they changed",
            description=f"Every {kind.name[:-1]}, oldest change first. A sync reads "
            "`?updated_after=<its last run>` and follows `next` until it is null.",
            responses={200: kind.output(many=True), **errors()},
            tags=["book"],
        )
        def get(self, request):
            page = self.paginate_queryset(self.get_queryset())
            return self.get_paginated_response(
                kind.output(page, many=True, context={"request": request}).data
            )

    ListView.__name__ = f"{kind.name.title()}List"
    return ListView


def _detail_view(kind: Kind):
    class DetailView(ApiView):
        scopes = {"GET": Scope.READ, "PUT": Scope.BOOK_WRITE}
        serializer_class = kind.output
        pagination_class = None

        def _get(self, request, external_id):
            record = kind.queryset().filter(external_id=external_id).first()
            if record is None:
                return problem(404, "not_found", f"No {kind.name[:-1]} has this external id.")
            return Response(kind.output(record, context={"request": request}).data)

        @extend_schema(
            operation_id=f"{kind.name}_read",
            summary=f"Read one {kind.name[:-1]} by its external id",
            responses={200: kind.output, **errors(404)},
            tags=["book"],
        )
        def get(self, request, external_id: str):
            return self._get(request, external_id)

        @extend_schema(
            operation_id=f"{kind.name}_upsert",
            summary=f"Create or update one {kind.name[:-1]} by its external id",
            description="Created when the external id is new (201), else updated (200); "
            "unchanged values leave `updated_at` alone.",
            request=kind.row,
            responses={200: kind.output, 201: kind.output, **errors()},
            tags=["book"],
        )
        def put(self, request, external_id: str):
            row = request.data
            if not isinstance(row, dict):
                raise ValidationError({"": ["Send one object."]})
            if row.get("external_id") not in (None, external_id):
                raise ValidationError({"external_id": ["It differs from the id in the address."]})
            result = book_sync(
                kind=kind.name, rows=[{**row, "external_id": external_id}], reason=SYNC_REASON
            )
            if result.errors:
                return _row_problem(result)
            response = self._get(request, external_id)
            response.status_code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
            return response

    DetailView.__name__ = f"{kind.name.title()}Detail"
    return DetailView


def _bulk_view(kind: Kind):
    request_serializer = bulk_request(kind.row, f"{kind.name.title()}Bulk")

    class BulkView(ApiView):
        scopes = {"POST": Scope.BOOK_WRITE}
        serializer_class = request_serializer
        pagination_class = None

        @extend_schema(
            operation_id=f"{kind.name}_bulk_upsert",
            summary=f"Create or update up to 1,000 {kind.name} at once",
            description="Every row is checked; if any is not valid, nothing is written and "
            "`errors` lists each bad row's field, code and message. Send an `Idempotency-Key` "
            "to make a retry safe.",
            request=request_serializer,
            responses={200: BookResultSerializer, **errors(422)},
            parameters=[IDEMPOTENCY_KEY],
            examples=[
                OpenApiExample(
                    "A row refused",
                    response_only=True,
                    status_codes=["400"],
                    value={
                        "type": "https://retention-desk.example/problems/invalid_rows",
                        "title": "Bad request",
                        "status": 400,
                        "detail": "1 of 2 rows are not valid; nothing was written.",
                        "code": "invalid_rows",
                        "errors": [
                            {
                                "row": 1,
                                "external_id": "C-1002",
                                "field": "phone",
                                "code": "invalid",
                                "message": "Not a Korean phone number.",
                            }
                        ],
                    },
                )
            ],
            tags=["book"],
        )
        @idempotent
        def post(self, request):
            body = request.data
            items = body.get("items") if isinstance(body, dict) else None
            if not isinstance(items, list) or not items:
                raise ValidationError({"items": ["Send a list of 1 to 1,000 rows."]})
            if len(items) > settings.API_BULK_MAX_ROWS:
                raise ValidationError(
                    {"items": [f"At most {settings.API_BULK_MAX_ROWS:,} rows at once."]}
                )
            if not all(isinstance(item, dict) for item in items):
                raise ValidationError({"items": ["Each row is an object."]})
            dry_run = body.get("dry_run", False)
            if not isinstance(dry_run, bool):
                raise ValidationError({"dry_run": ["true or false."]})
            result = book_sync(kind=kind.name, rows=items, dry_run=dry_run, reason=SYNC_REASON)
            if result.errors:
                return _row_problem(result)
            return Response(_summary(result))

    BulkView.__name__ = f"{kind.name.title()}Bulk"
    return BulkView


VIEWS = {
    name: (_list_view(kind), _detail_view(kind), _bulk_view(kind)) for name, kind in KINDS.items()
}
