"""Demo digest data: preferences across frequencies, pinned news, and a past delivery round. Idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from communities.models import Community
from members.models import User

from .models import DigestDelivery, DigestPreference, DigestRound, Frequency, NewsItem


@transaction.atomic
def seed_digests() -> int:
    if NewsItem.objects.exists():
        return 0
    now = timezone.now()
    NewsItem.objects.create(
        title="Call for case studies on crisis response", text="Send us a two-page case study by the end of the month.",
        link="https://www.undp.org/", expires_at=now + timedelta(days=30),
    )  # fmt: skip
    item = NewsItem.objects.create(
        title="Scholarships for the Astana Civil Service Hub summer school",
        text="Twenty places for civil servants from Central Asia.", countries=["KZ", "KG", "TJ", "TM", "UZ"],
        expires_at=now + timedelta(days=21),
    )  # fmt: skip
    item.save()
    digital = Community.objects.filter(slug="digital-transformation-skills").first()
    news = NewsItem.objects.create(
        title="Free online course: data for decision makers", text="Six weeks, two hours a week, certificate.",
        expires_at=now + timedelta(days=14),
    )  # fmt: skip
    if digital:
        news.communities.add(digital)
    members = list(User.objects.filter(is_active=True).order_by("pk"))
    frequencies = [Frequency.BIWEEKLY] * 6 + [Frequency.WEEKLY] * 2 + [Frequency.MONTHLY, Frequency.OFF]
    DigestPreference.objects.bulk_create(
        [
            DigestPreference(
                member=member,
                frequency=frequencies[index % len(frequencies)],
                next_digest_at=now + timedelta(days=index % 14),
                last_sent_at=now - timedelta(days=14),
            )  # fmt: skip
            for index, member in enumerate(members)
        ],
        ignore_conflicts=True,
    )
    # A past round, so the coordinator's delivery counts have something to show.
    past = DigestRound.objects.create(started_at=now - timedelta(days=14), planned=min(len(members), 40))
    DigestDelivery.objects.bulk_create(
        [
            DigestDelivery(
                member=member,
                period=f"demo:{(now - timedelta(days=14)).date()}",
                round=past,
                status=DigestDelivery.Status.SENT if i % 5 else DigestDelivery.Status.SKIPPED_EMPTY,
                sent_at=now - timedelta(days=14),
                attempts=1,
            )  # fmt: skip
            for i, member in enumerate(members[:40])
        ],
        ignore_conflicts=True,
    )
    return 3
