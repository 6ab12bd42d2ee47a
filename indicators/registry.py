"""The one registry of indicator definitions: code, name, plain-language definition, unit and the
disaggregations it has. The dashboard, exports, the report annex and the computation all read it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

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

# Units whose figures can be fractions: a share, a median of hours, a mean score. Every other unit counts
# things (members, events, downloads…), whose chart axis must not offer a "0.5" of them.
FRACTIONAL_UNITS = frozenset({"%", "hours", "score"})

# What each unit is called where it is named alone (the definitions, the report's annex). The codes stay the
# units' names in the registry, the charts and the exports: words are for readers, codes for machines.
UNIT_NAMES = {
    "members": _("members"),
    "%": _("per cent"),
    "communities": _("local communities"),
    "people": _("people"),
    "experts": _("experts"),
    "referrals": _("referrals"),
    "hours": _("hours"),
    "score": _("score (1–5)"),
    "ratings": _("ratings"),
    "events": _("events"),
    "registrations": _("registrations"),
    "attendees": _("attendees"),
    "threads": _("discussions"),
    "posts": _("replies"),
    "products": _("knowledge products"),
    "downloads": _("downloads"),
    "emails": _("emails"),
    "responses": _("survey responses"),
}

# A figure in its unit ("40 members"): %(figure)s is the formatted number, "count" chooses the plural form. A
# percentage carries its "%" already, and a score reads "4.25 out of 5".
FIGURES_IN_UNIT = {
    # Translators: %(figure)s is a formatted number ("1,234"); put it where the language puts a count.
    "members": ngettext_lazy("%(figure)s member", "%(figure)s members", "count"),
    "communities": ngettext_lazy("%(figure)s local community", "%(figure)s local communities", "count"),
    "people": ngettext_lazy("%(figure)s person", "%(figure)s people", "count"),
    "experts": ngettext_lazy("%(figure)s expert", "%(figure)s experts", "count"),
    "referrals": ngettext_lazy("%(figure)s referral", "%(figure)s referrals", "count"),
    "hours": ngettext_lazy("%(figure)s hour", "%(figure)s hours", "count"),
    # Translators: a mean score on a scale from 1 to 5, e.g. "4.25 out of 5".
    "score": _("%(figure)s out of 5"),
    "ratings": ngettext_lazy("%(figure)s rating", "%(figure)s ratings", "count"),
    "events": ngettext_lazy("%(figure)s event", "%(figure)s events", "count"),
    "registrations": ngettext_lazy("%(figure)s registration", "%(figure)s registrations", "count"),
    "attendees": ngettext_lazy("%(figure)s attendee", "%(figure)s attendees", "count"),
    "threads": ngettext_lazy("%(figure)s discussion", "%(figure)s discussions", "count"),
    "posts": ngettext_lazy("%(figure)s reply", "%(figure)s replies", "count"),
    "products": ngettext_lazy("%(figure)s knowledge product", "%(figure)s knowledge products", "count"),
    "downloads": ngettext_lazy("%(figure)s download", "%(figure)s downloads", "count"),
    "emails": ngettext_lazy("%(figure)s email", "%(figure)s emails", "count"),
    "responses": ngettext_lazy("%(figure)s survey response", "%(figure)s survey responses", "count"),
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

    @property
    def unit_name(self) -> str:
        return UNIT_NAMES.get(self.unit, self.unit)

    @property
    def dimension_names(self) -> list[str]:
        return [DIMENSION_NAMES.get(dimension, dimension) for dimension in self.dimensions]


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
