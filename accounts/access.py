"""What a signed-in person may do (their permissions and roles), kept in the process per
version of the roles instead of read from PostgreSQL on every page (3 queries).

Two versions (in Redis like the screens' versions, `core.updates`) move at once and again
on commit, from the models' signals: the roles' (`AUTH_KEY`) when a role or a role's
permissions change, which every process answers by loading anew all it kept, and a person's
(`person_key`) when their roles or own permissions change, which reloads only theirs (a new
agent on the floor does not make everyone's next page read their roles again).
A person's own row (active, superuser) is read on every request anyway and is part of what
is looked up. With Redis away, everything is read from the database on every page, as
before. A revoked role therefore stops working at the next request, in every process.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.updates import KeptByVersion, updates_bump, updates_read

AUTH_KEY = "upd:auth"


def person_key(user_id) -> str:
    return f"upd:auth:{user_id}"


@dataclass(frozen=True)
class Access:
    permissions: frozenset[str]  # "app_label.codename", from the person's roles and own grants
    roles: frozenset[str]  # the names of the person's role groups

    @cached_property
    def fingerprint(self) -> str:
        """The same for the same permissions and roles, in every process."""
        granted = json.dumps([sorted(self.permissions), sorted(self.roles)])
        return hashlib.sha256(granted.encode()).hexdigest()[:16]


def user_viewer(user) -> str:
    """Who looks at a kept screen (`core.screens.screen_draw_kept`): the person and what
    they may do."""
    return f"{user.pk}:{user_access(user).fingerprint}"


def access_load(user) -> Access:
    """From the database (2 queries), as Django's model backend grants: a superuser every
    permission, anyone else their own and their groups'."""
    granted = Permission.objects.all()
    if not user.is_superuser:
        granted = granted.filter(Q(user=user) | Q(group__user=user))
    return Access(
        permissions=frozenset(
            f"{app}.{codename}"
            for app, codename in granted.values_list("content_type__app_label", "codename")
        ),
        roles=frozenset(user.groups.values_list("name", flat=True)),
    )


# Under the roles' version: (user pk, the person's version, superuser, active) → Access
_kept = KeptByVersion()


def user_access(user) -> Access:
    """The person's access as of the roles' current version (kept on the user object for
    the rest of the request)."""
    access = getattr(user, "_access", None)
    if access is None:
        found = updates_read([AUTH_KEY, person_key(user.pk)])
        if found is None:
            access = access_load(user)
        else:
            who = (user.pk, found[person_key(user.pk)], user.is_superuser, user.is_active)
            access = _kept.get(found[AUTH_KEY], who, lambda: access_load(user))
        user._access = access
    return access


def access_changed(**kwargs) -> None:
    updates_bump([AUTH_KEY], at_once=True)


def person_access_changed(*, instance, action, reverse, pk_set, **kwargs) -> None:
    """A person's roles or own permissions changed: theirs (all, when a role was emptied)."""
    if not action.startswith("post_"):
        return
    if not reverse:
        keys = [person_key(instance.pk)]
    elif pk_set:
        keys = [person_key(pk) for pk in pk_set]
    else:
        keys = [AUTH_KEY]
    updates_bump(keys, at_once=True)


def access_on_sign_in(user, **kwargs) -> None:
    """Signing in loads the person's access, so their first page reads it kept."""
    user_access(user)


def access_signals_connect(user_model) -> None:
    """Called once the models are ready (accounts' AppConfig)."""
    uid = "accounts.access"
    for through in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(person_access_changed, sender=through, dispatch_uid=uid)
    m2m_changed.connect(access_changed, sender=Group.permissions.through, dispatch_uid=uid)
    user_logged_in.connect(access_on_sign_in, dispatch_uid=uid)
    for model in (Group, Permission):
        post_save.connect(access_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(access_changed, sender=model, dispatch_uid=f"{uid}.delete")
