import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_users_language_wins_over_the_browser(client_as_agent, agent):
    agent.language = "ko"
    agent.save(update_fields=["language"])
    response = client_as_agent.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "ko"
    assert "활성 계약" in response.content.decode()


def test_switching_language_is_saved_on_the_user(client_as_agent, agent):
    response = client_as_agent.post(
        reverse("language_set"), {"language": "ko", "next": reverse("home")}
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.language == "ko"


def test_an_unknown_language_is_refused_and_nothing_changes(client_as_agent, agent):
    response = client_as_agent.post(reverse("language_set"), {"language": "xx"}, follow=True)
    agent.refresh_from_db()
    assert agent.language == "en"
    assert "That language is not available." in response.content.decode()


def test_an_offsite_next_url_is_ignored(client_as_agent):
    response = client_as_agent.post(
        reverse("language_set"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_language_switch_needs_post(client_as_agent):
    assert client_as_agent.get(reverse("language_set")).status_code == 405
