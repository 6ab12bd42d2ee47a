"""The actions under a thread's posts (quote, helpful, edit, report, hide) are cached cards
(communities/post_cards.py): each viewer sees what the page wrote before they were cached, their forms carry the
page's CSRF field, and a change of what the viewer may do shows at once."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.safestring import mark_safe

from communities import services
from communities.models import Membership, Post, Reaction

from .factories import CommunityFactory, PostFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db

# The thread page's loop as it was written before the actions were cards (with the quote link made absolute
# since, see the last test, and Edit shown as communities.access.can_edit_post decides: the page showed it on a
# member's own posts after they had left the community too, where editing answers 404): the reference they
# must equal. Since the accessibility audit each action is also named by its post's heading (aria-labelledby), and
# "Helpful" keeps its name when pressed (the tick is aria-hidden).
WRITTEN_IN_THE_PAGE = """{% load i18n %}{% for post in page_obj.object_list %}
    <li id="post-{{ post.pk }}" class="card stack post{% if post.is_hidden %} post-hidden{% endif %}">
      {{ post.card }}
      {% if post.is_readable and user.is_authenticated %}
      <div class="cluster post-actions">
        {% if can_reply %}<a id="post-{{ post.pk }}-quote" aria-labelledby="post-{{ post.pk }}-quote post-{{ post.pk }}-heading" class="btn btn-link btn-small" href="{{ post.urls.quote }}">{% translate "Quote" %}</a>{% endif %}
        {% if access.can_post and post.author_id != user.pk %}
          <form method="post" action="{{ post.urls.helpful }}">{% csrf_token %}<input type="hidden" name="mark" value="{% if post.pk in helpful %}0{% else %}1{% endif %}">
            <button id="post-{{ post.pk }}-helpful" aria-labelledby="post-{{ post.pk }}-helpful post-{{ post.pk }}-heading" class="btn btn-link btn-small" type="submit" aria-pressed="{% if post.pk in helpful %}true{% else %}false{% endif %}">{% translate "Helpful" %}{% if post.pk in helpful %}<span aria-hidden="true"> ✓</span>{% endif %}</button>
          </form>
        {% endif %}
        {% if post.author_id == user.pk and access.can_post or home.can_moderate %}<a id="post-{{ post.pk }}-edit" aria-labelledby="post-{{ post.pk }}-edit post-{{ post.pk }}-heading" class="btn btn-link btn-small" href="{{ post.urls.edit }}">{% translate "Edit" %}</a>{% endif %}
        {% if post.author_id != user.pk and access.can_read %}<a id="post-{{ post.pk }}-report" aria-labelledby="post-{{ post.pk }}-report post-{{ post.pk }}-heading" class="btn btn-link btn-small" href="{{ post.urls.report }}">{% translate "Report" context "report a post to the moderators" %}</a>{% endif %}
        {% if home.can_moderate %}
          <form method="post" action="{{ post.urls.hide }}">{% csrf_token %}
            <input type="hidden" name="hidden" value="{% if post.is_hidden %}0{% else %}1{% endif %}">
            <button id="post-{{ post.pk }}-hide" aria-labelledby="post-{{ post.pk }}-hide post-{{ post.pk }}-heading" class="btn btn-link btn-small" type="submit">{% if post.is_hidden %}{% translate "Show" %}{% else %}{% translate "Hide" %}{% endif %}</button>
          </form>
        {% endif %}
      </div>
      {% endif %}
    </li>
  {% endfor %}"""  # noqa: E501


def _collapsed(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def _posts_section(html: str) -> str:
    return _collapsed(html.split('<ol class="stack posts" role="list">', 1)[1].split("</ol>", 1)[0])


@pytest.fixture
def thread_setup():
    home = CommunityFactory()
    thread = ThreadFactory(community=home)
    people = {
        "author": thread.author,
        "reader": member_of(home),
        "moderator": member_of(home, role=Membership.Role.MODERATOR),
        "outsider": member_of(CommunityFactory()),  # reads an open community, may not post in it
    }
    reply = PostFactory(thread=thread, author=people["reader"])
    PostFactory(thread=thread, author=people["moderator"], is_hidden=True, hidden_reason="Off topic")
    return home, thread, people, reply


@pytest.mark.parametrize("viewer", ["author", "reader", "moderator", "outsider", "coordinator"])
@pytest.mark.parametrize("locked", [False, True])
def test_each_viewer_sees_the_actions_the_page_wrote_before(client, coordinator, thread_setup, viewer, locked):
    home, thread, people, reply = thread_setup
    people["coordinator"] = coordinator
    if viewer == "reader":  # one of its buttons pressed
        services.post_toggle_helpful(post=thread.posts.get(is_opening=True), member=people["reader"], community=home)
    if locked:
        thread.is_locked = True
        thread.save()
    client.force_login(people[viewer])

    for _round in ("drawn", "from the cache"):
        response = client.get(thread.get_absolute_url())

        assert response.status_code == 200
        names = ("page_obj", "user", "can_reply", "access", "home", "csrf_token")
        page_context = {name: response.context[name] for name in names}
        page_context["helpful"] = set(Reaction.objects.filter(member=people[viewer]).values_list("post_id", flat=True))
        expected = Template(WRITTEN_IN_THE_PAGE).render(Context(page_context))
        assert _posts_section(response.content.decode()) == _collapsed(expected)
    assert "<!--csrf-->" not in response.content.decode()


def test_the_forms_carry_the_pages_csrf_token_and_the_cache_never_does(thread_setup, monkeypatch):
    from django.test import Client

    from cop_platform import cards

    home, thread, people, reply = thread_setup
    stored = {}
    set_many = cards.cache.set_many
    monkeypatch.setattr(cards.cache, "set_many", lambda data, **kw: (stored.update(data), set_many(data, **kw))[1])
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["moderator"])

    page = client.get(thread.get_absolute_url()).content.decode()
    helpful_url = reverse("communities:post_helpful", args=[home.slug, reply.pk])
    form = page.split(f'action="{helpful_url}"', 1)[1].split("</form>", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    post_forms = page.split('<ol class="stack posts" role="list">', 1)[1].split("</ol>", 1)[0]

    # Three posts, each with a hide form; helpful forms on the two the moderator did not write.
    assert post_forms.count('name="csrfmiddlewaretoken"') == 5
    assert client.post(helpful_url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert Post.objects.get(pk=reply.pk).helpful_count == 1
    actions = [html for key, html in stored.items() if "post-actions-card:" in key]
    assert len(actions) == 3 and all("<!--csrf-->" in html and "csrfmiddlewaretoken" not in html for html in actions)


def test_viewers_with_other_actions_never_share_a_card(client, thread_setup):
    home, thread, people, reply = thread_setup
    hide_url = reverse("communities:post_hide", args=[home.slug, reply.pk])
    client.force_login(people["moderator"])
    assert hide_url in client.get(thread.get_absolute_url()).content.decode()

    client.force_login(people["reader"])
    page = client.get(thread.get_absolute_url()).content.decode()

    assert hide_url not in page and 'name="hidden"' not in page


def test_a_linked_thread_shows_the_actions_of_the_community_whose_page_it_is(client, coordinator, thread_setup):
    home, thread, people, reply = thread_setup
    elsewhere = CommunityFactory()
    services.thread_link(thread=thread, actor=coordinator, communities=[elsewhere])
    client.force_login(member_of(elsewhere, role=Membership.Role.LEADER))

    page = client.get(thread.url_in(elsewhere)).content.decode()

    # Posting (helpful) is this community's to allow; moderating (hide) the thread's own community's.
    assert reverse("communities:post_helpful", args=[elsewhere.slug, reply.pk]) in page
    assert home.slug not in page.split('<ol class="stack posts" role="list">', 1)[1].split("</ol>", 1)[0]
    assert 'name="hidden"' not in page


def test_what_the_viewer_may_do_shows_at_once(client, thread_setup):
    home, thread, people, reply = thread_setup
    client.force_login(people["reader"])
    opening = thread.posts.get(is_opening=True)
    helpful_url = reverse("communities:post_helpful", args=[home.slug, opening.pk])
    hide_url = reverse("communities:post_hide", args=[home.slug, opening.pk])

    before = client.get(thread.get_absolute_url()).content.decode()
    assert 'aria-pressed="false">Helpful</button>' in before and hide_url not in before
    client.post(helpful_url)
    Membership.objects.filter(member=people["reader"], community=home).update(role=Membership.Role.MODERATOR)
    after = client.get(thread.get_absolute_url()).content.decode()

    assert 'aria-pressed="true">Helpful<span aria-hidden="true"> ✓</span></button>' in after and hide_url in after


@pytest.mark.parametrize(
    ("token", "field"),
    [("abc", '<input type="hidden" name="csrfmiddlewaretoken" value="abc">'), (None, "")],
)
def test_csrf_filled_writes_what_csrf_token_writes_in_every_slot(token, field):
    card = mark_safe("<form><!--csrf--></form><form><!--csrf--></form>")
    context = Context({"card": card} | ({"csrf_token": token} if token else {}))

    html = Template("{% load slots %}{% csrf_filled card %}").render(context)

    assert html == f"<form>{field}</form><form>{field}</form>"
    assert Template("{% load slots %}{% csrf_filled '' %}").render(context) == ""


def test_a_reply_with_errors_keeps_links_that_open_the_thread(client, thread_setup):
    # The page is then answered at the reply form's URL, which takes POST only: a relative "?quote=…" or
    # "?page=2" opened that URL (405).
    home, thread, people, reply = thread_setup
    for number in range(25):  # two pages
        PostFactory(thread=thread, author=people["reader"], body=f"Reply {number}")
    client.force_login(people["reader"])
    reply_url = reverse("communities:reply", args=[home.slug, thread.pk])

    response = client.post(reply_url, {"body": "  "})

    page = response.content.decode()
    thread_url = thread.url_in(home)
    assert response.status_code == 400
    assert f'href="{thread_url}?quote={reply.pk}#reply"' in page
    assert f'href="{thread_url}?page=2" rel="next"' in page
    assert 'href="?' not in page
    assert client.get(f"{thread_url}?quote={reply.pk}").status_code == 200


def test_edit_shows_only_where_editing_opens(client, thread_setup):
    # A member who left an open community still reads it, but may no longer edit their posts there (404): the
    # page showed them Edit all the same. The moderators of the thread's community edit any post.
    home, thread, people, reply = thread_setup
    edit_url = reverse("communities:post_edit", args=[home.slug, reply.pk])
    client.force_login(people["reader"])
    assert edit_url in client.get(thread.get_absolute_url()).content.decode()
    assert client.get(edit_url).status_code == 200

    services.community_leave(member=people["reader"], community=home)

    assert edit_url not in client.get(thread.get_absolute_url()).content.decode()
    assert client.get(edit_url).status_code == 404
    client.force_login(people["moderator"])
    assert edit_url in client.get(thread.get_absolute_url()).content.decode()
