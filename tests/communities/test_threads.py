from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from communities import services
from communities.models import MAX_POST_LENGTH, Community, Membership, ModerationAction, Notification, Post, Thread
from members.models import Activity
from tests.factories import MemberFactory

from .factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(name="Public finance", slug="public-finance")


@pytest.fixture
def author(community):
    return member_of(community)


@pytest.fixture
def thread(community, author):
    return services.thread_create(
        community=community, author=author, title="Participatory budgeting", body="Who has tried it?"
    )


def last_message(response):
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def reply_url(thread, community=None):
    return reverse("communities:reply", args=[(community or thread.community).slug, thread.pk])


def post_reply(client, thread, body, **extra):
    return client.post(reply_url(thread), {"body": body, **extra})


# --- Starting and replying ---------------------------------------------------------------------------------


def test_it_starts_a_thread_with_its_opening_post(client, community, author):
    client.force_login(author)

    response = client.post(
        reverse("communities:thread_new", args=[community.slug]),
        {"title": "  Open data portals  ", "body": "What did you **publish** first?"},
    )

    thread = Thread.objects.get(community=community)
    assert response.status_code == 302
    assert response.url == thread.get_absolute_url()
    assert last_message(response) == "Your discussion was started."
    assert (thread.title, thread.author, thread.reply_count) == ("Open data portals", author, 0)
    opening = thread.posts.get()
    assert opening.is_opening
    assert opening.author == author
    assert "<strong>publish</strong>" in opening.body_html
    assert list(thread.followers.all()) == [author]
    assert Activity.objects.filter(member=author, kind=Activity.Kind.POST, community=community).count() == 1


def test_it_keeps_what_was_typed_when_a_new_thread_is_incomplete(client, community, author):
    client.force_login(author)
    response = client.post(
        reverse("communities:thread_new", args=[community.slug]), {"title": "Keep this title", "body": "   \n  "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["body"] == ["Write something before posting."]
    assert 'value="Keep this title"' in response.content.decode()
    assert not Thread.objects.exists()


def test_it_posts_a_reply_and_updates_the_thread(client, community, thread, author):
    follower, replier = member_of(community), member_of(community)
    services.thread_toggle_follow(thread=thread, member=follower)
    before = Thread.objects.get(pk=thread.pk).last_activity_at
    client.force_login(replier)

    response = post_reply(client, thread, "We did it in **three** districts.")

    reply = Post.objects.get(author=replier)
    assert response.status_code == 302
    assert response.url == f"{thread.get_absolute_url()}?page=last#post-{reply.pk}"
    assert last_message(response) == "Your reply was posted."
    assert not reply.is_opening
    thread.refresh_from_db()
    assert thread.reply_count == 1
    assert thread.last_activity_at > before
    assert thread.last_activity_at == reply.created_at
    assert Activity.objects.filter(member=replier, kind=Activity.Kind.REPLY, community=community).count() == 1
    notified = Notification.objects.filter(kind=Notification.Kind.REPLY)
    assert {n.recipient for n in notified} == {author, follower}
    # The page the reply stays on ("?page=last" led elsewhere once the thread grew).
    assert all(n.url == f"{thread.get_absolute_url()}#post-{reply.pk}" for n in notified)
    assert all(n.actor == replier for n in notified)
    assert replier in thread.followers.all()


def test_it_does_not_notify_a_follower_who_can_no_longer_read_the_thread(client):
    community = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    author = member_of(community)
    thread = services.thread_create(community=community, author=author, title="Internal", body="Notes")
    Membership.objects.filter(member=author).update(status=Membership.Status.LEFT)
    client.force_login(member_of(community))
    post_reply(client, thread, "Anyone?")
    assert not Notification.objects.filter(recipient=author).exists()


def test_the_same_reply_sent_twice_is_posted_once(client, thread, author):
    """A double click, or a slow connection's browser sending the form again: one reply, and the second
    submission lands on it."""
    client.force_login(author)
    first = post_reply(client, thread, "Start with the forms people fill in most.")
    again = post_reply(client, thread, "Start with the forms people fill in most.")

    replies = list(thread.posts.filter(is_opening=False))
    assert len(replies) == 1 and again.url == first.url == reply_url_of(thread, replies[0])
    assert Thread.objects.get(pk=thread.pk).reply_count == 1
    # Another text, or the same text later, is a new reply.
    post_reply(client, thread, "And the forms with the most complaints.")
    Post.objects.filter(thread=thread).update(created_at=timezone.now() - services.DOUBLE_SUBMIT_WINDOW)
    post_reply(client, thread, "Start with the forms people fill in most.")
    assert thread.posts.filter(is_opening=False).count() == 3


def test_the_same_words_after_someone_elses_reply_are_a_new_reply(client, thread, author, community):
    """ "Thanks!" to one answer, then "Thanks!" to the next: meant twice."""
    client.force_login(author)
    post_reply(client, thread, "Thanks!")
    PostFactory(thread=thread, author=member_of(community), body="Here is another example.")
    post_reply(client, thread, "Thanks!")

    assert thread.posts.filter(author=author, body="Thanks!").count() == 2


def test_the_same_discussion_started_twice_is_started_once(client, community, author):
    client.force_login(author)
    data = {"title": "Digital ID pilots", "body": "Who has run one?"}
    url = reverse("communities:thread_new", args=[community.slug])

    first, again = client.post(url, data), client.post(url, data)

    assert Thread.objects.filter(community=community, title="Digital ID pilots").count() == 1
    assert first.url == again.url
    client.post(url, {**data, "body": "Who has run one in 2026?"})  # another text: another discussion
    assert Thread.objects.filter(community=community, title="Digital ID pilots").count() == 2


def reply_url_of(thread, post):
    return thread.get_absolute_url() + f"?page=last#post-{post.pk}"


def test_it_does_not_notify_the_replier_of_their_own_reply(client, thread, author):
    client.force_login(author)
    post_reply(client, thread, "Adding a detail.")
    assert not Notification.objects.exists()


def test_it_prefills_a_quote_of_a_post_in_the_reply_form(client, community, thread, author):
    quoted = PostFactory(thread=thread, body="First point\n\nSecond point")
    elsewhere = PostFactory(thread=ThreadFactory(community=community), body="Another thread")
    client.force_login(author)

    response = client.get(thread.get_absolute_url(), {"quote": quoted.pk})

    form = response.context["reply_form"]
    assert form.initial == {"body": "> First point\n>\n> Second point\n\n", "quoted": quoted.pk}
    assert "&gt; First point" in response.content.decode()
    assert client.get(thread.get_absolute_url(), {"quote": elsewhere.pk}).context["reply_form"].initial == {}
    assert client.get(thread.get_absolute_url(), {"quote": "x"}).context["reply_form"].initial == {}

    post_reply(client, thread, "> First point\n\nAgreed.", quoted=quoted.pk)
    assert Post.objects.get(body__endswith="Agreed.").quoted == quoted


def test_it_notifies_a_mentioned_member(client, community, thread, author):
    mentioned = MemberFactory(handle="sokha-chan")
    client.force_login(author)

    post_reply(client, thread, "What do you think, @sokha-chan?")

    notification = Notification.objects.get(recipient=mentioned)
    assert notification.kind == Notification.Kind.MENTION
    assert notification.actor == author
    assert "Participatory budgeting" in notification.text
    assert reverse("members:detail", args=[mentioned.pk]) in Post.objects.get(body__contains="@sokha").body_html


def test_it_notifies_a_mentioned_follower_once(client, community, thread, author):
    follower = member_of(community)
    services.thread_toggle_follow(thread=thread, member=follower)
    client.force_login(member_of(community))
    post_reply(client, thread, f"@{follower.handle} this is for you")
    assert list(Notification.objects.filter(recipient=follower).values_list("kind", flat=True)) == ["mention"]


def test_it_notifies_mentions_in_a_new_thread(client, community, author):
    mentioned = MemberFactory()
    client.force_login(author)
    client.post(
        reverse("communities:thread_new", args=[community.slug]),
        {"title": "Question", "body": f"Ping @{mentioned.handle}"},
    )
    assert Notification.objects.get(recipient=mentioned).kind == Notification.Kind.MENTION


def test_it_does_not_notify_a_mention_outside_a_private_community(client):
    community = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    author = member_of(community)
    insider, outsider = member_of(community), MemberFactory()
    client.force_login(author)

    client.post(
        reverse("communities:thread_new", args=[community.slug]),
        {"title": "Internal", "body": f"@{insider.handle} and @{outsider.handle}, see this"},
    )
    post_reply(client, Thread.objects.get(), f"Again @{outsider.handle}")

    assert Notification.objects.filter(recipient=insider, kind=Notification.Kind.MENTION).count() == 1
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_it_marks_an_edited_post(client, thread, author):
    opening = thread.posts.get()
    client.force_login(author)
    url = reverse("communities:post_edit", args=[thread.community.slug, opening.pk])
    assert client.get(url).context["form"].initial == {"body": "Who has tried it?", "based_on": opening.text_version()}

    response = client.post(url, {"body": "Who has tried it in **2024**?"})

    assert response.status_code == 302
    assert response.url == f"{thread.get_absolute_url()}#post-{opening.pk}"
    opening.refresh_from_db()
    assert opening.edited_at is not None
    assert opening.body == "Who has tried it in **2024**?"
    assert "<strong>2024</strong>" in opening.body_html

    empty = client.post(url, {"body": "  "})
    assert empty.status_code == 200
    assert empty.context["form"].errors["body"] == ["Write something before posting."]
    assert Post.objects.get(pk=opening.pk).body == "Who has tried it in **2024**?"


def test_an_edit_saved_over_someone_elses_change_is_refused_and_keeps_both_texts(client, thread, author):
    """The author and a moderator edit at once: the second save would silently undo the first."""
    opening = thread.posts.get()
    moderator = member_of(thread.community, role=Membership.Role.MODERATOR)
    url = reverse("communities:post_edit", args=[thread.community.slug, opening.pk])
    client.force_login(author)
    started_from = client.get(url).context["form"]["based_on"].value()

    services.post_edit(post=opening, editor=moderator, body="Who has tried it? [phone number removed]")
    response = client.post(url, {"body": "Who has tried it in 2024? Call 0912345", "based_on": started_from})

    assert response.status_code == 409
    assert Post.objects.get(pk=opening.pk).body == "Who has tried it? [phone number removed]"
    page = response.content.decode()
    assert "This post was changed while you were editing it. Nothing was saved" in page
    assert "[phone number removed]" in page  # the post as it is now ...
    assert "Who has tried it in 2024? Call 0912345</textarea>" in page  # ... and the author's text, as typed

    # Saving again from that page is a choice made having seen the change: it goes through.
    again = client.post(
        url, {"body": "Who has tried it in 2024?", "based_on": response.context["form"]["based_on"].value()}
    )
    assert again.status_code == 302
    assert Post.objects.get(pk=opening.pk).body == "Who has tried it in 2024?"


def test_an_edit_sent_twice_is_saved_not_refused_as_someone_elses_change(client, thread, author):
    opening = thread.posts.get()
    url = reverse("communities:post_edit", args=[thread.community.slug, opening.pk])
    client.force_login(author)
    data = {"body": "Who has tried it in 2024?", "based_on": opening.text_version()}

    assert [client.post(url, data).status_code, client.post(url, data).status_code] == [302, 302]


def test_the_refused_edit_shows_the_posts_markdown_to_copy(client, thread, author):
    opening = thread.posts.get()
    url = reverse("communities:post_edit", args=[thread.community.slug, opening.pk])
    client.force_login(author)
    started_from = opening.text_version()
    services.post_edit(post=opening, editor=author, body="See the [guide](https://example.org/guide) **first**")

    page = client.post(url, {"body": "Mine", "based_on": started_from}).content.decode()

    assert "See the [guide](https://example.org/guide) **first**</textarea>" in page


def test_an_edit_from_an_unchanged_post_or_an_older_page_is_saved(client, thread, author):
    opening = thread.posts.get()
    url = reverse("communities:post_edit", args=[thread.community.slug, opening.pk])
    client.force_login(author)

    assert client.post(url, {"body": "First edit", "based_on": opening.text_version()}).status_code == 302
    assert client.post(url, {"body": "Second edit"}).status_code == 302  # a form served before based_on existed
    assert Post.objects.get(pk=opening.pk).body == "Second edit"


# --- Helpful, follow -----------------------------------------------------------------------------------------


def test_it_toggles_a_helpful_mark(client, community, thread):
    opening = thread.posts.get()
    reader = member_of(community)
    client.force_login(reader)
    url = reverse("communities:post_helpful", args=[community.slug, opening.pk])

    on = client.post(url)
    assert last_message(on) == "Marked as helpful."
    assert Post.objects.get(pk=opening.pk).helpful_count == 1
    assert (
        'aria-pressed="true">Helpful<span aria-hidden="true"> ✓</span></button>'
        in client.get(thread.get_absolute_url()).content.decode()
    )

    off = client.post(url)
    assert last_message(off) == "No longer marked as helpful."
    assert Post.objects.get(pk=opening.pk).helpful_count == 0
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'aria-pressed="false">Helpful</button>' in page and " ✓</span>" not in page
    assert Activity.objects.filter(member=reader, kind=Activity.Kind.REACTION).count() == 1


def test_a_double_click_on_helpful_or_follow_leaves_what_was_asked_for(client, community, thread):
    """The buttons say which they ask for: clicked twice before the page came back, a mark was turned over
    twice and the member read "No longer marked as helpful"."""
    opening = thread.posts.get()
    client.force_login(member_of(community))
    helpful = reverse("communities:post_helpful", args=[community.slug, opening.pk])
    follow = reverse("communities:follow", args=[community.slug, thread.pk])
    page = client.get(thread.get_absolute_url()).content.decode()
    assert '<input type="hidden" name="mark" value="1">' in page
    assert '<input type="hidden" name="follow" value="1">' in page

    for _click in range(2):
        marked = client.post(helpful, {"mark": "1"})
        client.post(follow, {"follow": "1"})

    assert last_message(marked) == "Marked as helpful."
    assert Post.objects.get(pk=opening.pk).helpful_count == 1
    assert thread.followers.filter(pk=marked.wsgi_request.user.pk).exists()
    for _click in range(2):
        client.post(helpful, {"mark": "0"})
    assert Post.objects.get(pk=opening.pk).helpful_count == 0


def test_it_does_not_let_a_member_mark_their_own_post_helpful(client, thread, author):
    opening = thread.posts.get()
    client.force_login(author)
    response = client.post(reverse("communities:post_helpful", args=[thread.community.slug, opening.pk]))
    assert last_message(response) == "You cannot mark your own post as helpful."
    assert Post.objects.get(pk=opening.pk).helpful_count == 0
    assert not Activity.objects.filter(kind=Activity.Kind.REACTION).exists()


def test_it_follows_and_unfollows_a_thread(client, community, thread):
    reader = member_of(community)
    client.force_login(reader)
    url = reverse("communities:follow", args=[community.slug, thread.pk])
    assert client.get(thread.get_absolute_url()).context["following"] is False

    client.post(url)
    assert reader in thread.followers.all()
    assert client.get(thread.get_absolute_url()).context["following"] is True

    client.post(url)
    assert reader not in thread.followers.all()
    assert client.get(thread.get_absolute_url()).context["following"] is False


# --- Moderation of threads -----------------------------------------------------------------------------------


@pytest.fixture
def moderator(community):
    return member_of(community, Membership.Role.MODERATOR)


def moderate(client, thread, action):
    return client.post(reverse("communities:moderate", args=[thread.community.slug, thread.pk]), {"action": action})


def test_it_refuses_replies_in_a_locked_thread(client, community, thread, moderator):
    client.force_login(moderator)
    moderate(client, thread, "lock")
    assert Thread.objects.get(pk=thread.pk).is_locked
    client.force_login(member_of(community))
    page = client.get(thread.get_absolute_url())
    assert page.context["reply_form"] is None
    assert page.context["can_reply"] is False

    response = post_reply(client, thread, "Too late?")

    assert last_message(response) == "This thread is locked and takes no more replies."
    assert thread.posts.count() == 1
    assert Thread.objects.get(pk=thread.pk).reply_count == 0


def test_it_puts_a_pinned_thread_first(client, community, thread, moderator):
    newer = ThreadFactory(community=community, last_activity_at=timezone.now() + timedelta(minutes=5))
    client.force_login(moderator)
    assert list(client.get(community.get_absolute_url()).context["page_obj"].object_list) == [newer, thread]

    moderate(client, thread, "pin")

    assert list(client.get(community.get_absolute_url()).context["page_obj"].object_list) == [thread, newer]
    assert ModerationAction.objects.get().action == ModerationAction.Action.PIN


def test_it_hides_a_thread_from_everyone_but_moderators(client, community, thread, moderator):
    client.force_login(moderator)
    response = moderate(client, thread, "hide")
    assert response.url == community.get_absolute_url()
    assert list(client.get(community.get_absolute_url()).context["page_obj"].object_list) == [thread]
    assert client.get(thread.get_absolute_url()).status_code == 200

    client.force_login(member_of(community))
    assert list(client.get(community.get_absolute_url()).context["page_obj"].object_list) == []
    assert client.get(thread.get_absolute_url()).status_code == 404


def test_it_reports_an_unknown_moderation_action(client, thread, moderator):
    client.force_login(moderator)
    response = moderate(client, thread, "explode")
    assert response.status_code == 200
    assert last_message(response) == "Unknown moderation action."


# --- Form errors --------------------------------------------------------------------------------------------


def test_it_keeps_a_whitespace_reply_in_the_form_with_a_clear_error(client, community, thread):
    client.force_login(member_of(community))

    response = post_reply(client, thread, "   \n   ")

    assert response.status_code == 400
    form = response.context["reply_form"]
    assert form.errors["body"] == ["Write something before posting."]
    assert form["body"].value() == "   \n   "
    assert "Write something before posting." in response.content.decode()
    assert last_message(response) == "Your reply was not posted. Please correct the errors below."
    assert thread.posts.count() == 1


def test_it_keeps_a_too_long_reply_in_the_form_with_a_clear_error(client, community, thread):
    client.force_login(member_of(community))
    typed = ("Draft paragraph. " * (MAX_POST_LENGTH // 17 + 1)).strip()
    assert len(typed) > MAX_POST_LENGTH

    response = post_reply(client, thread, typed)

    assert response.status_code == 400
    error = f"Posts can be at most {MAX_POST_LENGTH} characters; this one has {len(typed)}."
    assert response.context["reply_form"].errors["body"] == [error]
    content = response.content.decode()
    assert error in content
    assert typed in content
    assert thread.posts.count() == 1


def test_it_accepts_a_reply_of_exactly_the_maximum_length(client, community, thread):
    client.force_login(member_of(community))
    response = post_reply(client, thread, "x" * MAX_POST_LENGTH)
    assert response.status_code == 302
    assert thread.posts.count() == 2


# --- Reading -----------------------------------------------------------------------------------------------


def test_it_finds_threads_by_title_or_post_body(client, community, thread):
    by_body = ThreadFactory(community=community, title="Procurement rules")
    PostFactory(thread=by_body, body="We used a participatory approach for tenders.")
    hidden_match = ThreadFactory(community=community, title="Unrelated")
    PostFactory(thread=hidden_match, body="Participatory spam", is_hidden=True)
    ThreadFactory(community=community, title="Something else")
    client.force_login(member_of(community))

    response = client.get(community.get_absolute_url(), {"q": "participatory"})

    assert set(response.context["page_obj"].object_list) == {thread, by_body}
    assert response.context["search"] == "participatory"
    assert list(client.get(community.get_absolute_url(), {"q": "zzz"}).context["page_obj"].object_list) == []


def test_a_search_lists_its_first_pages_only_and_says_so(client, community, monkeypatch):
    # Counting every match checked every thread's posts; a search stops counting at SEARCH_PAGES pages.
    monkeypatch.setattr("communities.selectors.THREADS_PER_PAGE", 2)
    monkeypatch.setattr("communities.selectors.SEARCH_PAGES", 2)
    for number in range(5):
        ThreadFactory(community=community, title=f"Flood shelters {number}")
    client.force_login(member_of(community))

    first = client.get(community.get_absolute_url(), {"q": "flood"})
    last = client.get(community.get_absolute_url(), {"q": "flood", "page": 2})
    browsing = client.get(community.get_absolute_url(), {"page": 3})

    assert first.context["page_obj"].paginator.num_pages == 2
    assert "Only the first pages are listed" not in first.content.decode()
    assert len(last.context["page_obj"].object_list) == 2
    assert "Only the first pages are listed. Narrow the search" in last.content.decode()
    assert len(browsing.context["page_obj"].object_list) == 1  # browsing reaches all 5 threads
    assert "Only the first pages are listed" not in browsing.content.decode()


def test_it_pages_posts_and_jumps_to_the_last_page(client, community, thread):
    PostFactory.create_batch(44, thread=thread)  # 45 posts with the opening one: pages of 20, 20 and 5
    client.force_login(member_of(community))

    first = client.get(thread.get_absolute_url())
    last = client.get(thread.get_absolute_url(), {"page": "last"})

    assert first.context["page_obj"].number == 1
    assert first.context["page_obj"].object_list[0].is_opening
    assert len(first.context["page_obj"].object_list) == 20
    assert last.context["page_obj"].number == 3
    assert len(last.context["page_obj"].object_list) == 5
    assert last.context["page_obj"].object_list[4] == thread.posts.order_by("created_at", "pk").last()
    assert client.get(thread.get_absolute_url(), {"page": "junk"}).context["page_obj"].number == 1


def test_it_answers_404_for_unknown_communities_and_threads(client, community, thread):
    client.force_login(member_of(community))
    assert client.get(reverse("communities:detail", args=["no-such-community"])).status_code == 404
    assert client.get(reverse("communities:thread", args=["no-such-community", thread.pk])).status_code == 404
    assert client.get(reverse("communities:thread", args=[community.slug, thread.pk + 1000])).status_code == 404
    other = ThreadFactory()
    assert client.get(reverse("communities:thread", args=[community.slug, other.pk])).status_code == 404


# --- Notifications -----------------------------------------------------------------------------------------


def test_it_lists_notifications_and_marks_them_all_read(client, community, thread, author):
    for _ in range(2):
        client.force_login(member_of(community))
        post_reply(client, thread, "A reply")
    client.force_login(author)

    response = client.get(reverse("notifications"))

    notifications = list(response.context["page_obj"].object_list)
    assert len(notifications) == 2
    assert notifications == list(Notification.objects.filter(recipient=author).order_by("-created_at"))
    assert response.context["unread_notifications"] == 2

    marked = client.post(reverse("notifications"))
    assert marked.status_code == 302
    assert marked.url == reverse("notifications")
    assert last_message(marked) == "All notifications are marked as read."
    assert not Notification.objects.filter(recipient=author, read_at__isnull=True).exists()
    assert client.get(reverse("notifications")).context["unread_notifications"] == 0


def test_it_opens_a_notification_and_marks_it_read(client, community, thread, author):
    client.force_login(member_of(community))
    post_reply(client, thread, "First")
    post_reply(client, thread, "Second")
    first, second = Notification.objects.filter(recipient=author).order_by("pk")
    client.force_login(author)

    response = client.get(reverse("notification_open", args=[first.pk]))

    assert response.status_code == 302
    assert response.url == first.url
    assert first.url.startswith(thread.get_absolute_url())
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None
    assert client.get(response.url).status_code == 200


def test_a_notification_leads_to_the_page_its_post_stays_on(client, community, thread, author):
    """Posts hidden are never deleted, and replies come after: a post's page never changes. "?page=last" led to
    another page once the thread grew past it, and a link without a page to page 1."""
    from communities.selectors import POSTS_PER_PAGE

    for n in range(POSTS_PER_PAGE):  # the opening post and these fill page 1 and start page 2
        PostFactory(thread=thread, body=f"Earlier reply {n}")
    follower = member_of(community)
    services.thread_toggle_follow(thread=thread, member=follower)
    reply = services.post_reply(thread=thread, author=member_of(community), body="Late news", shown_in=community)
    for n in range(POSTS_PER_PAGE):  # the thread grows on: page 3
        PostFactory(thread=thread, body=f"Later reply {n}")

    url = Notification.objects.get(recipient=follower, kind=Notification.Kind.REPLY).url
    assert url == f"{thread.get_absolute_url()}?page=2#post-{reply.pk}"
    client.force_login(follower)
    assert f'id="post-{reply.pk}"' in client.get(url).content.decode()
