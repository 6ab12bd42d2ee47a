"""Finds template text a reader sees that is not marked for translation (used by test_i18n.py).

Template syntax is removed first (translate/blocktranslate blocks, variables, other tags, comments), then
the HTML is parsed: what is left in text nodes and in the attributes people read or hear (title, alt,
placeholder, aria-label) must contain no words. Plain-text templates (emails) are all visible text."""

import ast
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

# Not words to translate: the product's short name, symbols, file formats, units.
ALLOWED_WORDS = {"CoP", "CSV", "XLSX", "PDF", "iCal", "ICS", "SVG", "URL"}

READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}

# A tag whose name a template tag chooses (`<{% if href %}a{% else %}button{% endif %}`) gets a stand-in
# name, so the parser still reads the rest as attributes.
_COMPUTED_TAG_NAME = re.compile(r"<(/?){%")
_TEMPLATE_SYNTAX = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}"  # comment blocks
    r"|{%\s*setvar\b.*?%}.*?{%\s*endsetvar\s*%}"  # allauth's variables: values, not output
    r"|{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}"  # translated blocks
    r"|{#.*?#}"  # one-line comments
    r"|{{.*?}}"  # variables
    r"|{%.*?%}",  # any other tag, {% translate %} included
    re.DOTALL,
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def strip_template_syntax(source: str) -> str:
    # A space keeps words on either side of a tag apart ("Hello{{ name }}world" is two words).
    return _TEMPLATE_SYNTAX.sub(" ", _COMPUTED_TAG_NAME.sub(r"<\1x {%", source))


def unmarked_words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text) if word not in ALLOWED_WORDS]


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._hidden_depth = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden_depth += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and unmarked_words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth and unmarked_words(data):
            self.found.append((self.getpos()[0], " ".join(data.split())))


def unmarked_text(path: Path) -> list[tuple[int, str]]:
    """(line, text) for every piece of visible text in `path` that is not marked for translation. Line
    numbers are those of the template with its syntax removed, which keeps the line breaks of comments and
    tags only roughly: search for the text."""
    source = strip_template_syntax(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        return [(number, line.strip()) for number, line in enumerate(source.splitlines(), 1) if unmarked_words(line)]
    parser = _VisibleText()
    parser.feed(source)
    parser.close()
    return parser.found


# --- Catalogs --------------------------------------------------------------------------------------------------


@dataclass
class PoEntry:
    context: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstrs) and all(self.msgstrs)


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> list[PoEntry]:
    """The live entries of a .po file (obsolete "#~" ones skipped), header included (msgid "")."""
    entries: list[PoEntry] = []
    entry, target = PoEntry(), None

    def flush():
        nonlocal entry
        if target is not None:
            entries.append(entry)
        entry = PoEntry()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if target is not None and target != "comment":
                flush()
                target = "comment"
            if line.startswith("#,") and "fuzzy" in line:
                entry.fuzzy = True
            target = target or "comment"
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
            if target == "msgctxt":
                entry.context += value
            elif target == "msgid":
                entry.msgid += value
            elif target == "msgid_plural":
                entry.msgid_plural += value
            elif target == "msgstr":
                entry.msgstrs[-1] += value
            continue
        if keyword in ("msgctxt", "msgid") and target in ("msgstr",):
            flush()
        if keyword == "msgctxt":
            entry.context, target = _unquote(rest), "msgctxt"
        elif keyword == "msgid":
            entry.msgid, target = _unquote(rest), "msgid"
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = _unquote(rest), "msgid_plural"
        elif keyword.startswith("msgstr"):
            entry.msgstrs.append(_unquote(rest))
            target = "msgstr"
    if target == "msgstr":
        entries.append(entry)
    return entries
