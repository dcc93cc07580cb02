"""Errors the services raise. Each carries a message a person can act on; views show it,
tasks log it, and nothing has been changed when one is raised."""


class ServiceError(Exception):
    """The action was refused; `message` says why (translated)."""

    code = "refused"

    def __init__(self, message, *, code: str | None = None, details: list | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.details = details or []


class NotPermitted(ServiceError):
    code = "forbidden"


class Conflict(ServiceError):
    """Someone else changed the object first; reload and look again."""

    code = "conflict"


class RequestAlreadyOpen(ServiceError):
    code = "already_open"

    def __init__(self, message, *, request_id: int):
        super().__init__(message)
        self.request_id = request_id
