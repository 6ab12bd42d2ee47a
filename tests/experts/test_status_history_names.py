"""The expert's status history as the admin shows it: its columns are named in the reader's language, and a
row reads with the stages' names ("Contacted → Engaged"), not their codes."""

import pytest

from experts.models import Expert, ExpertStatusChange
from tests.support.marked_translations import assert_named_for_translators, marked, marked_translations

from .factories import ExpertFactory

COLUMNS = {
    "expert": "expert",
    "changed_at": "changed",
    "from_status": "previous status",
    "to_status": "new status",
    "changed_by": "changed by",
    "note": "note",
}


@pytest.mark.parametrize(("field", "name"), COLUMNS.items())
def test_each_column_of_the_history_has_a_translatable_name(field, name, monkeypatch):
    assert_named_for_translators(ExpertStatusChange, field, name, monkeypatch)


@pytest.mark.django_db
def test_a_history_row_names_the_stages_in_the_readers_language(monkeypatch):
    expert = ExpertFactory(name="Arun Prasad")
    change = ExpertStatusChange(expert=expert, from_status=Expert.Status.CONTACTED, to_status=Expert.Status.ENGAGED)
    marked_translations(monkeypatch)

    assert str(change) == f"Arun Prasad: {marked('Contacted')} → {marked('Engaged')}"


@pytest.mark.django_db
def test_the_first_row_of_a_history_has_no_stage_before_it():
    expert = ExpertFactory(name="Arun Prasad")
    change = ExpertStatusChange(expert=expert, from_status="", to_status=Expert.Status.MAPPED)

    assert str(change) == "Arun Prasad: — → Mapped"


@pytest.mark.django_db
def test_a_referral_and_a_rating_are_named_in_the_readers_language():
    from django.utils import translation

    from tests.communities.factories import ThreadFactory

    from .factories import RatingFactory, ReferralFactory

    referral = ReferralFactory(expert__name="Arun Prasad", thread=ThreadFactory(title="Budget rules"))
    rating = RatingFactory(referral=referral, score=4)
    with translation.override("ru"):
        assert str(referral) == "Arun Prasad: «Budget rules»"
        assert str(rating) == "4/5 за Arun Prasad: «Budget rules»"
