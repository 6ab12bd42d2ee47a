"""The one registry of indicator definitions: code, name, plain-language definition, unit and the
disaggregations it has. The dashboard, exports, the report annex and the computation all read it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

NOT_STATED = "not_stated"

# Sections, in the order the dashboard and the report show them.
SECTIONS = {
    "membership": _("Membership and reach"),
    "experts": _("Experts and advice"),
    "events": _("Events"),
    "knowledge": _("Discussions and knowledge"),
    "surveys": _("Surveys and manually reported figures"),
}

DIMENSION_NAMES = {
    "total": _("Total"),
    "country": _("Country"),
    "gender": _("Gender"),
    "community": _("Community"),
    "location": _("Local community"),
    "score": _("Score"),
}

# Indicators the dashboard and the report's executive summary lead with.
HEADLINE = ("members", "active_members", "retention_rate", "active_experts", "satisfaction_mean", "events_held")


@dataclass(frozen=True)
class Indicator:
    code: str
    # Lazy translations: they become words in the reader's language when shown (str() them for files).
    name: str
    definition: str
    unit: str = "members"
    dimensions: tuple[str, ...] = ()
    section: str = "membership"
    # "computed" from the platform's records, or "manual": entered by the coordinator with a source note.
    source: str = "computed"


INDICATORS = [
    Indicator("members", _("CoP members"),
              _("Members with at least one active community membership at the end of the month."),
              dimensions=("country", "gender", "community")),
    Indicator("members_new", _("New members"),
              _("Members whose first-ever community membership started during the month."),
              dimensions=("country", "gender")),
    Indicator("members_left", _("Members who left"),
              _("Members with a membership that ended (left or removed) during the month and no active membership "
              "at its end."), dimensions=("country", "gender")),
    Indicator("retention_rate", _("Member retention rate"),
              _("Of the members with an active membership at the start of the month, the share (%) still a member "
              "of any community at its end."), unit="%"),
    Indicator("active_members", _("Active members"),
              _("Members with at least one recorded activity (login, post, reply, registration, attendance, "
              "download, rating…) during the month."), dimensions=("country", "gender", "community")),
    Indicator("local_communities", _("Local communities in the network"),
              _("Local communities recorded by the coordinator (at the time of computing)."), unit="communities",
              dimensions=("country",)),
    Indicator("population_covered", _("Population covered by local communities"),
              _("Sum of the population the local communities cover, as entered by the coordinator with its source."),
              unit="people",
              dimensions=("country",)),
    Indicator("local_team_members", _("Local action team members"),
              _("Members of local action teams (at the time of computing)."), dimensions=("location", "gender")),
    Indicator("active_experts", _("Active experts"),
              _("Experts who answered, as the flagged expert, in a thread they were referred to during the month."),
              unit="experts", dimensions=("country", "gender"), section="experts"),
    Indicator("referrals_answered", _("Expert referrals answered"),
              _("Referrals whose first expert answer came during the month."), unit="referrals", section="experts"),
    Indicator("median_hours_to_answer", _("Median time to first expert answer"),
              _("Median hours from a referral to the expert's first answer, for referrals answered in the month."),
              unit="hours", section="experts"),
    Indicator("satisfaction_mean", _("Satisfaction with experts' advice"),
              _("Mean rating (1–5) given by askers during the month."), unit="score", section="experts"),
    Indicator("ratings", _("Ratings of experts' advice"), _("Number of ratings given during the month, by score."),
              unit="ratings", dimensions=("score",), section="experts"),
    Indicator("events_held", _("Events held"), _("Published events that started during the month."),
              unit="events", section="events"),
    Indicator("event_registrations", _("Event registrations"), _("Registrations made during the month."),
              unit="registrations", section="events"),
    Indicator("event_attendance", _("Event attendance"), _("Attendees of the events held during the month."),
              unit="attendees", section="events"),
    Indicator("event_feedback_mean", _("Mean event feedback"),
              _("Mean satisfaction (1–5) given by attendees of the month's events."), unit="score", section="events"),
    Indicator("discussions_started", _("Discussions started"), _("Threads started during the month."),
              unit="threads", section="knowledge"),
    Indicator("replies", _("Replies"), _("Replies posted during the month."), unit="posts", section="knowledge"),
    Indicator("knowledge_published", _("Knowledge products published"), _("Products published during the month."),
              unit="products", section="knowledge"),
    Indicator("downloads", _("Downloads"), _("Knowledge product files downloaded during the month."),
              unit="downloads", section="knowledge"),
    Indicator("digests_sent", _("Digests sent"), _("Email digests delivered during the month."),
              unit="emails", section="knowledge"),
    Indicator("survey_responses", _("Survey responses"), _("Answers to community surveys submitted during the month."),
              unit="responses", section="surveys"),
    Indicator("survey_rating_mean", _("Mean survey rating"),
              _("Mean of the 1–5 rating questions answered in surveys during the month."), unit="score",
              section="surveys"),
    Indicator("offline_participants", _("Participants in offline activities"),
              _("People who took part in CoP activities held outside the platform (workshops, local meetings), "
              "as reported by the coordinator with a source for each figure."), unit="people",
              dimensions=("country",), section="surveys", source="manual"),
]  # fmt: skip

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
MANUAL_CHOICES = [(i.code, i.name) for i in INDICATORS if i.source == "manual"]


def by_section() -> list[tuple[str, str, list[Indicator]]]:
    return [(key, title, [i for i in INDICATORS if i.section == key]) for key, title in SECTIONS.items()]
