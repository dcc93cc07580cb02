from accounts.roles import Role


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": set()}
    return {"roles": {str(role) for role in Role if user.has_role(role)}}
