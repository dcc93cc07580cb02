"""JSON in, refused whole when it holds what the desk cannot store: the API's side of the
input guard (`core.middleware`), which reads forms and query strings but not JSON bodies.
Control characters (NUL included) anywhere in a string, a string longer than the desk's
field cap, or a body larger than `API_MAX_BODY_BYTES`: 400, nothing read further."""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from core.text import CONTROL


def _problem(value, path: str) -> str:
    if isinstance(value, str):
        if CONTROL.search(value):
            return f"{path or 'the body'} contains control characters (such as NUL)."
        if len(value) > settings.INPUT_MAX_FIELD_LENGTH:
            return f"{path} is longer than {settings.INPUT_MAX_FIELD_LENGTH:,} characters."
        return ""
    if isinstance(value, dict):
        for name, item in value.items():
            problem = _problem(name, path) or _problem(item, f"{path}.{name}" if path else name)
            if problem:
                return problem
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problem = _problem(item, f"{path}[{index}]")
            if problem:
                return problem
    return ""


class GuardedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        length = int((request.META.get("CONTENT_LENGTH") or 0) if request else 0)
        if length > settings.API_MAX_BODY_BYTES:
            raise ParseError(f"The body is larger than {settings.API_MAX_BODY_BYTES:,} bytes.")
        data = super().parse(stream, media_type, parser_context)
        problem = _problem(data, "")
        if problem:
            raise ParseError(problem)
        return data
