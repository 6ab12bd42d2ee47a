"""The one registry of indicator definitions: code, name, plain-language definition, unit and the
disaggregations it has. The dashboard, exports, the report annex and the computation all read it."""

from dataclasses import dataclass

NOT_STATED = "not_stated"

# Sections, in the order the dashboard and the report show them.
SECTIONS = {
    "membership": "Membership and reach",
    "experts": "Experts and advice",
    "events": "Events",
    "knowledge": "Discussions and knowledge",
    "surveys": "Surveys and manually reported figures",
}

DIMENSION_NAMES = {
    "total": "Total",
    "country": "Country",
    "gender": "Gender",
    "community": "Community",
    "location": "Local community",
    "score": "Score",
}

# Indicators the dashboard and the report's executive summary lead with.
HEADLINE = ("members", "active_members", "retention_rate", "active_experts", "satisfaction_mean", "events_held")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    unit: str = "members"
    dimensions: tuple[str, ...] = ()
    section: str = "membership"
    # "computed" from the platform's records, or "manual": entered by the coordinator with a source note.
    source: str = "computed"


INDICATORS = [
    Indicator("members", "CoP members",
              "Members with at least one active community membership at the end of the month.",
              dimensions=("country", "gender", "community")),
    Indicator("members_new", "New members",
              "Members whose first-ever community membership started during the month.",
              dimensions=("country", "gender")),
    Indicator("members_left", "Members who left",
              "Members with a membership that ended (left or removed) during the month and no active membership "
              "at its end.", dimensions=("country", "gender")),
    Indicator("retention_rate", "Member retention rate",
              "Of the members with an active membership at the start of the month, the share (%) still a member "
              "of any community at its end.", unit="%"),
    Indicator("active_members", "Active members",
              "Members with at least one recorded activity (login, post, reply, registration, attendance, "
              "download, rating…) during the month.", dimensions=("country", "gender", "community")),
    Indicator("local_communities", "Local communities in the network",
              "Local communities recorded by the coordinator (at the time of computing).", unit="communities",
              dimensions=("country",)),
    Indicator("population_covered", "Population covered by local communities",
              "Sum of the population the local communities cover, as entered by the coordinator with its source.",
              unit="people",
              dimensions=("country",)),
    Indicator("local_team_members", "Local action team members",
              "Members of local action teams (at the time of computing).", dimensions=("location", "gender")),
    Indicator("active_experts", "Active experts",
              "Experts who answered, as the flagged expert, in a thread they were referred to during the month.",
              unit="experts", dimensions=("country", "gender"), section="experts"),
    Indicator("referrals_answered", "Expert referrals answered",
              "Referrals whose first expert answer came during the month.", unit="referrals", section="experts"),
    Indicator("median_hours_to_answer", "Median time to first expert answer",
              "Median hours from a referral to the expert's first answer, for referrals answered in the month.",
              unit="hours", section="experts"),
    Indicator("satisfaction_mean", "Satisfaction with experts' advice",
              "Mean rating (1–5) given by askers during the month.", unit="score", section="experts"),
    Indicator("ratings", "Ratings of experts' advice", "Number of ratings given during the month, by score.",
              unit="ratings", dimensions=("score",), section="experts"),
    Indicator("events_held", "Events held", "Published events that started during the month.",
              unit="events", section="events"),
    Indicator("event_registrations", "Event registrations", "Registrations made during the month.",
              unit="registrations", section="events"),
    Indicator("event_attendance", "Event attendance", "Attendees of the events held during the month.",
              unit="attendees", section="events"),
    Indicator("event_feedback_mean", "Mean event feedback",
              "Mean satisfaction (1–5) given by attendees of the month's events.", unit="score", section="events"),
    Indicator("discussions_started", "Discussions started", "Threads started during the month.",
              unit="threads", section="knowledge"),
    Indicator("replies", "Replies", "Replies posted during the month.", unit="posts", section="knowledge"),
    Indicator("knowledge_published", "Knowledge products published", "Products published during the month.",
              unit="products", section="knowledge"),
    Indicator("downloads", "Downloads", "Knowledge product files downloaded during the month.",
              unit="downloads", section="knowledge"),
    Indicator("digests_sent", "Digests sent", "Email digests delivered during the month.",
              unit="emails", section="knowledge"),
    Indicator("survey_responses", "Survey responses", "Answers to community surveys submitted during the month.",
              unit="responses", section="surveys"),
    Indicator("survey_rating_mean", "Mean survey rating",
              "Mean of the 1–5 rating questions answered in surveys during the month.", unit="score",
              section="surveys"),
    Indicator("offline_participants", "Participants in offline activities",
              "People who took part in CoP activities held outside the platform (workshops, local meetings), "
              "as reported by the coordinator with a source for each figure.", unit="people",
              dimensions=("country",), section="surveys", source="manual"),
]  # fmt: skip

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
MANUAL_CHOICES = [(i.code, i.name) for i in INDICATORS if i.source == "manual"]


def by_section() -> list[tuple[str, str, list[Indicator]]]:
    return [(key, title, [i for i in INDICATORS if i.section == key]) for key, title in SECTIONS.items()]
