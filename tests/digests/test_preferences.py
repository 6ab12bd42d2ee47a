"""The member's digest preferences and in-browser digest, and the coordinator's preview and delivery counts."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from digests import services
from digests.models import DigestDelivery, DigestPreference, DigestRound, Frequency
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.factories import MemberFactory

from .factories import DigestDeliveryFactory, NewsItemFactory

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("digests:preferences")
IN_BROWSER = reverse("digests:in_browser")


def checked(page: str) -> list[str]:
    """The values of the checked frequency radio buttons."""
    return re.findall(r'<input type="radio" name="frequency" value="(\w+)"[^>]*\bchecked\b', page)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("url", [PREFERENCES, IN_BROWSER])
def test_the_pages_ask_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_shows_the_default_frequency_to_a_new_member(member_client, member):
    response = member_client.get(PREFERENCES)

    assert response.status_code == 200
    page = response.content.decode()
    assert checked(page) == ["biweekly"]
    for value in ("off", "weekly", "biweekly", "monthly"):
        assert f'value="{value}"' in page
    assert DigestPreference.objects.get(member=member).frequency == Frequency.BIWEEKLY


def test_it_shows_the_current_frequency_and_the_last_digest(member_client, member):
    DigestPreference.objects.create(
        member=member, frequency=Frequency.MONTHLY, last_sent_at=timezone.now() - timedelta(days=3)
    )

    page = member_client.get(PREFERENCES).content.decode()

    assert checked(page) == ["monthly"]
    assert "Last digest sent on" in page


@pytest.mark.parametrize(
    ("frequency", "days", "message"),
    [
        (Frequency.WEEKLY, 7, "Your digest preference was saved."),
        (Frequency.BIWEEKLY, 14, "Your digest preference was saved."),
        (Frequency.MONTHLY, 30, "Your digest preference was saved."),
    ],
)
def test_it_saves_each_frequency_with_a_message(member_client, member, frequency, days, message):
    DigestPreference.objects.create(member=member, next_digest_at=timezone.now() + timedelta(days=60))

    response = member_client.post(PREFERENCES, {"frequency": frequency})

    assert response.status_code == 302 and response["Location"] == PREFERENCES
    assert messages_of(response) == [message]
    preference = DigestPreference.objects.get(member=member)
    assert preference.frequency == frequency
    assert preference.unsubscribed_at is None
    # The next digest comes within the new period at the latest.
    assert preference.next_digest_at <= timezone.now() + timedelta(days=days)
    assert checked(member_client.get(PREFERENCES).content.decode()) == [frequency]


def test_off_unsubscribes_and_choosing_again_resubscribes(member_client, member):
    response = member_client.post(PREFERENCES, {"frequency": "off"}, follow=True)

    assert "You will not receive the digest any more." in response.content.decode()
    preference = DigestPreference.objects.get(member=member)
    assert preference.frequency == Frequency.OFF
    assert preference.unsubscribed_at is not None
    assert services.plan(everyone=True)[1] == []

    response = member_client.post(PREFERENCES, {"frequency": "weekly"}, follow=True)

    assert "Your digest preference was saved." in response.content.decode()
    preference.refresh_from_db()
    assert preference.frequency == Frequency.WEEKLY
    assert preference.unsubscribed_at is None
    assert len(services.plan(everyone=True)[1]) == 1


@pytest.mark.parametrize("value", ["daily", "", "OFF"])
def test_an_invalid_choice_gets_a_form_error(member_client, member, value):
    response = member_client.post(PREFERENCES, {"frequency": value})

    assert response.status_code == 200
    assert response.context["form"].errors["frequency"]
    assert 'class="field-error"' in response.content.decode()
    assert DigestPreference.objects.get(member=member).frequency == Frequency.BIWEEKLY
    assert messages_of(response) == []


def test_the_in_browser_digest_shows_the_members_sections(member_client, member):
    community = CommunityFactory(name="Budget practitioners")
    MembershipFactory(member=member, community=community)
    thread = ThreadFactory(community=community, title="Budget reform pilots", reply_count=1)
    ThreadFactory(title="Fish stock counts")
    NewsItemFactory(title="Call for case studies")

    response = member_client.get(IN_BROWSER)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Discussions in your communities" in page
    assert f'<a href="{thread.get_absolute_url()}"' in page  # relative links on the site
    assert "Budget reform pilots" in page and "1 reply" in page
    assert "Call for case studies" in page
    assert "Fish stock counts" not in page
    assert "Nothing new for you since your last digest." not in page


def test_the_in_browser_digest_has_an_empty_state(member_client):
    ThreadFactory(title="Fish stock counts")

    page = member_client.get(IN_BROWSER).content.decode()

    assert "Nothing new for you since your last digest." in page
    assert "Fish stock counts" not in page
    assert f'href="{PREFERENCES}"' in page


def test_the_coordinator_previews_a_members_next_digest(client, coordinator, member):
    community = CommunityFactory(name="Budget practitioners")
    MembershipFactory(member=member, community=community)
    ThreadFactory(community=community, title="Budget reform pilots")
    client.force_login(coordinator)

    response = client.get(reverse("admin:digests_preview", args=[member.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Next digest of {member}" in page
    assert "Budget reform pilots" in page
    assert not DigestDelivery.objects.exists()  # a preview sends and records nothing


def test_the_preview_says_when_nothing_would_be_sent(client, coordinator, member):
    client.force_login(coordinator)

    response = client.get(reverse("admin:digests_preview", args=[member.pk]))

    assert "Nothing new for this member: no digest would be sent now." in response.content.decode()


def test_the_preview_of_an_unknown_member_is_404(client, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("admin:digests_preview", args=[999_999])).status_code == 404


def test_members_cannot_preview_digests(member_client, member):
    other = MemberFactory()

    response = member_client.get(reverse("admin:digests_preview", args=[other.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.fixture
def past_round():
    round_ = DigestRound.objects.create(started_at=timezone.now() - timedelta(days=1), planned=7)
    statuses = ["sent"] * 3 + ["skipped_empty"] * 2 + ["failed", "queued", "sending"]
    for status in statuses:
        DigestDeliveryFactory(round=round_, status=status)
    return round_


def round_counts(response) -> dict:
    """sent, skipped, failed and waiting of the one round listed, from the changelist's result row."""
    page = response.content.decode()
    cells = {
        name: re.search(rf'<td class="field-{name}">(\d+)</td>', page).group(1)
        for name in ("planned", "sent", "skipped", "failed", "waiting")
    }
    return {name: int(value) for name, value in cells.items()}


def test_the_round_changelist_shows_delivery_counts(admin_client, past_round):
    response = admin_client.get(reverse("admin:digests_digestround_changelist"))

    assert response.status_code == 200
    assert round_counts(response) == {"planned": 7, "sent": 3, "skipped": 2, "failed": 1, "waiting": 2}


def test_a_coordinator_sees_the_delivery_counts_and_manages_news(client, coordinator, past_round):
    client.force_login(coordinator)

    response = client.get(reverse("admin:digests_digestround_changelist"))

    assert response.status_code == 200
    assert round_counts(response)["sent"] == 3
    assert client.get(reverse("admin:digests_newsitem_add")).status_code == 200


def test_a_staff_account_without_permission_cannot_preview(client, member):
    community = CommunityFactory(name="Cabinet circle", visibility="private")
    MembershipFactory(member=member, community=community)
    ThreadFactory(community=community, title="Cabinet meeting notes")
    staff = MemberFactory(is_staff=True)
    client.force_login(staff)

    response = client.get(reverse("admin:digests_preview", args=[member.pk]))

    assert response.status_code == 403
