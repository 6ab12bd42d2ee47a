"""Helpers for tests/platform/test_fuzz_forms.py: hostile input strategies, a way to post them through the
Django test client, and the checks every fuzzed request must pass (never a 500, always a clear outcome).

Each fuzz test builds its objects once, logs in once, then runs a Hypothesis property as an inner function.
Every example runs inside a savepoint that is rolled back (`example()`), so examples do not see each
other's writes, and the cache (rate-limit counters) is cleared before each one.
"""

from __future__ import annotations

import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages as django_messages
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import transaction
from django.forms import BaseForm
from django.utils.html import escape
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# --- Hypothesis settings ------------------------------------------------------------------------------------


def fuzz_settings(max_examples: int) -> settings:
    """Reproducible on CI (derandomized, no example database written into the checkout), no deadline: a
    request renders a whole page, and the first one in a test warms caches."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )


# --- Strategies ---------------------------------------------------------------------------------------------

BURMESE = "မြန်မာနိုင်ငံ ပြည်ထောင်စု ဝန်ထမ်း"
CYRILLIC = "Государственная служба Казахстана"
ARABIC = "الخدمة المدنية"
HEBREW = "שירות המדינה"

# Inputs that broke web applications before: markup, template and SQL syntax, format strings, control and
# invisible characters, right-to-left overrides, digits Python's int() refuses although str.isdigit()
# accepts them, numbers too big to print, impossible dates, separators of Django's own encodings.
INTERESTING = [
    "",
    " ",
    "   \t\n  ",
    "\u00a0\u2003\u3000",
    "\u200b\u200c\u200d\ufeff",
    "\x00",
    "a\x00b",
    "\x01\x07\x08\x1b[31mred\x1b[0m\x7f",
    "\r\n\r\n",
    "\u2028\u2029",
    BURMESE,
    CYRILLIC,
    ARABIC,
    HEBREW,
    "\u202egnp.exe\u202c",
    "😀",
    "👩‍👩‍👧‍👦🇲🇲🏳️‍🌈",
    "Z̴͉̈a̷̜͝l̸̰̅g̵̱̈́o̶̺͝",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}{% debug %}",
    "' OR '1'='1' --",
    "1; DROP TABLE members_user; --",
    "%s%d%n%(name)s{0}{}",
    "${jndi:ldap://example.org/a}",
    "../../../../etc/passwd",
    "C:\\Windows\\win.ini",
    '=HYPERLINK("http://x")',
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
    "-1",
    "0",
    "-0",
    "00",
    "1.5",
    "1e309",
    "NaN",
    "-inf",
    "0x1F",
    "²",
    "¹²³",
    "٣",
    "१२",
    "１２",
    "9" * 30,
    "9" * 5000,
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "31/12/2026",
    "2026-10-01T25:61:00",
    "2026-10",
    "@",
    "@member-number1",
    "a@b",
    "&",
    "=",
    "a=b&c=d",
    "%00",
    "%ff%fe",
    ";",
    ",,,,",
    "a, b, c",
]

_ALPHABETS = [
    st.characters(codec="utf-8", exclude_categories=("Cs",)),  # anything a browser can send
    st.characters(min_codepoint=0x1000, max_codepoint=0x109F),  # Burmese
    st.characters(min_codepoint=0x0400, max_codepoint=0x04FF),  # Cyrillic
    st.characters(min_codepoint=0x0590, max_codepoint=0x06FF),  # Hebrew, Arabic
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.characters(min_codepoint=0x0000, max_codepoint=0x001F),  # control characters, NUL
    st.characters(min_codepoint=0x0300, max_codepoint=0x036F),  # combining marks
    st.sampled_from(list(" \t\n\r\u00a0\u200b<>&\"'%;,@#=/\\`*_~[]()!")),
    st.characters(codec="ascii"),
]


def random_text(max_size: int = 60) -> st.SearchStrategy[str]:
    return st.text(alphabet=st.one_of(*_ALPHABETS), max_size=max_size)


def long_text(*sizes: int) -> st.SearchStrategy[str]:
    """A string of exactly one of `sizes` characters (or a few more), built from one repeated piece: the
    boundary of a max_length, or far past it."""
    pieces = st.sampled_from(["a", "မ", "ж", "😀", " ", "x ", "<b>", "\x00", "\u200b", "é"])
    sizes = sizes or (5_000,)

    def build(piece: str, size: int, extra: int) -> str:
        return (piece * (size // len(piece) + 1))[: size + extra]

    return st.builds(build, pieces, st.sampled_from(sizes), st.integers(0, 2))


def number_strings() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(10**20), 10**20).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(["²", "٣", "１２", "9" * 5000, "1e309", "0x10", "1_000", " 7 ", "+3", "3.0", "-0"]),
    )


def date_strings() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates().map(str),
        st.datetimes().map(lambda d: d.isoformat()),
        st.sampled_from(["2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "31/12/2026", "2026-10"]),
        st.tuples(st.integers(-9999, 99999), st.integers(-1, 99), st.integers(-1, 99)).map(
            lambda t: f"{t[0]}-{t[1]:02d}-{t[2]:02d}"
        ),
    )


def hostile_scalar(max_size: int = 60) -> st.SearchStrategy[str]:
    """One hostile string: random text in many scripts, a known troublemaker, a number or date in text."""
    return st.one_of(
        st.sampled_from(INTERESTING),
        random_text(max_size),
        number_strings(),
        date_strings(),
    )


@dataclass(frozen=True)
class Field:
    """A form field's values: `valid` ones a member would send, and `wild` ones (valid, known-invalid, hostile,
    very long, or a list where one value belongs)."""

    valid: st.SearchStrategy
    wild: st.SearchStrategy


def field(valid, *, invalid=None, long_sizes: tuple[int, ...] = (5_000,), hostile: bool = True) -> Field:
    wild = [valid]
    if invalid is not None:
        wild.append(invalid)
    if hostile:
        wild += [hostile_scalar(), long_text(*long_sizes)]
    wild.append(st.lists(st.one_of(*wild), min_size=0, max_size=3))
    return Field(valid=valid, wild=st.one_of(*wild))


EXTRA_NAMES = [
    "csrfmiddlewaretoken", "id", "pk", "author", "author_id", "status", "is_staff", "is_superuser", "role",
    "created_by", "community", "member", "__proto__", "next", "action", "page", "", " ", "名前", "a[b]", "x\x00",
]  # fmt: skip


@st.composite
def form_data(draw, fields: dict[str, Field], *, always: tuple[str, ...] = ()) -> dict:
    """Data for a form, in one of three shapes: every field valid (so submissions do get accepted); every field
    valid but one, which is wild or missing; or chaos (wild values, fields missing, fields the form does not
    have). `always` names fields never left out."""
    names = list(fields)
    shape = draw(st.sampled_from(["valid", "one-off", "chaos"]))
    if shape == "valid":
        return {name: draw(fields[name].valid) for name in names}
    if shape == "one-off":
        odd = draw(st.sampled_from(names))
        data = {name: draw(fields[name].valid) for name in names if name != odd}
        if odd in always or draw(st.booleans()):
            data[odd] = draw(fields[odd].wild)
        return data
    dropped = draw(st.sets(st.sampled_from(names))) if names and draw(st.booleans()) else set()
    data = {name: draw(fields[name].wild) for name in names if name not in dropped or name in always}
    extras = draw(st.dictionaries(st.sampled_from(EXTRA_NAMES), hostile_scalar(20), max_size=3))
    for name, value in extras.items():
        data.setdefault(name, value)
    return data


def post_encoding() -> st.SearchStrategy[str]:
    """How the body is sent: multipart (the test client's default), urlencoded, or urlencoded with bytes that
    are not UTF-8 and percent signs that do not escape anything."""
    return st.sampled_from(["multipart", "urlencoded", "urlencoded-garbage"])


def scalar(value):
    """What a Django form field sees for `value`: the last one of a key sent several times."""
    if isinstance(value, list):
        return value[-1] if value else None
    return value


# --- Sending ------------------------------------------------------------------------------------------------


def send(client, method: str, url: str, data: dict | None = None, *, encoding: str = "multipart", files=None):
    """POST (or GET) `data` to `url` as the test client does for a browser, in one of several encodings."""
    client.cookies.pop("messages", None)  # only this request's messages count
    if method == "GET":
        return client.get(url, data or {})
    data = dict(data or {})
    if encoding == "multipart" or files:
        return client.post(url, {**data, **(files or {})})
    body = urlencode([(k, v) for k, vs in data.items() for v in (vs if isinstance(vs, list) else [vs])])
    if encoding == "urlencoded-garbage":
        body = body.encode() + b"&%ff%fe=%c3%28&broken=%zz&=&&lonely"
    return client.generic("POST", url, body, content_type="application/x-www-form-urlencoded")


class ExceptionRecorder:
    """Collects exceptions raised inside views (the test client turns them into 500 responses)."""

    def __init__(self):
        self.errors: list[str] = []

    def __call__(self, sender, request=None, **kwargs):
        self.errors.append(traceback.format_exc())

    def __enter__(self):
        got_request_exception.connect(self, weak=False, dispatch_uid="fuzz-forms-recorder")
        return self

    def __exit__(self, *exc):
        got_request_exception.disconnect(dispatch_uid="fuzz-forms-recorder")


@contextmanager
def example():
    """One Hypothesis example: a clean cache (rate-limit counters) and a savepoint rolled back afterwards."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- Checks -------------------------------------------------------------------------------------------------


def queued_messages(response, min_level=django_messages.INFO, *, success=True) -> list[str]:
    """Messages added while handling the request (queued ones; those a rendered page showed were moved to the
    loaded list, and `send` drops the cookie that could have carried older ones)."""
    storage = getattr(response.wsgi_request, "_messages", None)
    if storage is None:
        return []
    found = [*storage._loaded_messages, *storage._queued_messages]
    return [str(m.message) for m in found if m.level >= min_level and (success or m.level != django_messages.SUCCESS)]


def forms_in(response) -> list[BaseForm]:
    found = []
    for context in response.context or []:
        for layer in getattr(context, "dicts", [context]):
            for value in layer.values() if hasattr(layer, "values") else []:
                form = getattr(value, "form", None) if not isinstance(value, BaseForm) else value
                if isinstance(form, BaseForm) and all(form is not f for f in found):  # a form, or a FilterSet's
                    found.append(form)
    return found


def assert_no_server_error(response, recorder: ExceptionRecorder | None = None, data=None):
    where = f"{response.request.get('REQUEST_METHOD')} {response.request.get('PATH_INFO')}"
    if recorder is not None and recorder.errors:
        raise AssertionError(f"{where} raised with {data!r}:\n{recorder.errors[-1]}")
    assert response.status_code < 500, f"{where} answered {response.status_code} to {data!r}"


def assert_explained(response, data=None) -> str:
    """A submission that was not stored must say why: the form again with its errors shown, or a redirect
    with a message (not a success message: that would claim what did not happen). Returns the explanation."""
    status = response.status_code
    content = response.content.decode(errors="replace")
    if 300 <= status < 400:
        shown = queued_messages(response, success=False)
        assert shown, f"redirected ({status}) without saying why nothing was stored, for {data!r}"
        return shown[0]
    assert status in (200, 400, 409, 422), f"unexpected status {status} for {data!r}"
    forms = forms_in(response)
    if not response.wsgi_request.POST and forms and not any(form.is_bound for form in forms):
        # An empty POST (no browser sends one) shows the blank form again, as `request.POST or None` does.
        return "empty submission"
    errors = []
    for form in forms:
        if form.is_bound and form.errors:
            for name, field_errors in form.errors.items():
                errors.extend((name, str(e)) for e in field_errors)
    for name, error in errors:
        assert escape(error) in content, f"the error {error!r} (field {name!r}) is not shown on the page for {data!r}"
    if errors:
        return errors[0][1]
    shown = [m for m in queued_messages(response, django_messages.WARNING) if escape(m) in content]
    assert shown, f"the submission was refused without a visible error for {data!r}"
    return shown[0]


def stored_text(value) -> str:
    """What a Django CharField keeps of a submitted value: the last one sent, stripped."""
    value = scalar(value)
    return "" if value is None else str(value).strip()


def stored_prose(value) -> str:
    """What a textarea's field keeps: as stored_text, with line breaks as one character (cop_platform.forms
    .Textarea reads the browser's CRLF as LF)."""
    return stored_text(value).replace("\r\n", "\n").replace("\r", "\n")


def as_querydict(data: dict):
    """`data` as the view's request.POST would hold it (for running a form locally as an oracle)."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return query


class GenerousLimits(dict):
    """WRITE_RATE_LIMITS that never limit a fuzz test, whatever action a view names."""

    def __missing__(self, key):
        return ("1000000/m", "1000000/m")
