"""What the signed-in home page shows. Each section is empty until its feature lands; the page keeps
its shape so members learn where things will be."""


def home_for(member) -> dict:
    return {
        "my_communities": [],  # communities issue: the member's active memberships
        "upcoming_events": [],  # events issue: upcoming events in the member's communities
        "new_knowledge": [],  # knowledge issue: recently published products for the member
    }
