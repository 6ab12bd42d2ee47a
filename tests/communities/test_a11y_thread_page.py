"""What a screen reader makes of a discussion (the accessibility audit): each post is a heading to jump to, the
actions under the posts are named apart in the list of links and buttons, "Helpful" keeps its name while its
pressed state changes, an edit's time is written out rather than hidden in a hover title, and every
aria-labelledby names something on the page, a locked thread's too. The moderation queue's buttons likewise."""

from datetime import timedelta

import pytest
from django.urls import reverse

from communities import services
from communities.models import Membership, Report
from tests.platform.a11y_html import accessible_name, missing_references, parse

from .factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory()


@pytest.fixture
def discussion(community):
    """An opening post by Ana, a reply by Ben quoting it, and a second post by Ana an hour later."""
    ana = member_of(community, member__full_name="Ana Lim")
    ben = member_of(community, member__full_name="Ben Tan")
    thread = ThreadFactory(community=community, author=ana)
    opening = thread.posts.get()
    start = opening.created_at
    reply = PostFactory(thread=thread, author=ben, quoted=opening, created_at=start + timedelta(hours=1))
    later = PostFactory(thread=thread, author=ana, created_at=start + timedelta(hours=2))
    return thread, [opening, reply, later]


def _posts(html: str):
    root = parse(html)
    (posts,) = root.find_all("ol", **{"class": "stack posts"})
    return root, posts


def test_each_post_has_a_heading_naming_its_author_and_time(client, community, discussion):
    thread, posts = discussion
    client.force_login(member_of(community))

    root, section = _posts(client.get(thread.get_absolute_url()).content.decode())

    # h1 is the discussion's title and h2 "Reply" its form: a post is a section of the page, at level 2.
    headings = [node.text() for node in section.find_all("h2")]
    assert len(headings) == len(posts)
    assert headings[0].startswith("Post by Ana Lim, ") and headings[1].startswith("Post by Ben Tan, ")
    assert len(set(headings)) == 3  # Ana's two posts apart by their time
    assert [h.attrs["id"] for h in section.find_all("h2")] == [f"post-{post.pk}-heading" for post in posts]


def test_the_actions_under_the_posts_are_named_apart(client, community, discussion):
    thread, posts = discussion
    client.force_login(member_of(community, role=Membership.Role.MODERATOR))  # quote, helpful, edit, report, hide

    root, section = _posts(client.get(thread.get_absolute_url()).content.decode())

    controls = [node for actions in section.find_all("div", **{"class": "cluster post-actions"})
                for node in actions.iter() if node.tag in ("a", "button")]  # fmt: skip
    names = [accessible_name(node, root) for node in controls]
    assert len(controls) == 5 * len(posts)
    assert len(set(names)) == len(names), names
    # Each name starts with the words on the control, as a voice-control user says them.
    assert all(name.startswith(node.text()) for name, node in zip(names, controls, strict=True))
    assert any(name.startswith("Quote Post by Ben Tan, ") for name in names)
    assert missing_references(root) == []


def test_the_link_to_a_quoted_post_says_whose_it_is(client, community, discussion):
    thread, posts = discussion
    client.force_login(member_of(community))

    root, section = _posts(client.get(thread.get_absolute_url()).content.decode())

    (link,) = section.find_all("a", href=f"#post-{posts[0].pk}")
    assert accessible_name(link, root) == "see the post by Ana Lim"


def test_helpful_keeps_its_name_and_says_its_state_with_aria_pressed(client, community, discussion):
    thread, posts = discussion
    reader = member_of(community)
    client.force_login(reader)

    def helpful_button():
        root, section = _posts(client.get(thread.get_absolute_url()).content.decode())
        (button,) = section.find_all("button", id=f"post-{posts[1].pk}-helpful")
        return accessible_name(button, root), button.attrs["aria-pressed"]

    name, pressed = helpful_button()
    assert pressed == "false" and name.startswith("Helpful Post by Ben Tan, ")
    services.post_toggle_helpful(post=posts[1], member=reader, community=community)
    assert helpful_button() == (name, "true")


def test_when_a_post_was_edited_is_written_out_not_hidden_in_a_title(client, community, discussion):
    thread, posts = discussion
    services.post_edit(post=posts[1], editor=posts[1].author, body="Which projects won?")
    client.force_login(member_of(community))

    html = client.get(thread.get_absolute_url()).content.decode()
    root, section = _posts(html)

    (badge,) = [node for node in section.find_all("span") if node.has_class("badge") and "edited" in node.text()]
    (time,) = badge.find_all("time")
    assert time.text() and time.text() in badge.text() and "datetime" in time.attrs
    assert section.find_all(title=True) == []


@pytest.mark.parametrize("locked", [False, True])
@pytest.mark.parametrize("viewer", ["member", "moderator", "outsider"])
def test_every_aria_reference_on_the_thread_page_names_an_element_on_it(client, community, discussion, locked, viewer):
    thread, posts = discussion
    thread.is_locked = locked
    thread.save()
    user = {
        "member": lambda: member_of(community),
        "moderator": lambda: member_of(community, role=Membership.Role.MODERATOR),
        "outsider": lambda: member_of(CommunityFactory()),
    }[viewer]()
    client.force_login(user)

    root = parse(client.get(thread.get_absolute_url()).content.decode())

    assert missing_references(root) == []


def test_the_moderation_queues_buttons_are_named_apart(client, community, discussion):
    thread, posts = discussion
    for post in posts[1:]:
        services.post_report(post=post, reporter=member_of(community), reason=Report.Reason.SPAM)
    client.force_login(member_of(community, role=Membership.Role.MODERATOR))

    root = parse(client.get(reverse("communities:moderation", args=[community.slug])).content.decode())

    names = [accessible_name(button, root) for button in root.find_all("button", name="decision")]
    assert len(names) == 4 and len(set(names)) == 4, names
    assert any(name.startswith("Uphold: hide the post Post by Ben Tan, ") for name in names)
    assert missing_references(root) == []
