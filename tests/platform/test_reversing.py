"""url_for_each gives what reverse() gives, reversed once per list."""

import pytest
from django.urls import NoReverseMatch, reverse

from cop_platform.reversing import url_for_each


@pytest.mark.parametrize("slug", ["public-finance", "cop-987654321987654321", "2024"])
@pytest.mark.parametrize("name", ["post_helpful", "post_edit", "post_report", "post_hide"])
@pytest.mark.parametrize("pk", [1, 7, 987654321987654321, 10**12])
def test_it_gives_the_urls_reverse_gives(slug, name, pk):
    assert url_for_each(f"communities:{name}", slug)(pk) == reverse(f"communities:{name}", args=[slug, pk])


def test_it_works_for_a_pattern_with_only_an_id():
    assert url_for_each("members:detail")(42) == reverse("members:detail", args=[42])


def test_it_writes_an_id_as_an_integer():
    # A string id is written as its integer; anything else fails loudly instead of writing markup into a URL.
    link = url_for_each("members:detail")
    assert link("42") == reverse("members:detail", args=[42])
    with pytest.raises(ValueError):
        link('1"><script>')


def test_it_refuses_a_pattern_that_does_not_end_in_an_id():
    with pytest.raises(ValueError, match="does not end in an integer argument"):
        url_for_each("communities:detail")


def test_a_view_that_takes_no_id_fails_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        url_for_each("notifications")


def test_it_works_under_a_script_prefix():
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    set_script_prefix("/cop/")
    try:
        assert url_for_each("members:detail")(5) == reverse("members:detail", args=[5]) == "/cop/members/5/"
    finally:
        set_script_prefix(before)
