from accounts.models import User


def user_set_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def login_attempt_username(request, credentials: dict | None = None) -> str | None:
    """The username a login attempt is counted against (django-axes'
    AXES_USERNAME_CALLABLE), clipped to the longest username there can be, so an absurd
    value is throttled like any other rather than failing to be recorded."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username")
    return None if username is None else str(username)[:150]
