"""Shows which words went through gettext: `marked_translations(monkeypatch)` makes every translation lookup return
its message between ⟦ and ⟧, so a test can tell a label that a translator can reach from a raw code or plain
English, without the catalogs having the message yet."""

from django.utils import translation
from django.utils.functional import Promise

OPEN, CLOSE = "⟦", "⟧"


def marked(message: str) -> str:
    return f"{OPEN}{message}{CLOSE}"


def marked_translations(monkeypatch) -> None:
    def gettext(message):
        return marked(message)

    def ngettext(singular, plural, number):
        return marked(singular if number == 1 else plural)

    def pgettext(context, message):
        return marked(message)

    def npgettext(context, singular, plural, number):
        return marked(singular if number == 1 else plural)

    # django.utils.translation's functions (and the lazy ones, which call them) all go through _trans.
    for name, function in [("gettext", gettext), ("ngettext", ngettext), ("pgettext", pgettext),
                           ("npgettext", npgettext)]:  # fmt: skip
        monkeypatch.setattr(translation._trans, name, function, raising=False)


def assert_named_for_translators(model, field: str, name: str, monkeypatch) -> None:
    """`model`'s `field` is named `name` (its verbose name) through gettext, lazily: the admin shows it in the
    reader's language."""
    verbose_name = model._meta.get_field(field).verbose_name
    marked_translations(monkeypatch)

    assert isinstance(verbose_name, Promise)
    assert str(verbose_name) == marked(name)
