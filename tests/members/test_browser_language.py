"""A member who chose no language of the site ("the language my browser asks for") reads what is written for them
away from their requests (notifications, emails, reports) in the language their browser asked for when they last
signed in (members.User.browser_language), not in that of whoever acted, nor in English."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from communities import services as community_services
from communities.models import Community, Membership, Notification
from cop_platform.i18n import language_for
from members import privacy
from members.models import User
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def sign_in(client, member, **headers):
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD}, **headers)
    assert response.status_code == 302


def test_signing_in_records_the_language_the_browser_asks_for(client):
    member = MemberFactory(language="")

    sign_in(client, member, HTTP_ACCEPT_LANGUAGE="my")

    member.refresh_from_db()
    assert member.browser_language == "my"
    assert member.language == ""  # still no choice: the site keeps following the browser


def test_the_language_cookie_counts_and_a_browser_asking_for_another_records_the_one_it_was_shown(client):
    member = MemberFactory(language="", browser_language="ru")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    sign_in(client, member)
    member.refresh_from_db()
    assert member.browser_language == "my"

    client.logout()
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    sign_in(client, member, HTTP_ACCEPT_LANGUAGE="fr")  # not offered: the site was shown in English
    member.refresh_from_db()
    assert member.browser_language == "en"


@pytest.mark.parametrize(
    "chosen, browser, fallback, expected",
    [
        ("ru", "my", "en", "ru"),  # a choice wins
        ("", "my", "ru", "my"),  # then the browser at the last sign-in
        ("", "", "ru", "ru"),  # then whatever the caller knows
        ("", "", None, settings.LANGUAGE_CODE),
        ("xx", "yy", None, settings.LANGUAGE_CODE),  # languages no longer offered are skipped
    ],
)
def test_language_for_tries_the_choice_then_the_browser_then_the_fallback(chosen, browser, fallback, expected):
    assert language_for(User(language=chosen, browser_language=browser), fallback=fallback) == expected


def test_a_notification_reaches_a_member_without_a_choice_in_their_browsers_language_not_the_actors():
    community = CommunityFactory(name="Budget practice", visibility=Community.Visibility.REQUEST)
    leader = MembershipFactory(community=community, role=Membership.Role.LEADER, member__language="ru").member
    asker = MemberFactory(language="", browser_language="my")
    request = community_services.community_join(member=asker, community=community)

    with translation.override("ru"):  # the leader's page
        community_services.membership_decide(membership=request, actor=leader, approve=True)

    with translation.override("my"):
        expected = translation.gettext("Your request to join %(community)s was approved. Welcome!") % {
            "community": community
        }
    assert Notification.objects.get(recipient=asker).text == expected


def test_deleting_an_account_forgets_the_browsers_language_and_the_export_holds_it():
    member = MemberFactory(language="", browser_language="my")
    assert privacy._profile(member)["browser_language"] == "my"

    privacy.account_delete(member=member)
    member.refresh_from_db()
    assert member.browser_language == ""


def test_a_member_who_chose_has_their_browsers_own_recorded_not_the_cookie_of_their_choice(client):
    member = MemberFactory(language="ru")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"  # set by their last sign-in

    sign_in(client, member, HTTP_ACCEPT_LANGUAGE="my")

    member.refresh_from_db()
    assert member.browser_language == "my"


def test_giving_up_a_choice_for_the_browsers_language_is_followed_away_from_pages_at_once(client):
    member = MemberFactory(language="ru", browser_language="ru")  # recorded before this rule, say
    client.force_login(member)
    data = {field: getattr(member, field) for field in ("full_name", "organization", "position_level", "gender")}
    data |= {"country": member.country.code, "language": "", "time_zone": member.time_zone or ""}

    response = client.post(reverse("members:profile_edit"), data, HTTP_ACCEPT_LANGUAGE="my")

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.language, member.browser_language, language_for(member)) == ("", "my", "my")


def test_the_threads_that_mention_a_deleted_member_are_renamed_without_a_query_each(django_assert_max_num_queries):
    from tests.communities.factories import ThreadFactory

    gone = MemberFactory(handle="ann-lee")
    for language in ("ru", "my", "en", "ru"):
        ThreadFactory(title="Ask @ann-lee about budgets", author=MemberFactory(language="", browser_language=language))

    with django_assert_max_num_queries(6):
        privacy._mentions_forget(gone.handle)
