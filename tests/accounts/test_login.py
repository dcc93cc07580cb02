import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def _login(client, username, password, ip="10.0.0.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_with_the_right_password_reaches_home(client, agent):
    response = _login(client, agent.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_shows_the_form_again(client, agent):
    response = _login(client, agent.username, "nope")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_that_username_on_that_address(client, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, agent.username, "wrong")
    locked = _login(client, agent.username, PASSWORD)
    assert locked.status_code == 429
    assert b"Too many attempts" in locked.content
    assert "_auth_user_id" not in client.session


def test_one_agents_typos_do_not_lock_out_the_floor_behind_the_same_nat(client, agent):
    colleague = UserFactory(username="agent-choi")
    for _ in range(10):
        _login(client, agent.username, "wrong", ip="203.0.113.9")
    response = _login(client, colleague.username, PASSWORD, ip="203.0.113.9")
    assert response.status_code == 302


def test_the_same_username_from_another_address_is_not_locked(client, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, agent.username, "wrong", ip="203.0.113.9")
    assert _login(client, agent.username, PASSWORD, ip="198.51.100.4").status_code == 302


def test_lockout_ends_after_the_cool_off(client, agent, settings):
    import time_machine
    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, agent.username, "wrong")
    assert _login(client, agent.username, PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME * 2):
        assert _login(client, agent.username, PASSWORD).status_code == 302


def test_logout_is_a_post_and_ends_the_session(client_as_agent):
    response = client_as_agent.post(reverse("logout"))
    assert response.status_code == 302
    assert client_as_agent.get(reverse("home")).status_code == 302
