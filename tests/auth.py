"""How the tests log a user in: through ModelBackend (axes' backend cannot load users)."""

MODEL_BACKEND = "accounts.backends.KeptModelBackend"
