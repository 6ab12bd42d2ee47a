"""Webinar topic suggestions: propose, upvote once, ranking, private communities, and scheduling."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from communities.models import Community
from events import services
from events.admin import TopicSuggestionAdmin
from events.models import TopicSuggestion, TopicVote
from tests.communities.factories import CommunityFactory, member_of
from tests.factories import MemberFactory
from tests.support.together import postgresql_only, together

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _vote(client, topic):
    return client.post(reverse("events:topic_vote", args=[topic.pk]))


def _topic(title="Using AI tools safely", community=None, votes=0):
    topic, _created = services.topic_propose(member=MemberFactory(), title=title, community=community)
    for _ in range(votes):
        services.topic_vote(suggestion=topic, member=MemberFactory())
    return topic


def test_a_member_proposes_a_topic_with_their_own_vote(member_client, member):
    community = CommunityFactory()

    response = member_client.post(
        reverse("events:topics"),
        {"title": "  Budgeting for climate adaptation ", "why": "Local offices ask.", "community": community.pk},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("events:topics")
    assert _messages(response) == ["Thank you. Your topic was added with your vote."]
    topic = TopicSuggestion.objects.get()
    assert (topic.title, topic.why, topic.community, topic.proposed_by) == (
        "Budgeting for climate adaptation", "Local offices ask.", community, member,
    )  # fmt: skip
    assert topic.vote_count == 1
    assert list(TopicVote.objects.values_list("suggestion", "member")) == [(topic.pk, member.pk)]
    page = member_client.get(reverse("events:topics")).content.decode()
    assert "You voted" in page


def test_a_topic_needs_a_title(member_client):
    response = member_client.post(reverse("events:topics"), {"title": "", "why": "No title"})

    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert not TopicSuggestion.objects.exists()


def test_a_member_upvotes_once(member_client, member):
    topic = _topic()

    response = _vote(member_client, topic)

    assert response.status_code == 302
    assert _messages(response) == ["Your vote was counted."]
    topic.refresh_from_db()
    assert topic.vote_count == 2
    member_client.get(reverse("events:topics"))  # shows (and consumes) the message

    again = _vote(member_client, topic)

    assert _messages(again) == ["You have already voted for this topic."]
    topic.refresh_from_db()
    assert topic.vote_count == 2
    assert TopicVote.objects.filter(suggestion=topic).count() == 2
    assert TopicVote.objects.filter(suggestion=topic, member=member).count() == 1


def test_the_proposer_cannot_vote_a_second_time(client):
    topic = _topic()
    client.force_login(topic.proposed_by)

    _vote(client, topic)

    topic.refresh_from_db()
    assert topic.vote_count == 1


def test_an_anonymous_visitor_cannot_vote_or_propose(client):
    topic = _topic()

    response = _vote(client, topic)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    topic.refresh_from_db()
    assert topic.vote_count == 1
    proposal = client.post(reverse("events:topics"), {"title": "Sneaky"})
    assert proposal.status_code == 302
    assert proposal["Location"].startswith(reverse("account_login"))
    assert TopicSuggestion.objects.count() == 1
    page = client.get(reverse("events:topics"))
    assert page.status_code == 200
    assert page.context["form"] is None
    assert "Sign in to propose a topic or vote" in page.content.decode()


def test_topics_are_ranked_by_votes(client):
    _topic("Few votes", votes=1)
    _topic("Most votes", votes=4)
    _topic("Some votes", votes=2)

    response = client.get(reverse("events:topics"))

    assert [t.title for t in response.context["page_obj"].object_list] == ["Most votes", "Some votes", "Few votes"]
    assert [t.vote_count for t in response.context["page_obj"].object_list] == [5, 3, 2]
    page = response.content.decode()
    assert page.index("Most votes") < page.index("Some votes") < page.index("Few votes")


def test_a_private_communitys_topics_are_hidden_from_non_members(client, member):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    topic = _topic("Sequencing reform in our ministry", community=private)
    _topic("Open topic")

    for viewer in (None, member):
        if viewer:
            client.force_login(viewer)
        page = client.get(reverse("events:topics")).content.decode()
        assert "Open topic" in page
        assert "Sequencing reform in our ministry" not in page

    assert _vote(client, topic).status_code == 404
    topic.refresh_from_db()
    assert topic.vote_count == 1
    # Nor can a non-member propose a topic for it.
    response = client.post(reverse("events:topics"), {"title": "Smuggled", "community": private.pk})
    assert response.status_code == 200
    assert "community" in response.context["form"].errors

    insider = member_of(private)
    client.force_login(insider)
    assert "Sequencing reform in our ministry" in client.get(reverse("events:topics")).content.decode()
    assert _messages(_vote(client, topic)) == ["Your vote was counted."]


def test_the_coordinator_schedules_a_topic_in_the_admin_and_the_topics_page_links_to_the_event(
    client, coordinator, member
):
    topic = _topic("Citizen feedback loops", votes=2)
    event = EventFactory(title="Citizen feedback loops that work")
    client.force_login(coordinator)
    assert client.get(reverse("admin:events_topicsuggestion_changelist")).status_code == 200

    response = client.post(
        reverse("admin:events_topicsuggestion_change", args=[topic.pk]),
        {"title": topic.title, "why": "", "community": "", "status": "open", "event": event.pk},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    topic.refresh_from_db()
    assert (topic.status, topic.event) == (TopicSuggestion.Status.SCHEDULED, event)
    assert topic.vote_count == 3  # read-only in the admin
    client.force_login(member)
    page = client.get(reverse("events:topics")).content.decode()
    assert f'<a href="{event.get_absolute_url()}">Scheduled: Citizen feedback loops that work</a>' in page
    # Voting on a scheduled topic is closed.
    assert _messages(_vote(client, topic)) == ["Voting on this topic is closed."]
    topic.refresh_from_db()
    assert topic.vote_count == 3


def test_the_coordinator_declines_topics_in_bulk(client, coordinator):
    declined, kept = _topic("Declined"), _topic("Kept")
    client.force_login(coordinator)

    client.post(
        reverse("admin:events_topicsuggestion_changelist"),
        {"action": "decline_topics", "_selected_action": [declined.pk]},
    )

    for topic in (declined, kept):
        topic.refresh_from_db()
    assert (declined.status, kept.status) == (TopicSuggestion.Status.DECLINED, TopicSuggestion.Status.OPEN)


@pytest.mark.parametrize("hidden", ["draft", "private"])
def test_the_topics_page_does_not_name_an_event_the_viewer_cannot_see(member_client, hidden):
    if hidden == "draft":
        event = EventFactory(title="Unannounced reform dialogue", status="draft")
    else:
        private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
        event = EventFactory(title="Unannounced reform dialogue", communities=[private])
    services.topic_schedule(suggestion=_topic("Reform sequencing"), event=event)

    page = member_client.get(reverse("events:topics")).content.decode()

    assert "Reform sequencing" in page
    assert "Unannounced reform dialogue" not in page


def test_a_topic_sent_twice_in_a_row_is_suggested_once(member_client, member):
    """A double click on "Propose" made two suggestions of the same topic, each with the member's vote."""
    data = {"title": "Open contracting", "why": "Asked at every clinic."}

    first = member_client.post(reverse("events:topics"), data)
    second = member_client.post(reverse("events:topics"), data)

    assert (first.status_code, second.status_code) == (302, 302)
    topic = TopicSuggestion.objects.get(proposed_by=member)
    assert topic.vote_count == 1
    # The second request added nothing: it says so, not "Thank you. Your topic was added" a second time (the page
    # both redirect to shows the first's message, not shown yet, and the second's).
    assert _messages(second) == [
        "Thank you. Your topic was added with your vote.",
        "You proposed this topic a moment ago: it is already in the list, with your vote.",
    ]
    # Another topic is another suggestion.
    member_client.post(reverse("events:topics"), {"title": "Open contracting in health", "why": ""})
    assert TopicSuggestion.objects.filter(proposed_by=member).count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_topic_sent_twice_at_once_is_suggested_once_with_one_vote():
    """Two submissions at once (a double click) both created the suggestion."""
    for _round in range(3):  # a race that loses only sometimes should still show up
        member = MemberFactory()

        def propose(member=member, title=f"Open contracting {_round}"):
            return services.topic_propose(member=member, title=title, why="Asked at every clinic.")

        results = together(propose, propose)

        assert all(isinstance(topic, TopicSuggestion) for topic, _created in results), results
        assert sorted(created for _topic, created in results) == [False, True]  # the second found the first's
        topic = TopicSuggestion.objects.get(proposed_by=member)
        assert topic.vote_count == 1 and TopicVote.objects.filter(suggestion=topic).count() == 1


def test_saving_a_topic_in_the_admin_keeps_the_votes_cast_meanwhile(client, coordinator, monkeypatch):
    """The admin wrote back the whole row it had read at the start of the request: the votes members cast meanwhile
    were lost."""
    topic = _topic("Open contracting")
    original = TopicSuggestionAdmin.save_form

    def save_form_after_a_vote(self, request, form, change):
        services.topic_vote(suggestion=topic, member=MemberFactory())  # a member votes while the admin saves
        return original(self, request, form, change)

    monkeypatch.setattr(TopicSuggestionAdmin, "save_form", save_form_after_a_vote)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:events_topicsuggestion_change", args=[topic.pk]),
        {"title": "Open contracting data", "why": "", "community": "", "status": "open", "event": ""},
    )

    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.title, topic.vote_count) == ("Open contracting data", 2)
