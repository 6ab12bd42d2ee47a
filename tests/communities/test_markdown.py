from html.parser import HTMLParser

import pytest
from django.urls import reverse, set_script_prefix
from markdown_it import MarkdownIt

from communities import markdown
from communities.models import Post

from .factories import CommunityFactory, ThreadFactory, member_of

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    """Every start tag of a fragment with its attributes: what a browser would build, not what the text says."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    return _Elements(html).elements


def tags(html):
    return [tag for tag, _attrs in elements(html)]


def attribute_names(html):
    return {name for _tag, attrs in elements(html) for name in attrs}


def hrefs(html):
    return [attrs.get("href") for tag, attrs in elements(html) if tag == "a"]


@pytest.fixture
def html_enabled_renderer(monkeypatch):
    """Let raw HTML through Markdown so that what nh3, the second layer, removes can be seen."""
    monkeypatch.setattr(markdown, "_renderer", MarkdownIt("commonmark", {"html": True}))


def test_it_never_produces_a_script_element():
    html = markdown.render("Hello <script>alert(1)</script> world")
    assert "script" not in tags(html)
    assert "<script" not in html
    assert "Hello" in html


def test_it_never_produces_event_handler_attributes():
    html = markdown.render('<img src=x onerror=alert(1)> and <a onclick="steal()" href="https://undp.org">x</a>')
    assert "img" not in tags(html)
    assert not {name for name in attribute_names(html) if name.startswith("on")}


@pytest.mark.parametrize(
    "text", ["[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))", "<javascript:alert(1)>"]
)
def test_it_never_links_to_javascript_from_markdown(text):
    html = markdown.render(text)
    assert not [href for href in hrefs(html) if href and "javascript" in href.lower()]


def test_it_never_links_to_javascript_from_raw_html():
    html = markdown.render('<a href="javascript:alert(1)">click</a>')
    assert hrefs(html) == []


def test_it_sanitizes_raw_html_even_if_markdown_let_it_through(html_enabled_renderer):
    html = markdown.render(
        "<script>alert(1)</script><img src=x onerror=alert(1)>"
        '<p><a onclick="steal()" href="javascript:alert(1)">one</a> <a href="https://undp.org">two</a></p>'
    )
    assert "script" not in tags(html)
    assert "img" not in tags(html)
    assert not {name for name in attribute_names(html) if name.startswith("on")}
    assert hrefs(html) == [None, "https://undp.org"]


def test_it_keeps_bold_lists_and_safe_links():
    html = markdown.render("**Budget** notes\n\n- one\n- two\n\n1. first\n\n[UNDP](https://www.undp.org)")
    assert "<strong>Budget</strong>" in html
    assert tags(html).count("li") == 3
    assert {"ul", "ol"} <= set(tags(html))
    [link] = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert link["href"] == "https://www.undp.org"
    assert link["rel"] == "nofollow noopener noreferrer"


def test_it_links_mentions_of_known_handles_only():
    html = markdown.render("Thanks @sokha-chan and @nobody-here", {"sokha-chan": 7})
    assert hrefs(html) == [reverse("members:detail", args=[7])]
    assert ">@sokha-chan</a>" in html
    assert "@nobody-here" in html


def test_it_does_not_take_an_email_address_for_a_mention():
    text = "Write to sokha-chan@ministry.example.org"
    assert markdown.mentioned_handles(text) == set()
    assert hrefs(markdown.render(text, {"sokha-chan": 7, "ministry": 8})) == []


def test_it_finds_mentioned_handles_case_insensitively():
    assert markdown.mentioned_handles("@Sokha-Chan, @dana and (@minh)") == {"sokha-chan", "dana", "minh"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thanks @Sokha-Chan.", "Thanks Former member."),
        ("(@sokha-chan) and `@sokha-chan`", "(Former member) and `Former member`"),  # in code too: it is text
        ("@sokha-chan-2 and @sokha", "@sokha-chan-2 and @sokha"),  # other handles, longer or shorter
        ("Write to desk@sokha-chan.org", "Write to desk@sokha-chan.org"),  # an address, no mention
        # Escaped, it renders (and is linked) as the mention all the same.
        (r"Over to @sokha\-chan and \@Sokha-chan", "Over to Former member and Former member"),
        (r"@sokha\-chan\-2", r"@sokha\-chan\-2"),
        # In a link's address a space would end the link: the address keeps one word.
        ("[p](https://a.org/?u=@sokha-chan) @sokha-chan", "[p](https://a.org/?u=former-member) Former member"),
        ("See <https://example.org/@sokha-chan/x?by=@sokha-chan>.", "See <https://example.org/@sokha-chan/x?by=former-member>."),
        ("[ask @sokha-chan](/search?q=@sokha-chan)", "[ask Former member](/search?q=former-member)"),
        ("[x](https://example.org) and @sokha-chan", "[x](https://example.org) and Former member"),
    ],
)  # fmt: skip
def test_mention_replaced_rewrites_that_handle_only(text, expected):
    assert markdown.mention_replaced(text, "sokha-chan", "Former member", in_address="former-member") == expected


def test_it_quotes_every_line_of_a_post():
    assert markdown.quote("First line\n\nSecond line\n") == "> First line\n>\n> Second line\n\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Type `@sokha-chan` to mention", "<code>@sokha-chan</code>"),
        ("[ask @sokha-chan](https://www.undp.org)", '<a href="https://www.undp.org"'),
    ],
)
def test_it_leaves_mentions_inside_code_and_link_text_alone(text, expected):
    assert expected in markdown.render(text, {"sokha-chan": 7})


def test_it_stores_and_shows_a_posted_reply_without_scripts(client):
    community = CommunityFactory()
    thread = ThreadFactory(community=community)
    author = member_of(community)
    client.force_login(author)

    response = client.post(
        reverse("communities:reply", args=[community.slug, thread.pk]),
        {"body": "Look <script>alert('x')</script> **here** <img src=x onerror=alert(1)>"},
    )

    assert response.status_code == 302
    post = Post.objects.get(thread=thread, author=author)
    assert "<script" not in post.body_html
    assert "script" not in tags(post.body_html)
    assert "<strong>here</strong>" in post.body_html
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x onerror" not in page


def test_linked_mentions_reads_back_the_mentions_a_rendering_linked():
    html = markdown.render(
        "Hi @sokha-chan and @dana, see [@minh](https://example.org/@minh) and `@dana`", {"sokha-chan": 7, "dana": 8}
    )

    assert markdown.linked_mentions(html) == {("sokha-chan", 7), ("dana", 8)}


def test_linked_mentions_reads_links_under_a_script_prefix():
    set_script_prefix("/cop/")
    try:
        html = markdown.render("Hi @dana", {"dana": 8})
        assert 'href="/cop/members/8/"' in html
        assert markdown.linked_mentions(html) == {("dana", 8)}
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "![Budget chart 2025](https://example.org/c.png)",
            '<p><a href="https://example.org/c.png" rel="nofollow noopener noreferrer">Budget chart 2025</a></p>\n',
        ),
        (
            "![](https://example.org/c.png)",
            '<p><a href="https://example.org/c.png" rel="nofollow noopener noreferrer">https://example.org/c.png</a>'
            "</p>\n",
        ),
        (
            "[![Chart](https://example.org/c.png)](https://example.org/report)",
            '<p><a href="https://example.org/report" rel="nofollow noopener noreferrer">Chart</a></p>\n',
        ),
    ],
)
def test_an_image_is_a_link_named_by_its_description(text, html):
    """Images are not shown; the sanitizer dropped them whole, leaving a post that was only an image empty."""
    assert markdown.render(text) == html
