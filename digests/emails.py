"""Building digest emails: HTML and plain text, the member's language, RFC 8058 one-click unsubscribe.

Rendering the two templates is most of what building an email costs, and in a batch many members get the same
items (same communities, country, interests). So the bodies are rendered once per distinct content, language and
time zone, with marks where the member's name and unsubscribe link go, and each member's email fills them in (a
mail merge). `bodies` is that cache; the caller keeps one per batch, whose shared content does not change.
"""

import functools

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import ngettext

from cop_platform.i18n import language_for

UNSUBSCRIBE_SALT = "digests.unsubscribe"
# Private-use characters: nothing a template or a member's name produces by accident.
NAME_MARK = "\ue000name\ue000"
UNSUBSCRIBE_MARK = "\ue000unsubscribe\ue000"


def unsubscribe_token(member) -> str:
    return signing.dumps({"m": member.pk}, salt=UNSUBSCRIBE_SALT)


def member_id_from_token(token: str) -> int:
    """The member id in a token, or signing.BadSignature for anything tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        raise signing.BadSignature("malformed")
    return data["m"]


def unsubscribe_url(member) -> str:
    before, after = _unsubscribe_path()
    return f"{settings.SITE_URL}{before}{unsubscribe_token(member)}{after}"


# Paths reversed once, not once per member; SITE_URL is read on each call (a setting, which tests change).
@functools.cache
def _unsubscribe_path() -> tuple[str, str]:
    """The unsubscribe path before and after the token."""
    before, after = reverse("digests:unsubscribe", args=["TOKEN"]).split("TOKEN")
    return before, after


@functools.cache
def _preferences_path() -> str:
    return reverse("digests:preferences")


def _preferences_url() -> str:
    return settings.SITE_URL + _preferences_path()


class _Addressee:
    """The member as a shared body sees them: the name is a mark. Reading anything else about the member (a
    template that starts using their email, say) makes the body theirs alone, so it is not shared."""

    display_name = NAME_MARK

    def __init__(self, member):
        self._member = member
        self.personal = False

    def __getattr__(self, name):
        self.personal = True
        return getattr(self._member, name)


def _render(member, digest, language: str, time_zone: str, unsubscribe: str) -> tuple[str, str]:
    context = {
        "member": member,
        "digest": digest,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "unsubscribe_url": unsubscribe,
        "preferences_url": _preferences_url(),
    }
    with translation.override(language), timezone.override(time_zone):
        return render_to_string("emails/digest-body.txt", context), render_to_string("emails/digest-body.html", context)


def render_bodies(member, digest, *, unsubscribe: str, bodies: dict | None = None) -> tuple[str, str]:
    """The text and HTML bodies of `member`'s email; reuses a body in `bodies` rendered for the same content."""
    language = language_for(member)
    time_zone = member.time_zone or settings.TIME_ZONE
    key = (language, time_zone, digest.content_key())
    shared = bodies.get(key) if bodies is not None else None
    if shared is None:
        addressee = _Addressee(member)
        shared = _render(addressee, digest, language, time_zone, UNSUBSCRIBE_MARK)
        if addressee.personal:
            return _render(member, digest, language, time_zone, unsubscribe)
        if bodies is not None:
            bodies[key] = shared
    text, html = shared
    # The link first: a name that happens to hold the link's mark stays as written.
    name = member.display_name
    text = text.replace(UNSUBSCRIBE_MARK, unsubscribe).replace(NAME_MARK, name)
    html = html.replace(UNSUBSCRIBE_MARK, escape(unsubscribe)).replace(NAME_MARK, escape(name))
    return text, html


def build_message(member, digest, *, connection=None, bodies: dict | None = None) -> EmailMultiAlternatives:
    language = language_for(member)
    unsubscribe = unsubscribe_url(member)
    text, html = render_bodies(member, digest, unsubscribe=unsubscribe, bodies=bodies)
    with translation.override(language):
        subject = ngettext(
            "%(site)s: %(count)d new item for you", "%(site)s: %(count)d new items for you", digest.count
        ) % {"site": settings.SITE_NAME, "count": digest.count}
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[member.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
