"""The demo's people: the floor's agents, supervisors, catalog admin and specialist, with
their teams, all signing in with one password."""

from django.contrib.auth.models import Group

from accounts.models import Team, User
from accounts.roles import Role

DEMO_PASSWORD = "demo-desk-2026"
DEMO_USERS = [
    # username, first name, last name, role, team
    ("agent", "지은", "김", Role.AGENT, "1팀"),
    ("supervisor", "민수", "박", Role.SUPERVISOR, "1팀"),
    ("catalog_admin", "서연", "이", Role.CATALOG_ADMIN, ""),
    ("specialist", "현우", "정", Role.SPECIALIST, ""),
    ("agent2", "수빈", "최", Role.AGENT, "1팀"),
    ("agent3", "도윤", "강", Role.AGENT, "1팀"),
    ("agent4", "하은", "조", Role.AGENT, "2팀"),
    ("agent5", "준호", "윤", Role.AGENT, "2팀"),
    ("supervisor2", "예린", "장", Role.SUPERVISOR, "2팀"),
]


def demo_users_ensure() -> list[User]:
    users = []
    teams = {}
    for username, first, last, role, team_name in DEMO_USERS:
        if team_name and team_name not in teams:
            teams[team_name], _ = Team.objects.get_or_create(name=team_name)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "language": "ko",
                "team": teams.get(team_name),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=str(role)))
        if role == Role.SUPERVISOR and team_name and teams[team_name].lead_id is None:
            teams[team_name].lead = user
            teams[team_name].save(update_fields=["lead"])
        users.append(user)
    return users
