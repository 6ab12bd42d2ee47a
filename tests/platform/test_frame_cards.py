"""The site's header and footer are cards (cop_platform/frame_cards.py): rendered once and then read from the
cache, never stale for their viewer, with the forms' CSRF field and the language switcher's return page filled in
on every request."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.models import Notification
from cop_platform.cards import CSRF_SLOT
from cop_platform.frame_cards import FOOTER_TEMPLATE, HEADER_TEMPLATE, NEXT_SLOT
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

CSRF_FIELD = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">')


@pytest.fixture
def member(client):
    member = MemberFactory(full_name="Hnin Wai")
    client.force_login(member)
    return member


def page(client, url: str = "/", **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def header(client, url: str = "/", **params) -> str:
    html = page(client, url, **params).content.decode()
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def footer(client, url: str = "/", **params) -> str:
    html = page(client, url, **params).content.decode()
    return html[html.index('<footer class="site-footer">') : html.index("</footer>")]


def rendered(client, url: str = "/") -> tuple[int, int]:
    """How many times one request rendered the header and the footer (rather than reading them from the cache)."""
    names = [template.name for template in page(client, url).templates]
    return names.count(HEADER_TEMPLATE), names.count(FOOTER_TEMPLATE)


def test_header_and_footer_are_rendered_once_then_read_from_the_cache(client, member):
    assert rendered(client) == (1, 1)
    assert rendered(client) == (0, 0)

    # Another member shares the footer, not the header.
    client.force_login(MemberFactory())
    assert rendered(client) == (1, 0)


def test_without_the_cache_they_are_rendered_each_time(client, member, without_card_cache):
    assert rendered(client) == (1, 1)
    assert rendered(client) == (1, 1)
    assert "Hnin Wai" in header(client)


def test_the_header_shows_every_change_for_its_member_at_once(client, member):
    shown = header(client)
    assert ">Hnin Wai</a>" in shown and 'class="badge"' not in shown and reverse("admin:index") not in shown

    member.full_name = "Hnin Wai Aung"
    member.is_staff = True
    member.save()
    Notification.objects.create(recipient=member, kind=Notification.Kind.MENTION, text="You were mentioned", url="/")
    shown = header(client)
    assert ">Hnin Wai Aung</a>" in shown and reverse("admin:index") in shown
    assert '<span class="badge">1<span class="visually-hidden"> unread</span></span>' in shown

    Notification.objects.update(read_at=timezone.now())
    assert 'class="badge"' not in header(client)


def test_namesakes_each_get_their_own_header(client, member):
    namesake = MemberFactory(full_name="Hnin Wai")
    assert f'<a href="{reverse("members:detail", args=[member.pk])}"' in header(client)

    client.force_login(namesake)
    shown = header(client)
    assert f'<a href="{reverse("members:detail", args=[namesake.pk])}"' in shown
    assert f'href="{reverse("members:detail", args=[member.pk])}"' not in shown


@pytest.mark.parametrize(
    "url_name, text",
    [
        ("home", "Home"), ("communities:list", "Communities"), ("knowledge:library", "Library"),
        ("events:schedule", "Events"), ("experts:directory", "Experts"), ("members:directory", "Members"),
        ("notifications", "Notifications"), ("members:detail", "Hnin Wai"), ("members:profile_edit", "Edit profile"),
        ("account_email", "Account"),
    ],
)  # fmt: skip
def test_the_current_page_is_marked_in_the_header_and_only_it(client, member, url_name, text):
    url = reverse(url_name, args=[member.pk] if url_name == "members:detail" else [])

    shown = header(client, url)

    assert shown.count('aria-current="page"') == 1 and f'aria-current="page">{text}<' in shown
    assert "<!--current" not in shown


def test_no_link_is_current_elsewhere_and_a_query_does_not_matter(client, member):
    someone = MemberFactory(full_name="Kyaw Min")
    assert 'aria-current="page"' not in header(client, reverse("members:detail", args=[someone.pk]))
    assert 'aria-current="page">Communities<' in header(client, reverse("communities:list"), q="budget")


def test_a_member_has_one_header_in_the_cache_whatever_the_page_or_unread_count(client, member, monkeypatch):
    stored = {}
    monkeypatch.setattr("cop_platform.cards.cache.set_many", lambda data, timeout: stored.update(data))
    monkeypatch.setattr("cop_platform.cards.cache.get_many", lambda keys: {k: stored[k] for k in keys if k in stored})

    for url in ["/", reverse("communities:list"), reverse("members:directory")]:
        header(client, url)
    Notification.objects.create(recipient=member, kind=Notification.Kind.MENTION, text="Mentioned", url="/")
    assert header(client).count('class="badge">1<') == 2  # Notifications' and the Menu button's

    assert len([key for key in stored if key.startswith("header-card:")]) == 1


def test_the_closed_menus_button_shows_the_unread_count_as_a_number(client, member):
    """On a phone the links fold into a "Menu" (<details>): its button showed a dot for unread notifications, and
    a screen reader heard the count only as the button's description. It now shows the count in its name."""
    assert "site-menu-unread" in header(client) and 'class="badge"' not in header(client)  # nothing unread
    for text in ["One", "Two", "Three"]:
        Notification.objects.create(recipient=member, kind=Notification.Kind.MENTION, text=text, url="/")

    shown = header(client)

    badge = '<span class="badge">3<span class="visually-hidden"> unread</span></span>'
    button = shown[shown.index('<summary class="site-menu-button">') : shown.index("</summary>")]
    assert button == f'<summary class="site-menu-button">Menu<span class="site-menu-unread"> {badge}</span>'
    assert f"Notifications {badge}</a>" in shown and "<!--unread-->" not in shown
    assert "aria-describedby" not in shown  # the count is in the button's name, not a description

    client.cookies["django_language"] = "ru"
    assert '<span class="badge">3<span class="visually-hidden"> непрочитанных</span></span>' in header(client)


def test_error_pages_have_the_members_header(client, member):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert ">Hnin Wai</a>" in html and "Sign out" in html and 'aria-current="page"' not in html


def test_visitors_get_the_visitors_header(client):
    shown = header(client, reverse("account_login"))
    assert 'aria-current="page">Sign in' in shown and reverse("account_signup") in shown
    assert "Sign out" not in shown and "Members" not in shown and CSRF_SLOT not in shown and "<!--" not in shown
    assert "site-menu-unread" not in shown


def test_the_forms_carry_a_working_csrf_token_never_cached(member, monkeypatch):
    stored = {}
    monkeypatch.setattr("cop_platform.cards.cache.set_many", lambda data, timeout: stored.update(data))
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    html = page(client).content.decode()

    tokens = CSRF_FIELD.findall(html[html.index("<header") : html.index("</header>")])
    assert len(tokens) == 1 and len(CSRF_FIELD.findall(html[html.index("<footer") :])) == 1
    assert CSRF_SLOT not in html and NEXT_SLOT not in html
    assert {key.split(":")[0] for key in stored} == {"header-card", "footer-card"}
    assert all(CSRF_SLOT in card and "csrfmiddlewaretoken" not in card for card in stored.values())
    # The token works: signing out with it succeeds (a POST without one is refused).
    assert client.post(reverse("account_logout")).status_code == 403
    response = client.post(reverse("account_logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_the_language_switcher_returns_to_the_page_as_it_was(client, member):
    shown = footer(client, reverse("communities:list"), q='"budget" <b>', page=2)

    assert '<input name="next" type="hidden" value="/communities/?q=%22budget%22+%3Cb%3E&amp;page=2">' in shown
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/communities/?q=budget&page=2"})
    assert response.status_code == 302 and response.url == "/communities/?q=budget&page=2"


def test_header_and_footer_are_in_the_viewers_language(client, member):
    assert ">Communities</a>" in header(client) and "selected>English</option>" in footer(client)

    client.cookies["django_language"] = "ru"
    shown = header(client)
    assert ">Communities</a>" not in shown and ">Hnin Wai</a>" in shown
    assert 'value="ru" lang="ru" selected>' in footer(client)


def test_a_name_is_escaped_and_cannot_take_the_csrf_field(client):
    client.force_login(MemberFactory(full_name=f"<b>Bold</b> {CSRF_SLOT}"))

    shown = header(client)

    assert "<b>Bold</b>" not in shown and "&lt;b&gt;Bold&lt;/b&gt; &lt;!--csrf--&gt;" in shown
    assert len(CSRF_FIELD.findall(shown)) == 1  # in the sign-out form, where the slot is


def test_the_sites_name_and_tagline_show_as_configured(client, member, settings):
    header(client), footer(client)  # cached with the default name
    settings.SITE_NAME, settings.SITE_TAGLINE = "Astana Civil Service Hub", "Learning together"

    assert "<span>Astana Civil Service Hub</span>" in header(client)
    assert "<strong>Astana Civil Service Hub</strong> · Learning together" in footer(client)


@pytest.mark.parametrize("count, word", [(1, "непрочитанное"), (3, "непрочитанных"), (5, "непрочитанных")])
def test_a_screen_reader_hears_the_unread_count_with_the_word_agreeing_with_it(count, word):
    from django.utils import translation

    from cop_platform.frame_cards import unread_badge

    with translation.override("ru"):
        assert f'<span class="visually-hidden"> {word}</span>' in unread_badge(count)
