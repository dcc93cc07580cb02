"""Pages in the order records changed: keyset on (updated_at, id), so a sync that reads
`?updated_after=<its last run>` and follows `next` sees every record changed since, once,
however many share one timestamp (a bulk import writes thousands in the same instant), and
each page is one indexed range scan whatever the page number."""

import base64
import binascii
from datetime import datetime

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

PAGE_SIZE = 100
PAGE_SIZE_MAX = 1000


def _moment(text: str, name: str) -> datetime:
    moment = parse_datetime(text)
    if moment is None or moment.tzinfo is None:
        raise ValidationError({name: ["Give a date and time with its offset (ISO 8601)."]})
    return moment


class UpdatedCursorPagination(BasePagination):
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        params = request.query_params
        raw = params.get("limit", str(PAGE_SIZE))
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= PAGE_SIZE_MAX):
            raise ValidationError({"limit": [f"A whole number from 1 to {PAGE_SIZE_MAX}."]})
        self.limit = int(raw)
        if "updated_after" in params:
            queryset = queryset.filter(
                updated_at__gt=_moment(params["updated_after"], "updated_after")
            )
        cursor = params.get(self.cursor_query_param)
        if cursor:
            moment, pk = self._decode(cursor)
            queryset = queryset.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
        rows = list(queryset.order_by("updated_at", "pk")[: self.limit + 1])
        self.has_next = len(rows) > self.limit
        rows = rows[: self.limit]
        self.request = request
        self.last = rows[-1] if rows else None
        return rows

    def _decode(self, cursor: str):
        try:
            text = base64.urlsafe_b64decode(cursor.encode()).decode()
            moment, pk = text.rsplit("|", 1)
            return _moment(moment, "cursor"), int(pk)
        except (ValueError, binascii.Error, UnicodeDecodeError, ValidationError):
            raise ValidationError({"cursor": ["This cursor is not one the API gave."]}) from None

    def _next_link(self) -> str | None:
        if not self.has_next:
            return None
        token = f"{self.last.updated_at.isoformat()}|{self.last.pk}"
        cursor = base64.urlsafe_b64encode(token.encode()).decode()
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        return Response({"items": data, "next": self._next_link()})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["items", "next"],
            "properties": {
                "items": schema,
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page, or null on the last one.",
                },
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "updated_after",
                "in": "query",
                "required": False,
                "description": "Only records changed after this moment (ISO 8601 with offset).",
                "schema": {"type": "string", "format": "date-time"},
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "The page to read, from the previous page's `next`.",
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_=-]+$"},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Records per page, 1 to {PAGE_SIZE_MAX} (default {PAGE_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_MAX},
            },
        ]
