"""Community surveys: who is asked, answering once, validation, what is stored, result summaries (service and
admin), and the indicators they feed."""

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from communities.models import Membership
from indicators.compute import compute_values
from indicators.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from indicators.surveys import (
    AlreadyAnswered,
    SurveyClosed,
    open_surveys_for,
    survey_results,
    survey_submit,
    surveys_for_month,
    unanswered_open_surveys_for,
)
from members.models import Activity
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.factories import MemberFactory

from .conftest import OCT, at

pytestmark = pytest.mark.django_db


def make_survey(title, community=None, opens=None, closes=None):
    now = timezone.now()
    survey = Survey.objects.create(
        title=title, community=community, introduction="Four short questions.",
        opens_at=opens or now - timedelta(days=1), closes_at=closes or now + timedelta(days=7),
    )  # fmt: skip
    SurveyQuestion.objects.create(survey=survey, position=1, text="How useful is the network?")
    SurveyQuestion.objects.create(
        survey=survey, position=2, text="How often do you use it?", kind=SurveyQuestion.Kind.SINGLE,
        choices="Every week\nEvery month\nNot yet",
    )  # fmt: skip
    SurveyQuestion.objects.create(
        survey=survey, position=3, text="Which services did you use?", kind=SurveyQuestion.Kind.MULTIPLE,
        choices="Discussions\nWebinars\nLibrary", required=False,
    )  # fmt: skip
    SurveyQuestion.objects.create(
        survey=survey, position=4, text="What should we improve?", kind=SurveyQuestion.Kind.TEXT, required=False
    )
    return survey


def fields(survey) -> list[str]:
    return [f"q{pk}" for pk in survey.questions.values_list("pk", flat=True)]


def answers_for(survey, rating="4", single="Every week", multiple=("Discussions", "Library"), text="More webinars"):
    rating_q, single_q, multiple_q, text_q = fields(survey)
    data = {rating_q: rating, single_q: single, multiple_q: list(multiple), text_q: text}
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def asked(member):
    """The member's community, and one survey of each kind around them."""
    mine = CommunityFactory(name="Digital services")
    MembershipFactory(member=member, community=mine)
    pending = CommunityFactory()
    MembershipFactory(member=member, community=pending, status=Membership.Status.PENDING)
    left = CommunityFactory()
    MembershipFactory(member=member, community=left, status=Membership.Status.LEFT, left_at=timezone.now())
    now = timezone.now()
    return {
        "all": make_survey("Network pulse", closes=now + timedelta(days=9)),
        "mine": make_survey("Digital services check-in", community=mine, closes=now + timedelta(days=3)),
        "other": make_survey("Another community's survey", community=CommunityFactory()),
        "pending": make_survey("Survey of a community I asked to join", community=pending),
        "left": make_survey("Survey of a community I left", community=left),
        "closed": make_survey("Last quarter", opens=now - timedelta(days=30), closes=now - timedelta(days=1)),
        "future": make_survey("Next quarter", opens=now + timedelta(days=1), closes=now + timedelta(days=30)),
    }


# --- The list -----------------------------------------------------------------------------------------------


def test_the_list_shows_the_open_surveys_the_member_is_asked(member_client, asked):
    response = member_client.get(reverse("surveys:list"))

    assert response.status_code == 200
    assert [s.title for s in response.context["surveys"]] == ["Digital services check-in", "Network pulse"]
    text = response.content.decode()
    assert f'<a href="/surveys/{asked["mine"].pk}/">Digital services check-in</a>' in text
    assert "Digital services ·" in text and "All members ·" in text
    for key in ("other", "pending", "left", "closed", "future"):
        assert asked[key].title.replace("'", "&#x27;") not in text, key


def test_an_answered_survey_stays_listed_as_answered_without_a_link(member, member_client, asked):
    survey_submit(survey=asked["all"], member=member, questions=list(asked["all"].questions.all()),
                  data={f"q{asked['all'].questions.first().pk}": 5})  # fmt: skip

    text = member_client.get(reverse("surveys:list")).content.decode()

    assert f'href="/surveys/{asked["all"].pk}/"' not in text
    assert '<span class="badge badge-success">answered</span>' in text
    assert [s.title for s in unanswered_open_surveys_for(member)] == ["Digital services check-in"]


def test_the_unanswered_surveys_are_the_open_ones_not_answered(member, asked):
    # The home page's own, lighter query must agree with the list's rule, before and after an answer.
    def unanswered():
        expected = [s.pk for s in open_surveys_for(member) if not s.answered]
        assert [s.pk for s in unanswered_open_surveys_for(member)] == expected
        return expected

    assert unanswered() == [asked["mine"].pk, asked["all"].pk]  # by closing date
    survey_submit(survey=asked["mine"], member=member, questions=[], data={})
    assert unanswered() == [asked["all"].pk]


def test_the_home_page_points_to_the_open_surveys_not_yet_answered(member, member_client, asked):
    survey_submit(survey=asked["all"], member=member, questions=[], data={})

    text = member_client.get(reverse("home")).content.decode()

    assert "A survey is waiting for you" in text
    assert f'<a href="/surveys/{asked["mine"].pk}/">Digital services check-in</a>' in text
    for key in ("all", "other", "pending", "left", "closed", "future"):
        assert f'href="/surveys/{asked[key].pk}/"' not in text, key


def test_the_list_has_an_empty_state(member_client):
    assert "No surveys are open for you right now." in member_client.get(reverse("surveys:list")).content.decode()


def test_surveys_need_a_signed_in_member(client, asked):
    for url in (reverse("surveys:list"), reverse("surveys:answer", args=[asked["all"].pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url
    assert client.post(reverse("surveys:answer", args=[asked["all"].pk]), answers_for(asked["all"])).status_code == 302
    assert not SurveyResponse.objects.exists()


# --- Answering ----------------------------------------------------------------------------------------------


def test_the_answer_page_shows_every_question(member_client, asked):
    response = member_client.get(reverse("surveys:answer", args=[asked["mine"].pk]))
    text = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Digital services check-in</h1>" in text and "Four short questions." in text
    assert "You can answer once." in text
    for question in asked["mine"].questions.all():
        assert question.text in text
    assert text.count('type="radio"') == 5 + 3  # a 1–5 rating and three choices
    assert text.count('type="checkbox"') == 3 + 1  # three choices, and the consent to be quoted


@pytest.mark.parametrize("key", ["all", "mine"])
def test_answering_stores_each_kind_of_answer_once(member, member_client, asked, key):
    survey = asked[key]

    response = member_client.post(reverse("surveys:answer", args=[survey.pk]), answers_for(survey), follow=True)

    assert response.redirect_chain == [(reverse("surveys:list"), 302)]
    assert messages_of(response) == ["Thank you: your answers are recorded."]
    stored = SurveyResponse.objects.get(survey=survey)
    assert stored.member == member
    answers = {a.question.kind: a for a in stored.answers.select_related("question")}
    assert answers["rating"].rating == 4
    assert answers["single"].choices == ["Every week"]
    assert answers["multiple"].choices == ["Discussions", "Library"]
    assert answers["text"].text == "More webinars"
    assert Activity.objects.filter(member=member, kind=Activity.Kind.SURVEY, community=survey.community).count() == 1


def test_optional_questions_may_be_left_blank(member_client, asked):
    survey = asked["all"]

    member_client.post(reverse("surveys:answer", args=[survey.pk]), answers_for(survey, multiple=(), text=""))

    stored = SurveyResponse.objects.get(survey=survey)
    assert sorted(stored.answers.values_list("question__kind", flat=True)) == ["rating", "single"]


def test_a_second_answer_is_refused_with_a_message(member, member_client, asked):
    survey = asked["mine"]
    url = reverse("surveys:answer", args=[survey.pk])
    member_client.post(url, answers_for(survey), follow=True)

    for method in ("get", "post"):
        response = getattr(member_client, method)(url, answers_for(survey, rating="1"), follow=True)
        assert response.redirect_chain == [(reverse("surveys:list"), 302)], method
        assert messages_of(response) == ["You have already answered this survey. Thank you!"], method

    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert list(SurveyAnswer.objects.filter(question__kind="rating").values_list("rating", flat=True)) == [4]


def test_submitting_twice_at_once_stores_one_response(member, asked):
    survey = asked["all"]
    questions = list(survey.questions.all())
    data = {f"q{questions[0].pk}": 3, f"q{questions[1].pk}": "Not yet"}
    survey_submit(survey=survey, member=member, questions=questions, data=data)

    with pytest.raises(AlreadyAnswered):
        survey_submit(survey=survey, member=member, questions=questions, data=data)

    assert SurveyResponse.objects.count() == 1 and SurveyAnswer.objects.count() == 2


def test_a_closed_survey_is_not_answered(member, member_client, asked):
    survey = asked["closed"]
    url = reverse("surveys:answer", args=[survey.pk])

    for method in ("get", "post"):
        response = getattr(member_client, method)(url, answers_for(survey), follow=True)
        assert response.redirect_chain == [(reverse("surveys:list"), 302)], method
        assert messages_of(response) == ["This survey is closed."], method
    assert not SurveyResponse.objects.exists()
    with pytest.raises(SurveyClosed):
        survey_submit(survey=survey, member=member, questions=list(survey.questions.all()), data={})


@pytest.mark.parametrize("key", ["other", "pending", "left"])
def test_a_survey_of_a_community_the_member_is_not_in_does_not_exist_for_them(member_client, asked, key):
    url = reverse("surveys:answer", args=[asked[key].pk])

    assert member_client.get(url).status_code == 404
    assert member_client.post(url, answers_for(asked[key])).status_code == 404
    assert member_client.get(reverse("surveys:answer", args=[999999])).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_required_questions_are_checked_and_nothing_is_saved(member_client, asked):
    survey = asked["all"]
    rating_q, single_q, multiple_q, text_q = fields(survey)

    response = member_client.post(reverse("surveys:answer", args=[survey.pk]), {text_q: "Only this"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {rating_q: ["This field is required."], single_q: ["This field is required."]}
    text = response.content.decode()
    assert "Please correct the errors below." in text
    assert text.count("This field is required.") == 4  # at each of the two fields, and in the summary linking them
    assert "Only this" in text  # what was typed is kept
    assert not SurveyResponse.objects.exists() and not Activity.objects.filter(kind=Activity.Kind.SURVEY).exists()


@pytest.mark.parametrize(
    "override, error",
    [
        ({"rating": "9"}, "Select a valid choice. 9 is not one of the available choices."),
        ({"rating": "0"}, "Select a valid choice. 0 is not one of the available choices."),
        ({"single": "Never"}, "Select a valid choice. Never is not one of the available choices."),
        ({"multiple": ("Discussions", "Gossip")}, "Select a valid choice. Gossip is not one of the available choices."),
    ],
)
def test_answers_outside_the_choices_are_refused(member_client, asked, override, error):
    survey = asked["all"]

    response = member_client.post(reverse("surveys:answer", args=[survey.pk]), answers_for(survey, **override))

    assert response.status_code == 200
    assert [e for errors in response.context["form"].errors.values() for e in errors] == [error]
    assert not SurveyResponse.objects.exists()


def test_a_survey_must_close_after_it_opens_and_choice_questions_need_choices():
    now = timezone.now()
    with pytest.raises(ValidationError, match="must close after it opens"):
        Survey(title="x", opens_at=now, closes_at=now).full_clean()
    with pytest.raises(ValidationError, match="at least two choices"):
        SurveyQuestion(survey=Survey(pk=1), text="?", kind=SurveyQuestion.Kind.SINGLE, choices="Only one").clean()


# --- Results ------------------------------------------------------------------------------------------------


@pytest.fixture
def answered():
    """An all-member survey with three responses in October (and a fourth in November)."""
    survey = make_survey("October pulse", opens=at(1), closes=at(30))
    rating_q, single_q, multiple_q, text_q = survey.questions.all()
    rows = [
        (5, 4, "Every week", ["Discussions", "Library"], "More webinars"),
        (9, 5, "Every week", ["Webinars"], ""),
        (20, 3, "Not yet", [], "Shorter digests"),
    ]
    for day, rating, single, multiple, text in rows:
        response = SurveyResponse.objects.create(survey=survey, member=MemberFactory(), submitted_at=at(day))
        SurveyAnswer.objects.create(response=response, question=rating_q, rating=rating)
        SurveyAnswer.objects.create(response=response, question=single_q, choices=[single])
        if multiple:
            SurveyAnswer.objects.create(response=response, question=multiple_q, choices=multiple)
        if text:
            SurveyAnswer.objects.create(response=response, question=text_q, text=text)
    late = SurveyResponse.objects.create(survey=survey, member=MemberFactory(), submitted_at=at(2, 11))
    SurveyAnswer.objects.create(response=late, question=rating_q, rating=1)
    return survey


def test_results_give_counts_means_and_distributions(answered):
    result = survey_results(answered)

    assert result.responses == 4
    rating, single, multiple, text = result.questions
    assert (rating.answered, rating.mean) == (4, 3.25)
    assert rating.distribution == [("1", 1), ("2", 0), ("3", 1), ("4", 1), ("5", 1)]
    assert (single.answered, single.distribution) == (3, [("Every week", 2), ("Every month", 0), ("Not yet", 1)])
    assert (multiple.answered, multiple.distribution) == (2, [("Discussions", 1), ("Webinars", 1), ("Library", 1)])
    assert (text.answered, sorted(text.texts), text.mean, text.distribution) == (
        2, ["More webinars", "Shorter digests"], None, [],
    )  # fmt: skip


def test_results_until_a_moment_leave_later_answers_out(answered):
    result = survey_results(answered, until=at(1, 11))

    assert result.responses == 3
    assert result.questions[0].mean == 4.0
    assert result.questions[0].distribution == [("1", 0), ("2", 0), ("3", 1), ("4", 1), ("5", 1)]


def test_results_of_a_survey_without_answers(db):
    result = survey_results(make_survey("Quiet"))

    assert result.responses == 0
    assert result.questions[0].mean is None and result.questions[0].distribution == [(str(n), 0) for n in range(1, 6)]


def test_the_results_appear_on_the_surveys_admin_page_for_a_coordinator(client, coordinator, answered):
    client.force_login(coordinator)

    response = client.get(reverse("admin:indicators_survey_change", args=[answered.pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "<strong>4 responses</strong>" in text
    assert "<strong>How useful is the network?</strong>" in text
    assert "Mean: 3.25" in text
    assert "<tr><td>Every week</td><td>2</td></tr>" in text
    assert "<li>Shorter digests</li>" in text
    listing = client.get(reverse("admin:indicators_survey_changelist")).content.decode()
    assert '<td class="field-response_count">4</td>' in listing


def test_a_coordinator_adds_a_survey_with_its_questions_in_the_admin(client, coordinator):
    client.force_login(coordinator)
    prefix = "questions"
    data = {
        "title": "Webinar topics", "introduction": "", "community": "",
        "opens_at_0": "2026-12-01", "opens_at_1": "08:00", "closes_at_0": "2026-12-20", "closes_at_1": "08:00",
        f"{prefix}-TOTAL_FORMS": "2", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-position": "1", f"{prefix}-0-text": "Rate the last webinar", f"{prefix}-0-kind": "rating",
        f"{prefix}-0-choices": "", f"{prefix}-0-required": "on",
        f"{prefix}-1-position": "2", f"{prefix}-1-text": "Pick a topic", f"{prefix}-1-kind": "single",
        f"{prefix}-1-choices": "Only one", f"{prefix}-1-required": "on",
    }  # fmt: skip

    response = client.post(reverse("admin:indicators_survey_add"), data)
    assert response.status_code == 200  # a choice question with one choice is refused
    assert "Give at least two choices, one per line." in response.content.decode()
    assert not Survey.objects.exists()

    data[f"{prefix}-1-choices"] = "Budgets\nProcurement"
    response = client.post(reverse("admin:indicators_survey_add"), data)
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert survey.created_by == coordinator
    assert [q.choice_list for q in survey.questions.all()] == [[], ["Budgets", "Procurement"]]


# --- Indicators and the report ------------------------------------------------------------------------------


def test_surveys_feed_the_response_count_and_the_mean_rating(answered):
    other = Survey.objects.create(title="Event feedback", opens_at=at(1), closes_at=at(30))
    rate = SurveyQuestion.objects.create(survey=other, text="Rate the event")
    comment = SurveyQuestion.objects.create(survey=other, text="Comment", kind=SurveyQuestion.Kind.TEXT)
    response = SurveyResponse.objects.create(survey=other, member=MemberFactory(), submitted_at=at(25))
    SurveyAnswer.objects.create(response=response, question=rate, rating=2)
    only_text = SurveyResponse.objects.create(survey=other, member=MemberFactory(), submitted_at=at(26))
    SurveyAnswer.objects.create(response=only_text, question=comment, text="Fine")

    values = compute_values(OCT)

    assert values["survey_responses"] == {"total": {"total": 5}}  # three + two; November's is not October's
    assert values["survey_rating_mean"] == {"total": {"total": 3.5}}  # (4 + 5 + 3 + 2) / 4
    november = compute_values(OCT.replace(month=11))
    assert november["survey_responses"] == {"total": {"total": 1}}
    assert november["survey_rating_mean"] == {"total": {"total": 1.0}}
    assert compute_values(OCT.replace(month=9))["survey_rating_mean"] == {"total": {"total": None}}


def test_a_survey_open_in_the_month_is_in_that_months_report(answered):
    Survey.objects.create(title="September pulse", opens_at=at(1, 9), closes_at=at(29, 9))

    october = surveys_for_month(OCT)
    november = surveys_for_month(OCT.replace(month=11))

    assert [(r.survey.title, r.responses) for r in october] == [("October pulse", 3)]
    assert [(r.survey.title, r.responses) for r in november] == []  # closed before November


# --- Consent to be quoted in the progress report ------------------------------------------------------------


def test_the_answer_page_asks_whether_comments_may_be_quoted_unticked(member_client, asked):
    text = member_client.get(reverse("surveys:answer", args=[asked["mine"].pk])).content.decode()

    [checkbox] = re.findall(r'<input type="checkbox" name="may_quote"[^>]*>', text)
    assert "checked" not in checkbox
    assert "My written comments may be quoted, without my name, in the network&#x27;s progress reports" in text
    assert "Progress reports are shared with UNDP and partners outside the platform." in text


def test_a_survey_without_a_comment_question_does_not_ask(member, member_client):
    survey = Survey.objects.create(
        title="Ratings only", opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=1)
    )
    SurveyQuestion.objects.create(survey=survey, text="How useful is the network?")

    assert 'name="may_quote"' not in member_client.get(reverse("surveys:answer", args=[survey.pk])).content.decode()


@pytest.mark.parametrize(("ticked", "stored"), [(False, False), (True, True)])
def test_the_answer_records_whether_the_member_agreed_to_be_quoted(member_client, asked, ticked, stored):
    data = answers_for(asked["mine"]) | ({"may_quote": "on"} if ticked else {})

    member_client.post(reverse("surveys:answer", args=[asked["mine"].pk]), data)

    assert SurveyResponse.objects.get(survey=asked["mine"]).may_quote is stored


def test_the_report_quotes_only_the_comments_their_authors_agreed_to_and_counts_them_all(answered):
    SurveyResponse.objects.filter(answers__text="Shorter digests").update(may_quote=True)

    [result] = surveys_for_month(OCT)

    text = result.questions[3]
    assert text.texts == ["Shorter digests"]  # "More webinars" was not agreed to: not quoted
    assert (result.responses, text.answered) == (3, 2)  # every answer is still counted
    assert result.questions[0].mean == 4.0
    assert sorted(survey_results(answered).questions[3].texts) == ["More webinars", "Shorter digests"]  # the admin's


def test_answers_given_before_consent_was_asked_are_not_quoted(answered):
    assert SurveyResponse.objects.filter(may_quote=True).count() == 0  # the migration's default
    assert [q.texts for q in surveys_for_month(OCT)[0].questions] == [[], [], [], []]


# --- Closing time, in the member's time zone ----------------------------------------------------------------


def test_the_closing_moment_is_shown_in_the_members_time_zone_and_named(member, member_client, asked):
    """A date alone ("open until 11/03") read as the whole of that day to a member east of the server, where the
    survey closed at 06:29."""
    closes = (timezone.now() + timedelta(days=3)).replace(hour=23, minute=59, second=0, microsecond=0)
    Survey.objects.filter(pk=asked["mine"].pk).update(closes_at=closes)
    member.time_zone = "Asia/Yangon"
    member.save(update_fields=["time_zone"])
    in_yangon = timezone.localtime(closes, ZoneInfo("Asia/Yangon"))
    shown = f"{date_format(in_yangon, 'DATETIME_FORMAT')} (Asia/Yangon)"
    assert in_yangon.date() > closes.date() and in_yangon.strftime("%H:%M") == "06:29"

    listing = html.unescape(member_client.get(reverse("surveys:list")).content.decode())
    answer_page = html.unescape(member_client.get(reverse("surveys:answer", args=[asked["mine"].pk])).content.decode())

    assert f"open until {shown}" in listing
    assert f"Open until {shown}. You can answer once." in answer_page


def test_a_survey_closes_at_the_minute_it_shows(db):
    """Shown as open until 23:59, it closes at 23:59, not at 23:59:45 as entered."""
    closes = datetime(2027, 3, 10, 23, 59, 45, tzinfo=UTC)
    survey = Survey.objects.create(title="Pulse", opens_at=closes - timedelta(days=7), closes_at=closes)

    survey.refresh_from_db()
    assert survey.closes_at == datetime(2027, 3, 10, 23, 59, tzinfo=UTC)
    assert not survey.is_open(now=datetime(2027, 3, 10, 23, 59, 10, tzinfo=UTC))
    assert survey.is_open(now=datetime(2027, 3, 10, 23, 58, 59, tzinfo=UTC))
    form_clean = Survey(title="x", opens_at=closes - timedelta(days=1), closes_at=closes)
    form_clean.full_clean()
    assert form_clean.closes_at.second == 0
