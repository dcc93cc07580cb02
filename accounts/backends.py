"""The authentication backend: Django's model backend, with what a person may do kept per
version of the roles (`accounts.access`)."""

from django.contrib.auth.backends import ModelBackend

from accounts.access import user_access


class KeptModelBackend(ModelBackend):
    """Django's model backend, with a person's permissions from `user_access`."""

    def get_all_permissions(self, user_obj, obj=None):
        if (
            obj is None
            and user_obj.is_active
            and not user_obj.is_anonymous
            and not hasattr(user_obj, "_perm_cache")
        ):
            user_obj._perm_cache = set(user_access(user_obj).permissions)
        return super().get_all_permissions(user_obj, obj)
