"""Saving a digest preference writes only what was changed, so a digest round that marked the member's digest sent
in the meantime is not undone (the member would get the same issue again, or miss the next one).

Each test interleaves the two deterministically: the preference is read, then a round sends the member's digest,
then the page saves what it read."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from digests import services
from digests.admin import DigestPreferenceAdmin
from digests.models import DigestDelivery, DigestPreference, Frequency
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("digests:preferences")


@pytest.fixture
def reader(member):
    """A member with something new in their community: the round sends them a digest."""
    community = CommunityFactory()
    MembershipFactory(member=member, community=community)
    ThreadFactory(community=community)
    DigestPreference.objects.create(member=member, next_digest_at=timezone.now() - timedelta(minutes=5))
    return member


def round_between_read_and_save(monkeypatch, target, name):
    """`target.name` (a loader of the preference) returns what it read before a round ran."""
    load = getattr(target, name)
    after_round = {}

    def stale_load(*args, **kwargs):
        preference = load(*args, **kwargs)
        _round, ids = services.plan()
        services.send_batch(ids)
        after_round["preference"] = DigestPreference.objects.get(pk=preference.pk)
        assert after_round["preference"].last_sent_at is not None  # the round did send the digest
        return preference

    monkeypatch.setattr(target, name, stale_load)
    return after_round


@pytest.mark.parametrize("frequency", [Frequency.BIWEEKLY, Frequency.WEEKLY, Frequency.MONTHLY])
def test_saving_the_preferences_keeps_what_a_round_set_meanwhile(reader, monkeypatch, frequency):
    after_round = round_between_read_and_save(monkeypatch, services, "preference_for")

    services.preference_set(member=reader, frequency=frequency)  # what the preferences page does with its form

    preference = DigestPreference.objects.get(member=reader)
    assert preference.frequency == frequency
    assert preference.last_sent_at == after_round["preference"].last_sent_at
    # Not due again at once: the round's next date stands, or the member's new period's if that is sooner.
    assert preference.next_digest_at > timezone.now()
    if frequency != Frequency.MONTHLY:
        assert preference.next_digest_at <= after_round["preference"].next_digest_at
    assert DigestDelivery.objects.get(member=reader).status == DigestDelivery.Status.SENT
    assert services.plan()[1] == []  # the next hourly round has nothing for them


def test_the_preferences_page_writes_only_the_fields_it_changes(member_client, reader, monkeypatch):
    written = []
    save = DigestPreference.save

    def recording_save(self, *args, **kwargs):
        written.append(kwargs.get("update_fields"))
        return save(self, *args, **kwargs)

    monkeypatch.setattr(DigestPreference, "save", recording_save)

    response = member_client.post(PREFERENCES, {"frequency": Frequency.WEEKLY})

    assert response.status_code == 302
    assert written == [["frequency", "next_digest_at"]]  # never the whole row, with last_sent_at as read


def test_unsubscribing_keeps_what_a_round_set_meanwhile(reader, monkeypatch):
    after_round = round_between_read_and_save(monkeypatch, services, "preference_for")

    services.unsubscribe(member=reader)

    preference = DigestPreference.objects.get(member=reader)
    assert preference.frequency == Frequency.OFF and preference.unsubscribed_at is not None
    assert preference.last_sent_at == after_round["preference"].last_sent_at
    assert preference.next_digest_at == after_round["preference"].next_digest_at


def test_a_coordinators_edit_keeps_what_a_round_set_meanwhile(admin_client, reader, monkeypatch):
    after_round = round_between_read_and_save(monkeypatch, DigestPreferenceAdmin, "get_object")
    preference = DigestPreference.objects.get(member=reader)
    url = reverse("admin:digests_digestpreference_change", args=[preference.pk])
    local = timezone.localtime(preference.next_digest_at)

    response = admin_client.post(
        url,
        {
            "frequency": Frequency.WEEKLY,
            "next_digest_at_0": local.strftime("%Y-%m-%d"),
            "next_digest_at_1": local.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    preference.refresh_from_db()
    assert preference.frequency == Frequency.WEEKLY
    assert preference.last_sent_at == after_round["preference"].last_sent_at


def test_a_coordinator_turning_digests_off_records_the_unsubscription(admin_client, reader):
    preference = DigestPreference.objects.get(member=reader)

    _admin_save(admin_client, preference, frequency=Frequency.OFF)

    preference.refresh_from_db()
    assert preference.frequency == Frequency.OFF
    assert preference.unsubscribed_at is not None


def _admin_save(client, preference, *, frequency):
    """The admin's change form sent as the page shows it, with `frequency` chosen."""
    url, shown = _as_shown(client, preference)
    return client.post(url, {**shown, "frequency": frequency})


class _FormValues(HTMLParser):
    """What a browser sends back for the page's change form untouched: its inputs' values (the hidden initial ones
    included) and each select's chosen option."""

    def __init__(self):
        super().__init__()
        self.values, self._select = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "checkbox"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _as_shown(client, preference) -> tuple[str, dict]:
    url = reverse("admin:digests_digestpreference_change", args=[preference.pk])
    parser = _FormValues()
    parser.feed(client.get(url).content.decode())
    return url, parser.values


def test_a_round_after_the_page_was_shown_keeps_its_next_date(admin_client, reader):
    """The page shown, then a round sends the digest, then the coordinator saves without a change: the date on
    their screen, read as changed against the row read again, was written back, and the member was due at once."""
    preference = DigestPreference.objects.get(member=reader)
    url, shown = _as_shown(admin_client, preference)
    _round, ids = services.plan()
    services.send_batch(ids)
    after_round = DigestPreference.objects.get(pk=preference.pk)

    admin_client.post(url, shown)

    preference.refresh_from_db()
    assert preference.next_digest_at == after_round.next_digest_at > timezone.now()
    assert preference.last_sent_at == after_round.last_sent_at


def test_a_member_unsubscribing_after_the_page_was_shown_stays_unsubscribed(admin_client, reader):
    preference = DigestPreference.objects.get(member=reader)
    url, shown = _as_shown(admin_client, preference)
    services.unsubscribe(member=reader)

    admin_client.post(url, shown)

    preference.refresh_from_db()
    assert preference.frequency == Frequency.OFF
    assert preference.unsubscribed_at is not None
