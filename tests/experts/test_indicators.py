"""The experts' indicators on hand-made data: active experts, ratings, time to first answer."""

from datetime import UTC, datetime, timedelta

import pytest

from experts.models import Referral
from experts.selectors import active_experts_between, median_hours_to_first_answer, rating_summary_between
from tests.communities.factories import PostFactory, ThreadFactory

from .factories import ExpertFactory, MemberExpertFactory, RatingFactory, ReferralFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)
IN_MARCH = START + timedelta(days=10)


def _referral(expert=None, *, created_at=START - timedelta(days=5), **kwargs):
    return ReferralFactory(expert=expert or MemberExpertFactory(), created_at=created_at, **kwargs)


# --- Active experts -------------------------------------------------------------------------------------------


def test_it_counts_experts_who_answered_in_a_thread_they_were_referred_to():
    answered = _referral()
    PostFactory(thread=answered.thread, author=answered.expert.member, created_at=IN_MARCH)
    twice = _referral()
    PostFactory(thread=twice.thread, author=twice.expert.member, created_at=IN_MARCH)
    PostFactory(thread=twice.thread, author=twice.expert.member, created_at=IN_MARCH + timedelta(days=1))
    at_start = _referral()
    PostFactory(thread=at_start.thread, author=at_start.expert.member, created_at=START)

    elsewhere = _referral()  # replied, but in a thread they were not referred to
    PostFactory(thread=ThreadFactory(), author=elsewhere.expert.member, created_at=IN_MARCH)
    earlier = _referral()  # answered before the period
    PostFactory(thread=earlier.thread, author=earlier.expert.member, created_at=START - timedelta(seconds=1))
    at_end = _referral()  # the end is excluded
    PostFactory(thread=at_end.thread, author=at_end.expert.member, created_at=END)
    _referral()  # never answered
    _referral(ExpertFactory())  # no member account: cannot have posted
    other_expert = _referral()  # someone else's referral in the thread does not make a replier an expert
    PostFactory(thread=other_expert.thread, author=MemberExpertFactory().member, created_at=IN_MARCH)

    active = active_experts_between(START, END)
    assert set(active) == {answered.expert, twice.expert, at_start.expert}
    assert active.count() == 3  # each expert once


def test_it_has_no_active_experts_in_an_empty_period():
    assert list(active_experts_between(START, END)) == []


def test_it_does_not_count_a_reply_written_before_the_expert_was_referred():
    referral = _referral(created_at=END + timedelta(days=20))
    PostFactory(thread=referral.thread, author=referral.expert.member, created_at=IN_MARCH)
    assert list(active_experts_between(START, END)) == []


# --- Ratings --------------------------------------------------------------------------------------------------


def test_it_summarises_ratings_in_the_period():
    for score in (5, 5, 4, 1):
        RatingFactory(score=score, created_at=IN_MARCH)
    RatingFactory(score=2, created_at=START - timedelta(seconds=1))
    RatingFactory(score=3, created_at=END)
    summary = rating_summary_between(START, END)
    assert summary["count"] == 4
    assert summary["mean"] == pytest.approx(3.75)
    assert summary["distribution"] == {1: 1, 2: 0, 3: 0, 4: 1, 5: 2}


def test_it_summarises_no_ratings():
    RatingFactory(score=5, created_at=END + timedelta(days=1))
    assert rating_summary_between(START, END) == {
        "mean": None,
        "count": 0,
        "distribution": {1: 0, 2: 0, 3: 0, 4: 0, 5: 0},
    }


# --- Time to first answer ----------------------------------------------------------------------------------------


def _answered(hours: float, answered_at: datetime):
    return _referral(
        created_at=answered_at - timedelta(hours=hours), first_answer_at=answered_at, status=Referral.Status.ANSWERED
    )


def test_it_takes_the_median_hours_to_a_first_answer():
    _answered(2, IN_MARCH)
    _answered(10, IN_MARCH)
    _answered(4, START)  # the start is included
    _answered(100, END)  # answered after the period
    _answered(200, START - timedelta(minutes=1))  # answered before it
    _referral(created_at=IN_MARCH)  # not answered
    assert median_hours_to_first_answer(START, END) == pytest.approx(4)


def test_it_averages_the_middle_two_of_an_even_count():
    _answered(1.5, IN_MARCH)
    _answered(4.5, IN_MARCH)
    assert median_hours_to_first_answer(START, END) == pytest.approx(3)


def test_it_has_no_median_without_answers():
    _referral(created_at=IN_MARCH)
    assert median_hours_to_first_answer(START, END) is None
