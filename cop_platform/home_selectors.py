"""What the signed-in home page shows. Sections whose feature has not landed yet stay empty; the page
keeps its shape so members learn where things will be."""

from django.utils import timezone

from communities.selectors import my_communities
from digests.content import news_for_home
from events.access import events_visible_to
from indicators.access import can_view as can_view_indicators
from indicators.surveys import unanswered_open_surveys_for, with_closing_moment
from knowledge.access import published_visible_to


def upcoming_events_for(member):
    """Upcoming published events the member may see; those of their communities are on the schedule too."""
    return events_visible_to(member).filter(status="published", starts_at__gt=timezone.now()).order_by("starts_at")


def home_for(member) -> dict:
    # Each list reads the columns home.html shows (and its links' slugs) only: a product's body, an event's
    # description were read, and compiling every column of three tables cost about 0.5 ms of a visit.
    # All the member's communities, of which the page lists twelve: the news items' audience needs them all.
    communities = list(my_communities(member).only("name", "slug"))
    return {
        "my_communities": communities[:12],
        "upcoming_events": list(upcoming_events_for(member).only("title", "slug", "starts_at", "kind")[:5]),
        "new_knowledge": list(
            published_visible_to(member).only("title", "slug", "type", "published_at").order_by("-published_at")[:5]
        ),
        "news": news_for_home(member, community_ids={community.pk for community in communities}),
        "open_surveys": [with_closing_moment(survey) for survey in unanswered_open_surveys_for(member)[:3]],
        "can_view_indicators": can_view_indicators(member),
    }
