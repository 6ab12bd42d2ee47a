"""Library search in Russian and Burmese: found, and a title match ranked above a match in the text only.

PostgreSQL searches with the 'simple' configuration (no stemmer: one column holds every language, see
communities/search_document.py); SQLite's fallback ranks title matches first too. Lower-case words here:
SQLite's LIKE folds ASCII only, PostgreSQL any script (tests/communities/test_post_search.py).
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.communities.factories import CommunityFactory, PostFactory, ThreadFactory
from tests.factories import MemberFactory

from .factories import KnowledgeProductFactory

pytestmark = pytest.mark.django_db


def _days_ago(days: int):
    return timezone.now() - timezone.timedelta(days=days)


@pytest.mark.parametrize(
    "word, in_title, in_text",
    [
        ("бюджет", "Открытый бюджет района", "Мы показали жителям, как читать бюджет и отчёты."),
        ("ဘတ်ဂျက်", "မြို့နယ် ဘတ်ဂျက် လမ်းညွှန်", "ပြည်သူများ ဘတ်ဂျက် ကို ကြည့်ရှုနိုင်ပါသည်"),
    ],
)
def test_it_finds_and_ranks_a_word_in_another_script(client, word, in_title, in_text):
    KnowledgeProductFactory(title="Text only", body=in_text, published_at=_days_ago(1))
    KnowledgeProductFactory(title=in_title, body="…", published_at=_days_ago(90))
    KnowledgeProductFactory(title="Unrelated", body="Procurement in districts.", published_at=_days_ago(2))
    thread = ThreadFactory(community=CommunityFactory(), title="Ask the network")
    PostFactory(thread=thread, body=in_text)
    client.force_login(MemberFactory())

    response = client.get(reverse("knowledge:library"), {"q": word})

    assert [p.title for p in response.context["page_obj"].object_list] == [in_title, "Text only"]
    assert response.context["threads"] == [thread]
