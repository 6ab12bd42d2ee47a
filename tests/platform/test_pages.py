import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_anonymous_home_page_invites_to_join(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("account_signup") in content
    assert 'href="#main"' in content  # skip link
    assert "<main" in content and 'lang="en"' in content


def test_the_home_page_shows_empty_states_to_a_member(member_client):
    content = member_client.get(reverse("home")).content.decode()
    assert "You have not joined a community of practice yet" in content
    assert "No upcoming webinars or events yet." in content
    assert "No knowledge products have been published yet." in content


@pytest.mark.parametrize("rows", [1, 10])
def test_the_home_page_uses_a_constant_number_of_queries(member_client, member, django_assert_num_queries, rows):
    from datetime import timedelta

    from django.utils import timezone

    from communities.models import Community, Membership
    from indicators.models import Survey
    from tests.events.factories import EventFactory
    from tests.knowledge.factories import KnowledgeProductFactory

    for n in range(rows):
        community = Community.objects.create(name=f"CoP {n}", slug=f"cop-{n}")
        Membership.objects.create(member=member, community=community, status="active")
        EventFactory(communities=[community])
        KnowledgeProductFactory(communities=[community])
        Survey.objects.create(
            title=f"Pulse {n}", community=community, opens_at=timezone.now() - timedelta(days=1),
            closes_at=timezone.now() + timedelta(days=n + 1),
        )  # fmt: skip
    # session, user, my communities (also the news items' audience), upcoming events, new knowledge, the active
    # news items (news and opportunities), open surveys not yet answered, whether the member or their groups
    # were given view_indicators (may they see indicators?), unread notifications
    with django_assert_num_queries(9):
        response = member_client.get(reverse("home"))

    shown = min(rows, 5)  # each list's first five
    assert len(response.context["upcoming_events"]) == len(response.context["new_knowledge"]) == shown
    assert response.content.decode().count('class="card-meta"') == 2 * shown
    assert len(response.context["open_surveys"]) == min(rows, 3)


def test_pages_carry_the_configured_site_identity(client, settings):
    settings.SITE_NAME = "ASEAN Civil Service CoP"
    settings.SITE_ACCENT_COLOR = "#7a1f5c"
    content = client.get(reverse("home")).content.decode()
    assert "ASEAN Civil Service CoP" in content
    assert "--accent:#7a1f5c" in content.replace(" ", "")


def test_a_page_stays_light(client, member_client):
    from django.contrib.staticfiles import finders

    css = sum(len(open(finders.find(path), "rb").read()) for path in ["css/site.css"])
    for response in (
        client.get(reverse("home")),
        client.get(reverse("account_signup")),
        member_client.get(reverse("members:directory")),
    ):
        assert len(response.content) + css < 100_000


def test_the_language_switcher_is_on_every_page(client):
    content = client.get(reverse("account_login")).content.decode()
    assert reverse("set_language") in content
    assert 'name="language"' in content


def test_signup_pages_are_restyled_to_the_site(client):
    content = client.get(reverse("account_signup")).content.decode()
    assert "css/site.css" in content
    assert 'class="btn btn-primary' in content


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content or b"not found" in response.content.lower()


def test_a_visit_to_a_buttons_address_gets_a_page_not_a_blank_405(member_client, member):
    """A bookmarked "Join" or "Follow" address, or one opened again from the history: nothing changes, and the
    page says why, in the reader's language, with the way back."""
    from tests.communities.factories import CommunityFactory

    community = CommunityFactory()
    url = reverse("communities:join", args=[community.slug])

    back = f"http://testserver{community.get_absolute_url()}"
    response = member_client.get(url, HTTP_REFERER=back)
    member_client.cookies["django_language"] = "ru"
    russian = member_client.get(url)

    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert "This address takes a form's answer" in page and f'href="{back}"' in page
    assert russian.status_code == 405 and 'lang="ru"' in russian.content.decode()
    assert not community.memberships.filter(member=member).exists()


def test_a_form_sent_after_its_page_expired_gets_a_page_that_says_what_to_do(member, settings):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="ru")
    browser.force_login(member)
    form_page = "http://testserver" + reverse("members:profile_edit")

    response = browser.post(reverse("members:profile_edit"), {"full_name": "A long text"}, HTTP_REFERER=form_page)

    assert response.status_code == 403
    text = response.content.decode()
    assert '<html lang="ru"' in text and "CSRF verification failed" not in text
    assert f'href="{form_page}"' in text  # back to the form
    elsewhere = browser.post(reverse("members:profile_edit"), {}, HTTP_REFERER="https://evil.example.com/")
    assert "evil.example.com" not in elsewhere.content.decode()


def test_the_default_tagline_is_in_the_readers_language(client, settings):
    settings.SITE_TAGLINE = ""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    assert "Сообщества практиков для государственных служащих" in client.get(reverse("home")).content.decode()


def test_the_server_error_page_says_its_language(settings):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("my"):
        assert '<html lang="my">' in render_to_string("500.html")
