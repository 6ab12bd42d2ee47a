"""Member Markdown to safe HTML: markdown-it renders (raw HTML escaped), nh3 sanitizes whatever is left,
and @handles become links to profiles."""

import re
from html import unescape

import nh3
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

_renderer = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])


def _image_as_link(renderer, tokens, idx, options, env) -> str:
    """`![Budget chart](https://…)` as a link named by its description: images are not shown (a remote image
    costs a slow connection and tells its host who reads), and the sanitizer dropped the tag whole, description
    and address too, leaving a post that was only an image empty."""
    token = tokens[idx]
    source = escapeHtml(token.attrGet("src") or "")
    words = escapeHtml(renderer.renderInlineAsText(token.children or [], options, env)) or source
    opened = sum(1 if t.type == "link_open" else -1 if t.type == "link_close" else 0 for t in tokens[:idx])
    if opened > 0:  # an image inside a link: its description names that link
        return words
    return f'<a href="{source}">{words}</a>'


_renderer.add_render_rule("image", _image_as_link)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# @handle: start of text or after a space/punctuation (so emails like a@b.org are not mentions).
MENTION = re.compile(r"(?<![\w@/])@([a-z0-9][a-z0-9-]{0,59})\b", re.IGNORECASE)


def mentioned_handles(text: str) -> set[str]:
    return {match.lower() for match in MENTION.findall(text)}


# @handle as an author may write it in Markdown: a backslash may escape the "@" or a hyphen (`@hnin\-wai`), which
# renders, and is linked, as the mention all the same.
_MENTION_WRITTEN = re.compile(r"(?<![\w@/])\\?@([a-z0-9](?:\\?[a-z0-9-]){0,59})\b", re.IGNORECASE)


def written_handles(text: str) -> set[str]:
    """Every handle `text` mentions, as mention_replaced would find it (escaped ones too), in lower case."""
    return {match.replace("\\", "").lower() for match in _MENTION_WRITTEN.findall(text)}


def mention_replaced(text: str, handle: str, replacement: str, *, in_address: str) -> str:
    """`text` with each @mention of `handle`, in any case, escaped or not, written as `replacement`, or as
    `in_address` (no spaces) inside an address, where a space would break the link. Other mentions stay, those
    of longer handles too (@hnin-wai-2 is not @hnin-wai), and so do email addresses (a@hnin-wai.org)."""
    handle = handle.lower()

    def replaced(match: re.Match) -> str:
        if match.group(1).replace("\\", "").lower() != handle:
            return match.group(0)
        return in_address if _in_address(text, match.start()) else replacement

    return _MENTION_WRITTEN.sub(replaced, text)


def _in_address(text: str, position: int) -> bool:
    """Is `position` inside an address: a link's destination (`[x](…?u=@handle)`), an autolink (`<https://…>`) or a
    bare URL? Told by the run of text without spaces that leads up to it."""
    run = re.split(r"\s", text[max(0, position - 2_000) : position])[-1]
    return _ADDRESS_SO_FAR.search(run) is not None


# What the run of text up to a mention holds when the mention is inside an address.
_ADDRESS_SO_FAR = re.compile(r"\]\([^)]*$|://[^)]*$|^<?(?:www\.|mailto:)|^<[a-z][a-z0-9+.-]{1,31}:", re.IGNORECASE)


# Rendered HTML split into pieces where mentions must not be linked (code, preformatted text, existing
# links, and the tags themselves) and text where they may.
_NO_MENTIONS = re.compile(r"(<(code|pre|a)\b[^>]*>.*?</\2>|<[^>]+>)", re.DOTALL | re.IGNORECASE)


def _link_mentions(html: str, members_by_handle: dict) -> str:
    def link(match: re.Match) -> str:
        handle = match.group(1).lower()
        if handle not in members_by_handle:
            return match.group(0)
        return f'<a href="{reverse("members:detail", args=[members_by_handle[handle]])}">@{handle}</a>'

    pieces = _NO_MENTIONS.split(html)
    out = []
    index = 0
    while index < len(pieces):
        text = pieces[index]
        out.append(MENTION.sub(link, text))
        if index + 1 < len(pieces):
            out.append(pieces[index + 1])  # the protected piece, as it is
        index += 3  # split() also returns the inner group (the tag name)
    return "".join(out)


# A mention as _link_mentions writes it, once sanitized (nh3 adds rel="…").
_MENTION_LINK = re.compile(r'<a href="([^"]+)"[^>]*>@([a-z0-9][a-z0-9-]{0,59})</a>')


def linked_mentions(html: str) -> set[tuple[str, int]]:
    """The (handle, member id) of each mention link in rendered `html`. A link an author wrote to a profile with
    "@…" as its text looks the same: callers check the handle against the member's."""
    linked = set()
    for href, handle in _MENTION_LINK.findall(html):
        try:  # reverse() wrote the script prefix, which resolve() does not take
            match = resolve("/" + href.removeprefix(get_script_prefix()))
        except Resolver404:
            continue
        if match.view_name == "members:detail":
            linked.add((handle, match.kwargs["pk"]))
    return linked


def render(text: str, members_by_handle: dict | None = None) -> str:
    """Render Markdown and sanitize it. `members_by_handle` maps handles to member ids for mention links."""
    html = _renderer.render(text)
    if members_by_handle:
        html = _link_mentions(html, members_by_handle)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def quote(text: str) -> str:
    """The Markdown that quotes `text` in a reply."""
    return "\n".join(f"> {line}" if line else ">" for line in text.strip().splitlines()) + "\n\n"


def _plain_words(text: str) -> str:
    """`text` (Markdown or rendered HTML) as its words alone: tags out, entities read, whitespace made single
    spaces, so a quote can be compared with the post it quotes however its lines were wrapped or rendered."""
    return " ".join(unescape(_TAG.sub(" ", text)).split())


_TAG = re.compile(r"<[^>]*>")


_WORD = re.compile(r"\w+")


def _quotes(quote_words: str, quoted_words: str) -> bool:
    """Whether a quote whose words are `quote_words` is of the post whose words are `quoted_words`: all of it, as
    `quote` inserts it, or a part the author kept, or what it said before its author edited it (a typo mended
    after it was quoted): at least half of the quote's distinct words are the post's. A quote of anything else
    (another post, an outside text) shares few of them; an empty one is of nothing. When in doubt it is the post's:
    words a moderator hid must not stay readable in the replies that quoted them."""
    if not quote_words:
        return False
    if quote_words in quoted_words:
        return True
    quote = set(_WORD.findall(quote_words.casefold()))
    return 2 * len(quote & set(_WORD.findall(quoted_words.casefold()))) >= len(quote)


def leading_quote_dropped(text: str, quoted: str) -> str:
    """Markdown `text` without the quote it opens with (`quote`'s lines, and the blank lines after them) when that
    quote is of `quoted`, the Markdown of the post the reply quoted (a post hidden since); `text` as it is when it
    opens with anything else, a quote the author wrote in its place included. Nothing in a reply's text says
    where its quote came from: its words are compared with the quoted post's."""
    lines = text.splitlines()
    start = 0
    while start < len(lines) and lines[start].lstrip().startswith(">"):
        start += 1
    if start == 0:
        return text
    # One level of quoting off, as `quote` added it: a quote the hidden post itself opened with stays "> ".
    inside = [re.sub(r"^\s*> ?", "", line, count=1) for line in lines[:start]]
    if not _quotes(_plain_words("\n".join(inside)), _plain_words(quoted)):
        return text
    while start < len(lines) and not lines[start].strip():
        start += 1
    return "\n".join(lines[start:])


_BLOCKQUOTE_TAG = re.compile(r"<(/?)blockquote\b[^>]*>", re.IGNORECASE)


def leading_quote_removed(html_text: str, quoted_html: str) -> str:
    """Rendered `html_text` without the quote it opens with (`quote` puts a reply's quote first), nested quotes and
    all, when that quote is of `quoted_html`, the rendering of the post the reply quoted (a post hidden since);
    `html_text` as it is when it opens with anything else, a quote the author wrote in its place included (see
    leading_quote_dropped)."""
    if not html_text.lstrip().lower().startswith("<blockquote"):
        return html_text
    depth = 0
    for tag in _BLOCKQUOTE_TAG.finditer(html_text):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            if not _quotes(_plain_words(html_text[: tag.start()]), _plain_words(quoted_html)):
                return html_text
            return html_text[tag.end() :].lstrip()
    return ""  # unclosed: the sanitizer closes every tag, so never; nothing of it is shown rather than all
