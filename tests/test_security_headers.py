"""Every answer of the desk carries its security headers: a Content-Security-Policy that
allows no inline script or style, and a Permissions-Policy that turns off what the desk never
uses. Checked over every URL (tests/site_map.py), so a new page cannot miss them."""

import importlib
import re

import pytest
from django.test import Client

from accounts.roles import Role
from tests.auth import MODEL_BACKEND
from tests.factories import UserFactory
from tests.site_map import every_url, world_make

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.mark.parametrize("role", [None, Role.AGENT, Role.SUPERVISOR, Role.CATALOG_ADMIN])
def test_every_answer_carries_csp_and_permissions_policy(agent, role):
    urls = every_url(world_make(agent))
    client = Client(raise_request_exception=False)
    if role is not None:
        client.force_login(UserFactory(username=f"headers-{role}", role=role), MODEL_BACKEND)
    for url in urls:
        response = client.get(url)
        csp = _directives(response.get("Content-Security-Policy", ""))
        assert csp.get("script-src") == "'self'", (url, csp)
        assert csp.get("style-src") == "'self'", (url, csp)
        assert csp.get("default-src") == "'self'" and csp.get("object-src") == "'none'"
        assert csp.get("frame-ancestors") == "'none'", url
        policy = response.get("Permissions-Policy", "")
        for feature in ("camera", "microphone", "geolocation", "payment"):
            assert f"{feature}=()" in policy, (url, policy)


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.CATALOG_ADMIN])
def test_pages_have_no_inline_script_or_style_for_the_policy_to_block(agent, role):
    """What the policy would block must not be there: no inline handlers, <script> bodies
    (other than JSON data blocks) or style attributes in any page the desk renders."""
    client = Client()
    client.force_login(UserFactory(username=f"inline-{role}", role=role), MODEL_BACKEND)
    for url in every_url(world_make(agent)):
        response = client.get(url)
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html), url
        assert not re.search(r"<style", html), url
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            assert "src=" in attributes or 'type="application/json"' in attributes, (url, body)


def _production(monkeypatch, **environment):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "desk.example.com")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(importlib.import_module("config.settings.production"))


def test_production_sends_hsts_secure_cookies_and_redirects_to_https(monkeypatch):
    production = _production(monkeypatch)
    assert production.DEBUG is False
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_SSL_REDIRECT
    assert production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"]


def test_the_demo_over_plain_http_turns_off_only_what_needs_tls(monkeypatch):
    production = _production(monkeypatch, DJANGO_HTTPS="false")
    assert production.DEBUG is False
    assert not production.SECURE_SSL_REDIRECT and production.SECURE_HSTS_SECONDS == 0
    assert not production.SESSION_COOKIE_SECURE
    assert production.SECURE_CONTENT_TYPE_NOSNIFF
