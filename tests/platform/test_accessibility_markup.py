"""What a screen reader or a keyboard needs from the markup (the accessibility audit of session 21): the content's
language, controls named apart, a wide table reachable by the keyboard, errors tied to what they are about."""

import re

import pytest
from django.urls import reverse

from communities.models import Membership
from members.models import Language
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.events.factories import EventFactory
from tests.experts.factories import ExpertClusterFactory
from tests.knowledge.factories import KnowledgeProductFactory

pytestmark = pytest.mark.django_db


def test_a_product_and_an_event_say_which_language_their_content_is_in(client, member):
    """A Russian page read an English title with the Russian voice."""
    english = Language.objects.get(code="en")
    product = KnowledgeProductFactory(title="Open budgets", language=english, status="published")
    event = EventFactory(title="Open data webinar", language=english)
    client.force_login(member)
    client.cookies["django_language"] = "ru"

    for url, title in [
        (product.get_absolute_url(), "Open budgets"),
        (reverse("knowledge:library"), "Open budgets"),
        (event.get_absolute_url(), "Open data webinar"),
        (reverse("events:schedule"), "Open data webinar"),
    ]:
        page = client.get(url).content.decode()
        assert re.search(rf'<h[12][^>]* lang="en">(<a [^>]*>)?{title}<', page), url


def test_a_leaders_buttons_for_each_member_are_described_by_the_members_name(client, community):
    leader = member_of(community, role=Membership.Role.LEADER)
    other = Membership.objects.get(member=member_of(community), community=community)
    client.force_login(leader)

    page = client.get(reverse("communities:members", args=[community.slug])).content.decode()

    assert f'<td id="member-{other.pk}">' in page
    assert len(re.findall(rf'aria-describedby="member-{other.pk}"', page)) == 3  # role, change role, remove


def test_the_coverage_table_scrolls_by_keyboard_and_names_its_gaps(client, coordinator):
    ExpertClusterFactory()
    client.force_login(coordinator)

    page = client.get(reverse("experts:coverage")).content.decode()

    assert 'tabindex="0" role="region" aria-labelledby="coverage-caption"' in page
    assert 'aria-label="none"' not in page


def test_a_reply_that_is_refused_comes_back_at_its_form(client, community):
    thread = ThreadFactory(community=community)
    client.force_login(member_of(community))

    page = client.get(thread.get_absolute_url()).content.decode()

    assert re.search(r'action="[^"]+/reply/#reply"', page)


@pytest.fixture
def community():
    return CommunityFactory()


def test_a_locked_threads_reply_section_names_no_heading_it_does_not_have(client, community):
    thread = ThreadFactory(community=community, is_locked=True)
    client.force_login(member_of(community))

    page = client.get(thread.get_absolute_url()).content.decode()

    assert 'aria-labelledby="reply-heading"' not in page and 'id="reply-heading"' not in page


def test_each_link_of_an_error_summary_leads_to_something_on_the_page(client, community):
    """Ask-an-expert draws its checkboxes itself: the summary linked to #id_experts, which nothing had."""
    from tests.experts.factories import ExpertFactory

    thread = ThreadFactory(community=community)
    ExpertFactory()
    client.force_login(member_of(community, role=Membership.Role.LEADER))

    page = client.post(reverse("experts:ask", args=[community.slug, thread.pk]), {"due_on": ""}).content.decode()

    summary = page[page.index('class="form-errors"') :].split("</div>")[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert "id_experts" in targets
    assert all(f'id="{target}"' in page for target in targets), targets


def test_the_coverage_grid_writes_out_the_countries_its_columns_abbreviate(client, coordinator):
    """The codes' countries were only in abbr titles: shown to a mouse's hover, to no touch screen."""
    from tests.platform.a11y_html import accessible_name, parse

    ExpertClusterFactory()
    client.force_login(coordinator)

    root = parse(client.get(reverse("experts:coverage")).content.decode())

    (thead,) = root.find_all("thead")
    columns = {abbr.text(skip_aria_hidden=False): accessible_name(abbr.parent, root) for abbr in thead.find_all("abbr")}
    assert columns["MM"] == "Myanmar" and columns["KZ"] == "Kazakhstan"
    (key,) = [div for div in root.find_all("div") if div.has_class("coverage-key")]
    written = {
        div.find_all("dt")[0].text(): div.find_all("dd")[0].text() for div in key.find_all("dl")[0].find_all("div")
    }
    assert written == columns


def test_a_reports_reasons_are_a_list_that_never_scrolls(client, community):
    """In a box that scrolled, a phone showed four of the five reasons and nothing said there was a fifth."""
    thread = ThreadFactory(community=community)
    client.force_login(member_of(community))

    page = client.get(reverse("communities:post_report", args=[community.slug, thread.posts.get().pk])).content.decode()

    assert 'class="checkbox-list radio-list" id="id_reason"' in page
