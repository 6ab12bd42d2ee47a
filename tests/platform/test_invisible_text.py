"""A text made only of spaces and invisible format characters (zero-width space, joiners, word joiner, byte
order mark) is empty in every form: the field's own message, nothing stored. Inside a text they are kept:
Burmese separates words with U+200B."""

import pytest
from django import forms
from django.urls import reverse

from communities.models import Community, Post
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

INVISIBLE_ONLY = ["\u200b", "\u200b \u200b", "\u200b\n\u200b", "\u2060\ufeff", " \u200c\u200d "]


@pytest.mark.parametrize("value", INVISIBLE_ONLY)
def test_a_reply_of_invisible_characters_is_refused_with_the_fields_message(client, value):
    community = CommunityFactory()
    thread = ThreadFactory(community=community)
    client.force_login(member_of(community))

    response = client.post(reverse("communities:reply", args=[community.slug, thread.pk]), {"body": value})

    assert response.status_code == 400  # the thread page again, with the form's errors
    assert "Write something before posting." in response.content.decode()
    assert not Post.objects.filter(thread=thread, body=value).exists()


def test_a_name_of_invisible_characters_is_refused_on_the_profile(client):
    member = MemberFactory(full_name="Aye Aye", organization="Ministry")
    client.force_login(member)

    response = client.post(
        reverse("members:profile_edit"),
        {"full_name": "\u200b\u200b", "country": "MM", "organization": "\u200b", "position_level": "staff",
         "gender": "female"},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"full_name", "organization"}
    member.refresh_from_db()
    assert (member.full_name, member.organization) == ("Aye Aye", "Ministry")


def test_burmese_word_breaks_inside_a_text_are_kept_and_its_ends_trimmed(client):
    community = CommunityFactory()
    thread = ThreadFactory(community=community)
    client.force_login(member_of(community))
    burmese = "မင်္ဂလာ\u200bပါ\u200bခင်ဗျာ"

    client.post(reverse("communities:reply", args=[community.slug, thread.pk]), {"body": f"\u200b{burmese}\u200b "})

    assert Post.objects.filter(thread=thread, body=burmese).exists()


def test_the_admin_refuses_a_community_named_with_invisible_characters(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("admin:communities_community_add"), {"name": "\u200b", "slug": "invisible"})

    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert not Community.objects.filter(slug="invisible").exists()


def test_fields_that_keep_spaces_keep_everything():
    assert forms.CharField(strip=False).clean("\u200b") == "\u200b"
    assert forms.CharField(required=False).clean("\u200b \u2060") == ""
