"""A page's HTML as a tree, and what a screen reader would name its links, buttons and headings: enough of the
accessible name computation (aria-labelledby, aria-label, the text inside less what is aria-hidden) for the tests
that check names tell things apart. Standard library only (html.parser)."""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def __repr__(self):
        return f"<{self.tag} {self.attrs}>"

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        """Descendants with this tag (any when None) whose attributes have these values (True: present)."""
        return [
            node for node in self.iter()
            if (tag is None or node.tag == tag)
            and all((name in node.attrs) if value is True else node.attrs.get(name) == value
                    for name, value in ((k.replace("_", "-"), v) for k, v in attrs.items()))
        ]  # fmt: skip

    def text(self, *, skip_aria_hidden=True) -> str:
        return re.sub(r"\s+", " ", self._raw_text(skip_aria_hidden)).strip()

    def _raw_text(self, skip_aria_hidden: bool) -> str:
        parts = []
        for child in self.children:
            if isinstance(child, Node):
                if not (skip_aria_hidden and child.attrs.get("aria-hidden") == "true"):
                    parts.append(child._raw_text(skip_aria_hidden))
            else:
                parts.append(child)
        return "".join(parts)

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value if value is not None else "" for name, value in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    return builder.root


def by_id(root: Node) -> dict[str, Node]:
    return {node.attrs["id"]: node for node in root.iter() if "id" in node.attrs}


def accessible_name(node: Node, root: Node) -> str:
    ids = by_id(root)
    if node.attrs.get("aria-labelledby"):
        return " ".join(ids[ref].text() for ref in node.attrs["aria-labelledby"].split())
    if node.attrs.get("aria-label"):
        return node.attrs["aria-label"].strip()
    return node.text()


def missing_references(root: Node) -> list[tuple[str, str]]:
    """(attribute, id) for each aria-labelledby / aria-describedby / aria-controls reference to no element."""
    ids = by_id(root)
    return [
        (attribute, ref)
        for node in root.iter()
        for attribute in ("aria-labelledby", "aria-describedby", "aria-controls")
        for ref in (node.attrs.get(attribute) or "").split()
        if ref not in ids
    ]
