"""What the signed-in home page shows. Sections whose feature has not landed yet stay empty; the page
keeps its shape so members learn where things will be."""

from communities.selectors import my_communities


def home_for(member) -> dict:
    return {
        "my_communities": list(my_communities(member)[:12]),
        "upcoming_events": [],  # events issue: upcoming events in the member's communities
        "new_knowledge": [],  # knowledge issue: recently published products for the member
    }
