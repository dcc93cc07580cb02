"""How the tests log a user in: through ModelBackend (axes' backend cannot load users)."""

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
