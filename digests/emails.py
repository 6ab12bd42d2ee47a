"""Building digest emails: HTML and plain text, the member's language, RFC 8058 one-click unsubscribe."""

import functools

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

UNSUBSCRIBE_SALT = "digests.unsubscribe"


def unsubscribe_token(member) -> str:
    return signing.dumps({"m": member.pk}, salt=UNSUBSCRIBE_SALT)


def member_id_from_token(token: str) -> int:
    """The member id in a token, or signing.BadSignature for anything tampered with."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        raise signing.BadSignature("malformed")
    return data["m"]


def unsubscribe_url(member) -> str:
    return settings.SITE_URL + reverse("digests:unsubscribe", args=[unsubscribe_token(member)])


@functools.cache
def _preferences_url() -> str:
    return settings.SITE_URL + reverse("digests:preferences")


def build_message(member, digest, *, connection=None) -> EmailMultiAlternatives:
    language = getattr(member, "language", "") or settings.LANGUAGE_CODE
    context = {
        "member": member,
        "digest": digest,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "unsubscribe_url": unsubscribe_url(member),
        "preferences_url": _preferences_url(),
    }
    with translation.override(language), timezone.override(member.time_zone or settings.TIME_ZONE):
        subject = ngettext(
            "%(site)s: %(count)d new item for you", "%(site)s: %(count)d new items for you", digest.count
        ) % {"site": settings.SITE_NAME, "count": digest.count}
        text = render_to_string("emails/digest-body.txt", context)
        html = render_to_string("emails/digest-body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[member.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
