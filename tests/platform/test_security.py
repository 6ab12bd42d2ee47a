"""Hardening: Content-Security-Policy and the other headers on every response, rate limits on members'
writes and on login that a forged X-Forwarded-For does not get around, password reset that does not reveal
which emails exist."""

import base64
import hashlib
import re

import pytest
from django.template.loader import get_template
from django.test import override_settings
from django.urls import reverse

from communities.models import Community, Membership
from communities.services import thread_create
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in response["Content-Security-Policy"].split(";")
    }


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/signup/", "/events/", "/knowledge/"])
def test_every_page_carries_a_strict_policy_and_the_usual_headers(client, url):
    response = client.get(url)
    directives = policy(response)
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-inline'" not in directives["style-src"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_inline_blocks_carry_this_responses_nonce_and_no_script_runs_without_one(client, member):
    client.force_login(member)
    for url in ["/", reverse("members:profile_edit"), reverse("communities:list"), reverse("digests:preferences")]:
        response = client.get(url)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        html = response.content.decode()
        for tag in re.findall(r"<(?:style|script)\b[^>]*>", html):
            if tag.startswith("<script") and ("src=" in tag or "application/json" in tag):
                continue
            assert f'nonce="{nonce}"' in tag, (url, tag)
        assert re.search(r"\son[a-z]+=", html) is None, url  # no inline event handlers


def test_each_response_gets_a_new_nonce(client):
    first = policy(client.get("/"))["script-src"]
    second = policy(client.get("/"))["script-src"]
    assert first != second


def test_the_standalone_error_pages_style_is_allowed_by_its_hash(client):
    source = get_template("standalone_error.html").template.source
    block = re.search(r"<style>(.*?)</style>", source, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy(client.get("/"))["style-src"]


def test_a_download_keeps_its_own_sandbox_policy():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from cop_platform.security import ContentSecurityPolicyMiddleware

    def view(request):
        response = HttpResponse(b"x")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def _thread_to_reply_in(client, member):
    """A thread of an open community `member` belongs to, `client` signed in as them: (its reply URL, it)."""
    community = Community.objects.create(name="Open CoP", slug="open")
    Membership.objects.create(member=member, community=community, status="active", joined_at="2026-01-01T00:00Z")
    thread = thread_create(community=community, author=member, title="Hello", body="Hi")
    client.force_login(member)
    return reverse("communities:reply", args=[community.slug, thread.pk]), thread


@override_settings(WRITE_RATE_LIMITS={"post": ("3/m", "100/m"), "join": ("20/m", "60/m")})
def test_posting_is_rate_limited_per_member(client, member):
    url, _thread = _thread_to_reply_in(client, member)
    statuses = [client.post(url, {"body": f"Reply {n}"}).status_code for n in range(5)]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3:] == [429, 429]
    assert "Too many" in client.post(url, {"body": "again"}).content.decode()


@override_settings(WRITE_RATE_LIMITS={"add_member": ("3/m", "100/m")})
def test_a_leader_adding_members_by_email_is_rate_limited(client, member):
    """Each answer says whether an address has an account, and whose: not a way to match a list of addresses."""
    community = Community.objects.create(name="Open CoP", slug="open")
    Membership.objects.create(
        member=member, community=community, status="active", role="leader", joined_at="2026-01-01T00:00Z"
    )
    client.force_login(member)
    url = reverse("communities:members", args=[community.slug])
    statuses = [client.post(url, {"email": f"guess{n}@example.org", "role": "member"}).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


@override_settings(WRITE_RATE_LIMITS={"post": ("100/m", "2/m"), "join": ("20/m", "60/m")})
def test_a_forged_forwarded_for_header_does_not_reset_the_ip_limit(client, member):
    community = Community.objects.create(name="Open CoP", slug="open")
    Membership.objects.create(member=member, community=community, status="active", joined_at="2026-01-01T00:00Z")
    thread = thread_create(community=community, author=member, title="Hello", body="Hi")
    client.force_login(member)
    url = reverse("communities:reply", args=[community.slug, thread.pk])
    statuses = [
        client.post(url, {"body": f"Reply {n}"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]


def test_failed_logins_are_limited_whatever_x_forwarded_for_says(client):
    member = MemberFactory()
    for n in range(6):  # allauth: 5 failures per 5 minutes per account, 10 a minute per IP
        client.post(
            reverse("account_login"), {"login": member.email, "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"10.1.0.{n}"
        )
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_answers_the_same_for_known_and_unknown_emails(client, mailoutbox):
    member = MemberFactory()

    def answer(email):
        response = client.post(reverse("account_reset_password"), {"email": email}, follow=True)
        html = response.content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return response.status_code, re.sub(r'nonce="[^"]+"', "", html.replace(email, "EMAIL"))

    assert answer(member.email) == answer("nobody@example.org")


def test_the_per_ip_login_limit_ignores_a_forged_forwarded_for(client):
    for n in range(10):  # ten different accounts, ten different forged addresses, one real client
        client.post(
            reverse("account_login"),
            {"login": f"nobody{n}@example.org", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.2.0.{n}",
        )
    response = client.post(
        reverse("account_login"), {"login": "else@example.org", "password": "wrong"}, HTTP_X_FORWARDED_FOR="10.3.3.3"
    )
    assert "Too many failed login attempts" in response.content.decode()


@override_settings(WRITE_RATE_LIMITS={"post": ("1/m", "100/m"), "join": ("20/m", "60/m")})
def test_a_reply_refused_by_the_rate_limit_is_shown_back_to_copy(client, member):
    """Nothing is saved, and the page says so: what the member typed is on it, escaped, not lost."""
    url, thread = _thread_to_reply_in(client, member)
    client.post(url, {"body": "A first reply"})

    refused = client.post(url, {"body": "A long answer <b>typed</b> on a slow connection"})

    assert refused.status_code == 429
    text = refused.content.decode()
    assert "Nothing was saved. Here is what you wrote" in text
    assert "A long answer &lt;b&gt;typed&lt;/b&gt; on a slow connection</textarea>" in text
    assert thread.posts.count() == 2


@pytest.mark.parametrize(
    "trusted, forwarded, expected",
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy trusted: the header is anybody's
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # the client's own entry, to the left, is ignored
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # past the outer proxy: the one entry is the inner proxy's
        (1, "unknown", "10.0.0.1"),  # a proxy's "unknown" counts as the proxy itself
        (1, "", "10.0.0.1"),
        (-1, "203.0.113.9", "10.0.0.1"),  # as allauth reads it: no proxy trusted
    ],
)
def test_the_client_address_is_the_entry_the_trusted_proxies_wrote(rf, settings, trusted, forwarded, expected):
    from cop_platform.client_ip import client_ip

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = trusted
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    assert client_ip(request) == expected


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_request_with_fewer_forwarded_entries_than_proxies_can_still_sign_in(client):
    """allauth's own rule answered it with ImproperlyConfigured: a 500 on the login page."""
    member = MemberFactory()
    page = client.get(reverse("account_login"), HTTP_X_FORWARDED_FOR="203.0.113.9")
    signed_in = client.post(
        reverse("account_login"),
        {"login": member.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert page.status_code == 200
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_logins_are_limited_by_the_address_it_saw_not_the_ones_a_client_adds(client):
    def fail(forwarded, n):
        return client.post(
            reverse("account_login"),
            {"login": f"nobody{n}@example.org", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for n in range(10):  # one client behind the proxy, ten forged entries of its own to the left
        fail(f"10.2.0.{n}, 203.0.113.9", n)
    assert "Too many failed login attempts" in fail("10.3.3.3, 203.0.113.9", 10).content.decode()
    assert "Too many failed login attempts" not in fail("203.0.113.10", 11).content.decode()  # another client
