"""The demo data for digests, and the send_digests command run on it the way an operator would."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from digests import services
from digests.models import DigestDelivery, DigestPreference, DigestRound, Frequency, NewsItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", members=30, verbosity=0)


def send_digests(**options) -> str:
    out = io.StringIO()
    call_command("send_digests", stdout=out, **options)
    return out.getvalue()


def snapshot() -> tuple:
    return (
        DigestDelivery.objects.count(),
        DigestRound.objects.count(),
        sorted(DigestPreference.objects.values_list("member_id", "next_digest_at", "last_sent_at")),
    )


def test_it_seeds_digest_data_and_sends_each_member_once(seeded, mailoutbox):
    # One seeding (it takes a few seconds), several checks.
    frequencies = dict(DigestPreference.objects.values_list("frequency").annotate(n=Count("pk")))
    assert set(frequencies) == {Frequency.OFF, Frequency.WEEKLY, Frequency.BIWEEKLY, Frequency.MONTHLY}
    assert frequencies[Frequency.BIWEEKLY] > frequencies[Frequency.WEEKLY] >= frequencies[Frequency.MONTHLY]
    news = NewsItem.objects.all()
    assert news.count() >= 3
    assert news.filter(countries__contains="KZ").exists()
    assert news.filter(communities__isnull=False).exists()
    past = DigestRound.objects.get()
    assert past.deliveries.filter(status=DigestDelivery.Status.SENT).exists()
    assert past.deliveries.filter(status=DigestDelivery.Status.SKIPPED_EMPTY).exists()

    output = send_digests(now=True)

    sent = len(mailoutbox)
    assert sent > 0
    assert f"{sent} sent" in output
    recipients = [m.to[0] for m in mailoutbox]
    assert len(recipients) == len(set(recipients))
    off = set(DigestPreference.objects.filter(frequency=Frequency.OFF).values_list("member__email", flat=True))
    assert off and not off & set(recipients)

    output = send_digests(now=True)

    assert len(mailoutbox) == sent
    assert output.startswith("0 planned: 0 sent")


def test_the_command_dry_runs_targets_one_member_and_refuses_unknown_addresses(seeded, mailoutbox):
    before = snapshot()

    output = send_digests(now=True, dry_run=True)

    would_send = int(output.split("Dry run: ")[1].split(" ")[0])
    assert would_send > 0
    assert mailoutbox == []
    assert snapshot() == before

    member = next(
        preference.member
        for preference in DigestPreference.objects.exclude(frequency=Frequency.OFF).select_related("member")
        if not services.preview(preference.member).is_empty
    )
    output = send_digests(member=member.email.upper())

    assert [m.to for m in mailoutbox] == [[member.email]]
    assert output.startswith("1 planned: 1 sent")
    assert DigestDelivery.objects.count() == before[0] + 1

    with pytest.raises(CommandError, match="No member has the email address nobody@example.org"):
        send_digests(member="nobody@example.org")
    assert len(mailoutbox) == 1
