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
    # Ids only: with 100,000 demo members, whole rows would cost seconds and hundreds of megabytes.
    member_ids = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    frequencies = [Frequency.BIWEEKLY] * 6 + [Frequency.WEEKLY] * 2 + [Frequency.MONTHLY, Frequency.OFF]
    DigestPreference.objects.bulk_create(
        [
            DigestPreference(
                member_id=member_id,
                frequency=frequencies[index % len(frequencies)],
                next_digest_at=now + timedelta(days=index % 14),
                last_sent_at=now - timedelta(days=14),
            )  # fmt: skip
            for index, member_id in enumerate(member_ids)
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    # A past round, so the coordinator's delivery counts have something to show.
    past = DigestRound.objects.create(started_at=now - timedelta(days=14), planned=min(len(member_ids), 40))
    DigestDelivery.objects.bulk_create(
        [
            DigestDelivery(
                member_id=member_id,
                period=f"demo:{(now - timedelta(days=14)).date()}",
                round=past,
                status=DigestDelivery.Status.SENT if i % 5 else DigestDelivery.Status.SKIPPED_EMPTY,
                sent_at=now - timedelta(days=14),
                attempts=1,
            )  # fmt: skip
            for i, member_id in enumerate(member_ids[:40])
        ],
        ignore_conflicts=True,
    )
    return 3
