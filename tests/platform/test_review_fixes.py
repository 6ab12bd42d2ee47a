"""Regression tests for defects found in review: each names the defect it guards against."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communities import services as community_services
from communities.models import Community, Membership
from events.models import Event, Registration
from events.services import send_reminders
from experts import services as expert_services
from experts.models import Expert
from knowledge.forms import ProductForm
from knowledge.models import KnowledgeProduct
from knowledge.services import product_save, unique_slug
from knowledge.uploads import check_upload
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _event(**fields):
    starts = timezone.now() + timedelta(days=3)
    defaults = {"title": "Briefing", "slug": "briefing", "status": "published", "starts_at": starts,
                "ends_at": starts + timedelta(hours=1)}  # fmt: skip
    return Event.objects.create(**{**defaults, **fields})


def test_an_event_shared_with_a_private_community_does_not_name_it(client):
    private = Community.objects.create(name="Closed circle", slug="closed", visibility="private")
    event = _event()
    event.communities.add(private, Community.objects.create(name="Open CoP", slug="open"))
    for url in (event.get_absolute_url(), reverse("events:schedule")):
        content = client.get(url).content.decode()
        assert "Open CoP" in content
        assert "Closed circle" not in content


def test_a_removed_member_loses_a_private_events_feed_entry_and_reminder(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    private = Community.objects.create(name="Closed", slug="closed", visibility="private")
    member = MemberFactory()
    membership = Membership.objects.create(member=member, community=private, status="active")
    event = _event(starts_at=timezone.now() + timedelta(hours=20), ends_at=timezone.now() + timedelta(hours=21))
    event.communities.add(private)
    Registration.objects.create(event=event, member=member)
    community_services.membership_remove(membership=membership, actor=MemberFactory())
    from events.services import calendar_feed_for

    feed = client.get(reverse("events:feed", args=[calendar_feed_for(member).token])).content.decode()
    assert "Briefing" not in feed
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders()
    assert mailoutbox == []


def test_the_attendee_export_keeps_formulas_as_text(client, coordinator):
    event = _event()
    Registration.objects.create(event=event, member=MemberFactory(full_name='=HYPERLINK("https://evil.example")'))
    client.force_login(coordinator)
    response = client.post(reverse("admin:events_event_changelist"),
                           {"action": "export_attendees", "_selected_action": [event.pk]})  # fmt: skip
    assert "'=HYPERLINK" in response.content.decode()


def test_a_coordinator_cannot_make_anyone_a_superuser_or_edit_a_superuser(client, coordinator, member):
    client.force_login(coordinator)
    page = client.get(reverse("admin:members_user_change", args=[member.pk])).content.decode()
    assert 'name="is_superuser"' not in page
    superuser = MemberFactory(is_superuser=True, is_staff=True)
    assert client.get(reverse("admin:members_user_change", args=[superuser.pk])).status_code in (302, 403) or (
        'name="email"' not in client.get(reverse("admin:members_user_change", args=[superuser.pk])).content.decode()
    )


def test_the_admin_login_goes_through_the_rate_limited_account_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_experts_email_is_for_coordinators_only(client, member, coordinator):
    expert_member = MemberFactory(hide_email=False)
    expert = expert_services.expert_create(name="Dr X", email="", status=Expert.Status.ACTIVE)
    expert_services.expert_link_member(expert=expert, member=expert_member)
    url = reverse("members:detail", args=[expert_member.pk])
    client.force_login(member)
    assert expert_member.email not in client.get(url).content.decode()
    client.force_login(coordinator)
    assert expert_member.email in client.get(url).content.decode()


def test_a_compressed_odt_mimetype_is_not_expanded():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" + b" " * 50_000_000)
    upload = SimpleUploadedFile("bomb.odt", buffer.getvalue())
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        check_upload(upload)


@pytest.mark.parametrize("query", ["?year=0", "?year=99999999", "?q=%00", "?q=a%00b"])
def test_odd_library_input_is_not_an_error(client, member, query):
    client.force_login(member)
    assert client.get(reverse("knowledge:library") + query).status_code == 200


def test_library_paths_are_never_product_slugs():
    assert unique_slug("Drafts") == "drafts-product"
    assert unique_slug("New") == "new-product"


def test_editing_a_draft_keeps_links_the_editor_cannot_see(member):
    private = Community.objects.create(name="Closed", slug="closed", visibility="private")
    product = KnowledgeProduct.objects.create(title="Draft", slug="draft", created_by=member)
    product.authors.add(member)
    product.communities.add(private)
    form = ProductForm(
        {"type": "guidance", "title": "Draft", "summary": "", "body": "new text", "countries": [], "tags": ""},
        instance=product, communities=Community.objects.exclude(pk=private.pk),
    )  # fmt: skip
    assert form.is_valid(), form.errors
    product_save(form=form, author=member)
    assert list(product.communities.all()) == [private]


def test_a_bad_post_id_in_the_moderation_queue_is_a_404(client, coordinator):
    community = Community.objects.create(name="C", slug="c")
    client.force_login(coordinator)
    response = client.post(reverse("communities:moderation", args=[community.slug]), {"post": "abc"})
    assert response.status_code == 404


def test_a_thread_title_is_kept_on_one_line():
    from communities.forms import ThreadForm

    form = ThreadForm({"title": "Line one\r\nBcc: victim@example.org", "body": "text"})
    assert form.is_valid()
    assert form.cleaned_data["title"] == "Line one Bcc: victim@example.org"


def test_a_hidden_or_moved_referred_thread_is_not_offered_in_digests():
    from digests import content
    from experts.models import ExpertCluster

    open_cop = Community.objects.create(name="Open", slug="open")
    closed = Community.objects.create(name="Closed", slug="closed", visibility="private")
    asker, expert_member, other_expert_member = MemberFactory(), MemberFactory(), MemberFactory()
    cluster = ExpertCluster.objects.create(theme="Digital", slug="digital")
    cluster.communities.add(open_cop)
    flagged = expert_services.expert_create(name="Flagged", email="", status=Expert.Status.ACTIVE)
    reader = expert_services.expert_create(name="Reader", email="", status=Expert.Status.ACTIVE, clusters=[cluster])
    expert_services.expert_link_member(expert=flagged, member=expert_member)
    expert_services.expert_link_member(expert=reader, member=other_expert_member)
    community_services.community_join(member=asker, community=open_cop)
    hidden = community_services.thread_create(community=open_cop, author=asker, title="Hidden one", body="q")
    moved = community_services.thread_create(community=open_cop, author=asker, title="Moved one", body="q")
    for thread in (hidden, moved):
        expert_services.referral_create(thread=thread, community=open_cop, experts=[flagged], flagged_by=asker,
                                        due_at=timezone.now() + timedelta(days=3))  # fmt: skip
    community_services.thread_moderate(thread=hidden, actor=asker, action="hide")
    community_services.thread_move(thread=moved, actor=asker, to=closed)

    digest = content.build(other_expert_member, content.load_shared(), content.load_member_facts([other_expert_member]))
    assert [r.thread.title for r in digest.questions] == []


def test_cancelling_an_event_in_its_edit_form_emails_registrants(
    rf, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    from django.contrib.admin.sites import site
    from django.contrib.messages.storage.fallback import FallbackStorage

    from events.admin import EventAdmin

    event = _event()
    Registration.objects.create(event=event, member=MemberFactory())
    request = rf.post("/")
    request.user, request.session = coordinator, {}
    request._messages = FallbackStorage(request)

    class EditedStatus:
        changed_data = ["status"]

        def save_m2m(self):
            pass

    event.status = Event.Status.CANCELLED
    admin, form = EventAdmin(Event, site), EditedStatus()
    form.instance = event
    with django_capture_on_commit_callbacks(execute=True):
        admin.save_model(request, event, form, change=True)
        admin.save_related(request, form, [], change=True)  # registrants are told once the communities are saved
    assert [m.subject for m in mailoutbox] == ["Cancelled: Briefing"]
