"""A form sent after the member's session ended (signed out in another tab, or away for weeks) is kept: signing in
leads back to its page, where a discussion form is filled in again and any other page shows it to copy
(cop_platform.kept_words). Before, login_required dropped it, and a reply landed on a blank 405 after sign-in."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from communities.models import Post
from tests.communities.factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db

LONG_REPLY = "We tried this in Mandalay last year: start with two offices, then widen."


@pytest.fixture
def community():
    return CommunityFactory()


@pytest.fixture
def author(community):
    return member_of(community)


@pytest.fixture
def thread(community, author):
    return ThreadFactory(community=community, author=author)


def _sent_signed_out(client, url: str, data: dict, came_from: str | None, member=None):
    """`member` (signed in on this browser before) opened the form's page; their session has ended since: the
    same browser, its session cookie gone, sends the form."""
    if member is not None:
        client.force_login(member)
        client.get(came_from or url)
    del client.cookies[settings.SESSION_COOKIE_NAME]  # as when it expires: the browser's other cookies stay
    referer = {"HTTP_REFERER": f"http://testserver{came_from}"} if came_from else {}
    return client.post(url, data, **referer)


def test_a_reply_sent_signed_out_is_back_in_the_form_after_signing_in(client, community, author, thread):
    page = thread.url_in(community)
    reply_url = reverse("communities:reply", args=[community.slug, thread.pk])

    response = _sent_signed_out(client, reply_url, {"body": LONG_REPLY}, came_from=page, member=author)

    assert response.status_code == 302 and response.url == f"{reverse('account_login')}?next={page}"
    assert not Post.objects.filter(body=LONG_REPLY).exists()
    login_page = client.get(response.url)
    assert "You were signed out, so what you sent was not saved. Sign in: it is kept." in login_page.content.decode()

    client.force_login(author)  # signing in keeps what the visitor's session held
    form = client.get(page).context["reply_form"]

    assert form.initial["body"] == LONG_REPLY
    assert "What you wrote before you were signed out" not in client.get(page).content.decode()  # filled in once
    assert "body" not in client.get(page).context["reply_form"].initial  # and then forgotten


def test_a_new_discussion_and_an_edit_come_back_too(client, community, author, thread):
    new_url = reverse("communities:thread_new", args=[community.slug])
    post = PostFactory(thread=thread, author=author, body="Old text")
    edit_url = reverse("communities:post_edit", args=[community.slug, post.pk])
    based_on = post.text_version()

    title_and_body = {"title": "Floods and registration", "body": LONG_REPLY}
    _sent_signed_out(client, new_url, title_and_body, came_from=new_url, member=author)
    client.force_login(author)
    new_form = client.get(new_url).context["form"]
    _sent_signed_out(client, edit_url, {"body": LONG_REPLY, "based_on": based_on}, came_from=edit_url, member=author)
    client.force_login(author)
    edit_form = client.get(edit_url).context["form"]

    assert (new_form["title"].value(), new_form["body"].value()) == ("Floods and registration", LONG_REPLY)
    assert (edit_form["body"].value(), edit_form["based_on"].value()) == (LONG_REPLY, based_on)


def test_another_form_page_shows_the_words_to_copy(client, community, author, thread):
    post = PostFactory(thread=thread)
    report_url = reverse("communities:post_report", args=[community.slug, post.pk])

    note = {"reason": "other", "note": "This shares a colleague's phone number."}
    _sent_signed_out(client, report_url, note, came_from=report_url, member=author)
    client.force_login(author)
    page = client.get(report_url).content.decode()

    assert "What you wrote before you were signed out" in page
    assert "This shares a colleague&#x27;s phone number.</textarea>" in page
    assert "What you wrote before you were signed out" not in client.get(report_url).content.decode()


def test_without_a_referer_signing_in_leads_to_the_threads_form_with_the_reply(client, community, author, thread):
    reply_url = reverse("communities:reply", args=[community.slug, thread.pk])

    response = _sent_signed_out(client, reply_url, {"body": LONG_REPLY}, came_from=None, member=author)
    client.force_login(author)
    back = client.get(reply_url)

    assert response.url == f"{reverse('account_login')}?next={reply_url}"
    assert back.status_code == 302 and back.url == thread.url_in(community) + "#reply"
    assert client.get(back.url).context["reply_form"].initial["body"] == LONG_REPLY


def test_a_quoting_reply_comes_back_as_written_not_as_the_quote_again(client, community, author, thread):
    quoted = PostFactory(thread=thread, body="Open two offices first.")
    page = thread.url_in(community) + f"?quote={quoted.pk}"
    data = {"body": "> Open two offices first.\n\nAnd then widen, as we did in Mandalay.", "quoted": str(quoted.pk)}

    _sent_signed_out(client, reverse("communities:reply", args=[community.slug, thread.pk]), data, page, author)
    client.force_login(author)
    form = client.get(page).context["reply_form"]

    assert (form.initial["body"], form.initial["quoted"]) == (data["body"], quoted.pk)


def test_words_are_only_handed_to_the_member_who_wrote_them(client, community, author, thread):
    """A shared computer: the next person to sign in on it is not shown, or made to post, the last one's words."""
    page = thread.url_in(community)
    reply_url = reverse("communities:reply", args=[community.slug, thread.pk])
    colleague = member_of(community)

    _sent_signed_out(client, reply_url, {"body": LONG_REPLY}, came_from=page, member=author)
    client.force_login(colleague)
    response = client.get(page)

    assert "body" not in response.context["reply_form"].initial
    assert LONG_REPLY not in response.content.decode()
    assert "words_kept" not in client.session


def test_nothing_is_kept_from_a_browser_nobody_signed_in_on(client, community, thread):
    client.post(
        reverse("communities:reply", args=[community.slug, thread.pk]),
        {"body": LONG_REPLY},
        HTTP_REFERER=f"http://testserver{thread.url_in(community)}",
    )

    assert "words_kept" not in client.session


def test_passwords_are_never_kept_or_shown(client, member):
    """Deleting an account asks for the password: sent after the session ended, it is not stored in the session."""
    privacy = reverse("members:privacy")
    data = {"action": "delete", "password": "correct horse battery staple", "confirm": "DELETE my account now"}

    _sent_signed_out(client, privacy, data, came_from=privacy, member=member)

    assert "password" not in client.session.get("words_kept", {}).get("fields", {})
    client.force_login(member)
    assert "correct horse battery staple" not in client.get(privacy).content.decode()


def test_a_very_long_form_is_not_kept(client, community, author, thread):
    reply_url = reverse("communities:reply", args=[community.slug, thread.pk])

    _sent_signed_out(client, reply_url, {"body": "word " * 20_000}, came_from=thread.url_in(community), member=author)

    assert "words_kept" not in client.session


def test_a_form_that_expired_shows_what_was_sent_but_not_a_password(author, thread, community):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(author)

    response = browser.post(
        reverse("communities:reply", args=[community.slug, thread.pk]), {"body": LONG_REPLY, "csrfmiddlewaretoken": "x"}
    )
    login = Client(enforce_csrf_checks=True).post(
        reverse("account_login"),
        {"login": author.email, "password": "correct horse battery", "csrfmiddlewaretoken": "x"},
    )

    assert response.status_code == 403
    assert f"{LONG_REPLY}</textarea>" in response.content.decode()
    assert login.status_code == 403 and "correct horse battery" not in login.content.decode()


def test_a_signed_out_click_without_words_is_only_sent_to_sign_in(client, community, author):
    client.logout()

    response = client.post(reverse("communities:join", args=[community.slug]))

    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert "words_kept" not in client.session


def test_the_browsers_last_member_outlives_the_session(client, member):
    """A session that ended by age (away for weeks) is the case to serve: the digest stays far longer."""
    client.force_login(member)

    cookie = client.get("/").cookies["last_member"]

    assert int(cookie["max-age"]) > settings.SESSION_COOKIE_AGE and cookie["httponly"]
    assert len(cookie.value) == 32 and cookie.value != str(member.pk)  # a digest, not the id


def test_secrets_are_told_from_words_by_whole_parts_of_a_fields_name():
    from cop_platform.kept_words import SECRET

    secrets = ["password", "password2", "oldpassword", "csrfmiddlewaretoken", "code", "login_code", "key"]
    words = ["body", "title", "note", "passage", "keywords", "postcode", "bypass_reason"]
    assert [name for name in secrets + words if SECRET.search(name)] == secrets
