"""Privacy: a member downloads a copy of their data (a background job, an expiring link only for them) and deletes
their account (an anonymous "Former member" row stays, so content and indicators stay consistent)."""

import io
import json
import os
import re
import time
import zipfile
from datetime import UTC, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities import services as community_services
from communities.models import Community, LocalActionTeam, Membership, ModerationAction, Notification, Post, Thread
from communities.selectors import posts_matching
from cop_platform.mail import queue_email
from digests.models import DigestDelivery, DigestPreference
from digests.services import preference_set
from events.models import CalendarFeed, Feedback, Registration, TopicSuggestion, TopicVote
from experts.models import Expert
from indicators.compute import compute_values
from indicators.models import Survey, SurveyQuestion, SurveyResponse
from indicators.surveys import survey_submit
from knowledge.services import file_add, summary_from_thread
from members import privacy
from members.audit import audit_record, member_label
from members.models import Activity, AuditEntry, Language, LocalCommunity, User
from members.services import activity_record
from members.tasks import build_export_task, purge_expired_exports_task
from tests.communities.factories import CommunityFactory, MembershipFactory, ThreadFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.experts.factories import ExpertClusterFactory, MemberExpertFactory, RatingFactory, ReferralFactory
from tests.factories import PASSWORD, CoordinatorFactory, MemberFactory
from tests.knowledge.factories import PDF_BYTES, KnowledgeProductFactory, upload
from tests.support.together import postgresql_only, together

pytestmark = pytest.mark.django_db

PRIVACY_URL = "/members/me/privacy/"
LINK = re.compile(r"https?://[^\s]+(/members/me/privacy/export/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Export files are written under MEDIA_ROOT: keep them out of the project's var/media.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def victim(db):
    """The member who exports and deletes; a name and an address found nowhere else."""
    member = MemberFactory(
        full_name="Daw Hnin Wai Aung", email="hnin.wai.aung@planning.example.gov", handle="hnin-wai-aung",
        organization="Ministry of Planning and Finance", city_region="Mandalay", time_zone="Asia/Yangon",
        local_community=LocalCommunity.objects.create(name="Chanayethazan", country="MM"),
    )  # fmt: skip
    member.languages.add(Language.objects.get(code="my"))
    member.interests.add("open budgets")
    return member


@pytest.fixture
def other(db):
    return MemberFactory(full_name="U Kyaw Min Thu", email="kyaw.min.thu@education.example.gov")


@pytest.fixture
def victim_client(client, victim):
    client.force_login(victim)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def request_export(client, capture, mailoutbox):
    """POST the export button, run the job (Celery is eager in tests) and return the emailed download path."""
    before = len(mailoutbox)
    with capture(execute=True):
        response = client.post(PRIVACY_URL, {"action": "export"})
    assert response.status_code == 302
    assert len(mailoutbox) == before + 1
    return LINK.search(mailoutbox[-1].body).group(1)


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def delete_account(client, capture, password=PASSWORD, confirmation="DELETE"):
    with capture(execute=True):
        return client.post(PRIVACY_URL, {"action": "delete", "password": password, "confirmation": confirmation})


def footprint(victim, other, *, now=None):
    """The victim uses every feature once, through the services where they write text (notifications, audit,
    summaries) and with factories elsewhere; `other` talks with them. Returns the rows the tests look at."""
    now = now or timezone.now()
    coordinator = CoordinatorFactory()
    led = CommunityFactory(name="Open budgets")
    MembershipFactory(member=victim, community=led, role=Membership.Role.LEADER)
    others_membership = MembershipFactory(member=other, community=led)
    thread = community_services.thread_create(
        community=led, author=victim, title="Citizen budgets", body="Who published a citizen budget?"
    )
    reply = community_services.post_reply(
        thread=thread, author=other, body="We did, @hnin-wai-aung. Ask me anything.", shown_in=led
    )
    community_services.post_reply(thread=thread, author=victim, body="Thank you, @" + other.handle, shown_in=led)
    community_services.post_toggle_helpful(post=reply, member=victim, community=led)
    community_services.post_report(post=reply, reporter=victim, reason="other", note="Please check the figures.")
    others_thread = community_services.thread_create(
        community=led, author=other, title="School budgets", body="How do schools plan?"
    )
    community_services.thread_toggle_follow(thread=others_thread, member=victim)
    ModerationAction.objects.create(
        community=led, actor=coordinator, action=ModerationAction.Action.ROLE, subject=victim,
        note=f"{victim.full_name} asked to lead",
    )  # fmt: skip
    # A request-to-join community: the request notifies its leader by name; the decision is logged and audited.
    gated = CommunityFactory(name="Procurement", visibility=Community.Visibility.REQUEST)
    MembershipFactory(member=other, community=gated, role=Membership.Role.LEADER)
    request = community_services.community_join(member=victim, community=gated)
    community_services.membership_decide(membership=request, actor=other, approve=True)
    community_services.membership_remove(membership=others_membership, actor=victim)
    team = LocalActionTeam.objects.create(
        community=led, local_community=victim.local_community, name="Mandalay team", leader=victim
    )
    team.members.add(victim)
    audit_record(actor=coordinator, action=AuditEntry.Action.ROLE_GRANTED, target=member_label(victim), detail="X")
    user_type = ContentType.objects.get_for_model(User)
    LogEntry.objects.create(
        user=coordinator, content_type=user_type, object_id=str(victim.pk), object_repr=str(victim),
        action_flag=CHANGE, change_message="[]",
    )  # fmt: skip
    membership_type = ContentType.objects.get_for_model(Membership)
    LogEntry.objects.create(
        user=coordinator, content_type=membership_type, object_id=str(request.pk), object_repr=str(request),
        action_flag=DELETION,
    )  # fmt: skip
    past = EventFactory(title="Budget clinic", starts_at=now - timedelta(days=10), speaker_members=[victim])
    attended = RegistrationFactory(event=past, member=victim, attended=True)
    Feedback.objects.create(registration=attended, satisfaction=5, useful="The citizen budget template")
    upcoming = EventFactory(title="Procurement webinar", starts_at=now + timedelta(days=10))
    future_registration = RegistrationFactory(event=upcoming, member=victim)
    CalendarFeed.objects.create(member=victim)
    topic = TopicSuggestion.objects.create(title="Gender budgeting", why="Nobody covers it", proposed_by=victim)
    TopicVote.objects.create(suggestion=topic, member=victim)
    expert = MemberExpertFactory(member=victim, name=victim.full_name, email=victim.email, bio="Budget analyst")
    ExpertClusterFactory(theme="Public finance").leads.add(victim)
    referral = ReferralFactory(thread=thread, asked_by=victim, expert=MemberExpertFactory())
    RatingFactory(referral=referral, rater=victim, score=5, comment="Clear and practical")
    summary = summary_from_thread(thread=thread, community=led, actor=coordinator)
    summary.authors.add(victim)
    survey = Survey.objects.create(
        title="Network pulse", opens_at=now - timedelta(days=1), closes_at=now + timedelta(1)
    )
    question = SurveyQuestion.objects.create(survey=survey, text="What should improve?", kind="text", required=False)
    survey_submit(survey=survey, member=victim, questions=[question], data={f"q{question.pk}": "More webinars"})
    preference_set(member=victim, frequency="weekly")
    sent = DigestDelivery.objects.create(
        member=victim, period="weekly:sent", status=DigestDelivery.Status.SENT, sent_at=now,
        error=f"first attempt: timeout for <{victim.email}>", items={"threads": [thread.pk]},
    )  # fmt: skip
    DigestDelivery.objects.create(
        member=victim, period="weekly:failed", status=DigestDelivery.Status.FAILED, error=f"550 <{victim.email}>"
    )
    # An email to someone else that names them (kept in the outbox where the platform keeps one).
    queue_email(EmailMessage(subject="New reply", body=f"{victim.full_name} replied to you.", to=[other.email]))
    return {
        "coordinator": coordinator, "led": led, "gated": gated, "thread": thread, "reply": reply, "past": past,
        "attended": attended, "future_registration": future_registration, "expert": expert, "summary": summary,
        "sent_digest": sent, "others_thread": others_thread,
    }  # fmt: skip


# --- The page ----------------------------------------------------------------------------------------------


def test_it_explains_both_actions_and_is_linked_from_the_profile_edit_page(victim_client):
    assert PRIVACY_URL in victim_client.get(reverse("members:profile_edit")).content.decode()
    content = victim_client.get(PRIVACY_URL).content.decode()
    assert "Download a copy of your data" in content
    assert "Delete your account" in content
    assert "cannot be undone" in content
    assert "Former member" in content


def test_it_sends_anonymous_visitors_to_sign_in(client):
    for url in (PRIVACY_URL, "/members/me/privacy/export/anything/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert client.post(PRIVACY_URL, {"action": "export"}).status_code == 302
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("extra", [0, 5])
def test_the_page_uses_a_constant_number_of_queries(victim_client, victim, django_assert_num_queries, extra):
    for n in range(extra):
        Notification.objects.create(recipient=victim, kind="reply", text=f"Reply {n}", url="/")
        audit_record(actor=victim, action=AuditEntry.Action.DATA_EXPORT, target=member_label(victim))
    # 1 session, 2 user, 3 unread notifications (header), 4 the last export request (audit log, past hour)
    with django_assert_num_queries(4):
        assert victim_client.get(PRIVACY_URL).status_code == 200


# --- Export ------------------------------------------------------------------------------------------------


def test_every_relation_to_a_member_is_exported_and_has_a_deletion_rule():
    """Fails when a model gains a relation to the member that members.privacy does not know about: add it to
    RELATIONS (which export file carries it, what deletion does) and to the export."""
    user_model = get_user_model()
    found = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and (field.related_model is user_model or model is user_model)
    }
    assert found == set(privacy.RELATIONS)
    assert {file for file, _rule in privacy.RELATIONS.values()} <= set(privacy.EXPORT_FILES)


def test_the_export_holds_the_members_data_and_none_of_anyone_elses(
    victim_client, victim, other, django_capture_on_commit_callbacks, mailoutbox
):
    rows = footprint(victim, other)
    path = request_export(victim_client, django_capture_on_commit_callbacks, mailoutbox)

    response = victim_client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    archive = zip_of(response)
    assert set(archive.namelist()) == {"README.txt", *privacy.EXPORT_FILES}
    files = {name: archive.read(name).decode() for name in archive.namelist()}
    data = {name: json.loads(text) for name, text in files.items() if name.endswith(".json")}
    for name, text in files.items():  # not a word about the member they talked with
        assert other.email not in text, name
        assert other.full_name not in text, name

    profile = data["profile.json"]
    assert (profile["email"], profile["full_name"], profile["city_region"]) == (
        victim.email, "Daw Hnin Wai Aung", "Mandalay",
    )  # fmt: skip
    assert profile["local_community"] == "Chanayethazan"
    assert profile["email_addresses"] == [{"email": victim.email, "verified": True, "primary": True}]
    assert data["languages.json"] == [{"code": "my", "name": "Burmese"}]
    assert data["interests.json"] == ["open budgets"]
    memberships = data["memberships.json"]
    assert {(m["community_name"], m["status"]) for m in memberships["memberships"]} == {
        ("Open budgets", "active"), ("Procurement", "active"),
    }  # fmt: skip
    assert memberships["local_action_teams"] == [{"name": "Mandalay team", "community_name": "Open budgets"}]
    assert [t["title"] for t in data["threads.json"]] == ["Citizen budgets"]
    assert [p["body"] for p in data["posts.json"]] == ["Who published a citizen budget?", f"Thank you, @{other.handle}"]
    assert [r["post_id"] for r in data["reactions.json"]] == [rows["reply"].pk]
    assert {f["title"] for f in data["follows.json"]} == {"Citizen budgets", "School budgets"}
    assert data["reports.json"][0]["note"] == "Please check the figures."
    moderation = data["moderation.json"]
    assert [a["action"] for a in moderation["actions_taken"]] == ["remove"]
    assert {a["action"] for a in moderation["actions_concerning_you"]} == {"role", "approve"}
    received = data["notifications.json"]["received"]
    assert {n["text"] for n in received} >= {"A member mentioned you in “Citizen budgets”"}
    assert data["notifications.json"]["caused_by_you"]
    events = data["events.json"]
    assert {(r["event_title"], r["feedback_useful"]) for r in events["registrations"]} == {
        ("Budget clinic", "The citizen budget template"), ("Procurement webinar", None),
    }  # fmt: skip
    assert events["speaking_at"][0]["title"] == "Budget clinic"
    assert events["topics_proposed"][0]["title"] == events["topic_votes"][0]["topic"] == "Gender budgeting"
    assert len(events["calendar_feed"]) == 1
    expert = data["expert.json"]
    assert expert["expert_profile"]["bio"] == "Budget analyst"
    assert expert["clusters_led"] == [{"theme": "Public finance"}]
    assert data["referrals.json"]["asked"][0]["thread_title"] == "Citizen budgets"
    assert data["ratings.json"][0]["comment"] == "Clear and practical"
    answers = data["surveys.json"]["responses"][0]["answers"]
    assert answers == [{"question": "What should improve?", "rating": None, "choices": [], "text": "More webinars"}]
    assert data["digests.json"]["preference"][0]["frequency"] == "weekly"
    assert {d["period"] for d in data["digests.json"]["deliveries"]} == {"weekly:sent", "weekly:failed"}
    assert {a["kind"] for a in data["activity.json"]} >= {"post", "reply", "reaction", "survey"}
    audit = data["audit.json"]
    assert {a["action"] for a in audit} >= {"account.export", "membership"}
    assert "Open budgets: a member" in {a["target"] for a in audit}  # who they removed, without the name
    assert data["knowledge.json"]["authored"][0]["title"] == "Summary: Citizen budgets"
    assert data["admin_log.json"] == [] and data["reporting.json"]["figures_entered"] == []
    assert "posts.json: everything you posted" in files["README.txt"]


def test_the_email_links_to_the_export_and_says_how_long_it_works(
    victim_client, victim, django_capture_on_commit_callbacks, mailoutbox
):
    path = request_export(victim_client, django_capture_on_commit_callbacks, mailoutbox)

    message = mailoutbox[-1]
    assert message.to == [victim.email]
    assert "ready" in message.subject
    assert path in message.body
    expires = (timezone.now() + timedelta(days=7)).astimezone(ZoneInfo("Asia/Yangon"))
    # In the member's own time, its zone named (it was UTC's).
    assert re.search(rf"until {expires:%-d %B %Y}, \d\d:\d\d \(Asia/Yangon\)", message.body), message.body
    assert "only when you are signed in as yourself" in message.body
    assert messages_of(victim_client.get(PRIVACY_URL)) == [
        "We are preparing a copy of your data. We will email you a download link when it is ready."
    ]


def test_the_request_is_audited(victim_client, victim, django_capture_on_commit_callbacks, mailoutbox):
    request_export(victim_client, django_capture_on_commit_callbacks, mailoutbox)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.DATA_EXPORT)
    assert entry.actor == victim
    assert entry.target == member_label(victim)


def test_the_link_works_only_for_the_member_who_asked(
    client, victim, other, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(victim)
    path = request_export(client, django_capture_on_commit_callbacks, mailoutbox)
    client.force_login(other)

    response = client.get(path)

    assert response.status_code == 404
    assert "This download link is not valid" in response.content.decode()
    assert not hasattr(response, "streaming_content")
    client.force_login(victim)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("tamper", ["signature", "payload", "folder"])
def test_a_tampered_link_shows_the_invalid_link_page(
    victim_client, victim, django_capture_on_commit_callbacks, mailoutbox, tamper
):
    from django.core import signing

    path = request_export(victim_client, django_capture_on_commit_callbacks, mailoutbox)
    token = path.rstrip("/").rsplit("/", 1)[1]
    if tamper == "signature":
        forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif tamper == "payload":  # a valid signature, with another salt: not ours
        forged = signing.dumps({"member": victim.pk, "folder": "1-" + "0" * 32}, salt="another.purpose")
    else:  # our signature, but a folder that is not an export folder of this member
        forged = signing.dumps({"member": victim.pk, "folder": "../../etc"}, salt=privacy.EXPORT_SALT)

    response = victim_client.get(reverse("members:privacy_export_download", args=[forged]))

    assert response.status_code == 404
    assert "This download link is not valid" in response.content.decode()


def test_the_link_expires_after_seven_days(victim_client, monkeypatch, django_capture_on_commit_callbacks, mailoutbox):
    path = request_export(victim_client, django_capture_on_commit_callbacks, mailoutbox)
    real_time = time.time()

    # The signer reads time.time(): move its clock, not the database's.
    def clock_moved(by: timedelta):
        monkeypatch.setattr("django.core.signing.time.time", lambda: real_time + by.total_seconds())

    clock_moved(timedelta(days=6, hours=23))
    assert victim_client.get(path).status_code == 200
    clock_moved(timedelta(days=7, minutes=1))
    response = victim_client.get(path)

    assert response.status_code == 404
    assert "This download link is not valid" in response.content.decode()


def test_a_member_may_ask_once_an_hour(victim_client, victim, django_capture_on_commit_callbacks, mailoutbox):
    request_export(victim_client, django_capture_on_commit_callbacks, mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        response = victim_client.post(PRIVACY_URL, {"action": "export"}, follow=True)

    assert len(mailoutbox) == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DATA_EXPORT).count() == 1
    assert any("less than an hour ago" in m for m in messages_of(response))
    assert "You asked for a copy at" in response.content.decode()
    # An hour later, a new copy may be asked for (here the hour is shortened: the log's times cannot be changed).
    with mock.patch.object(privacy, "EXPORT_REQUEST_INTERVAL", timedelta(0)):
        request_export(victim_client, django_capture_on_commit_callbacks, mailoutbox)
    assert len(mailoutbox) == 2


def test_a_job_that_runs_twice_builds_and_emails_once(victim, mailoutbox, django_capture_on_commit_callbacks):
    folder = f"{victim.pk}-{'a' * 32}"
    with django_capture_on_commit_callbacks(execute=True):
        assert build_export_task.delay(victim.pk, folder).get() == "built"
        assert build_export_task.delay(victim.pk, folder).get() == "done"
    assert len(mailoutbox) == 1


def test_a_worker_killed_after_the_file_before_the_email_sends_the_link_on_the_re_run(
    victim, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """The re-run found the file in place and did nothing: the member never got the link."""
    folder = f"{victim.pk}-{'c' * 32}"

    def killed(member, token):
        raise SystemExit("worker killed")

    monkeypatch.setattr(privacy, "_email_export_link", killed)
    with pytest.raises(SystemExit):
        privacy.export_build(member_id=victim.pk, folder=folder)
    assert (privacy._export_root() / folder / privacy.EXPORT_FILENAME).is_file()
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        assert build_export_task.delay(victim.pk, folder).get() == "emailed"
        assert build_export_task.delay(victim.pk, folder).get() == "done"
    assert [message.to for message in mailoutbox] == [[victim.email]]


def test_the_job_refuses_a_folder_of_another_member(victim, other):
    with pytest.raises(ValueError):
        privacy.export_build(member_id=victim.pk, folder=f"{other.pk}-{'a' * 32}")


def test_a_member_deleted_before_the_job_runs_gets_no_export(victim, mailoutbox):
    User.objects.filter(pk=victim.pk).update(is_active=False)
    assert privacy.export_build(member_id=victim.pk, folder=f"{victim.pk}-{'b' * 32}") == "skipped"
    assert not (privacy._export_root() / f"{victim.pk}-{'b' * 32}").exists()
    assert mailoutbox == []


def test_expired_export_files_are_purged(victim, other, settings):
    old = f"{victim.pk}-{'c' * 32}"
    fresh = f"{other.pk}-{'d' * 32}"
    privacy.export_build(member_id=victim.pk, folder=old)
    privacy.export_build(member_id=other.pk, folder=fresh)
    root = privacy._export_root()
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    for path in (*(root / old).iterdir(), root / old):  # the file, and the mark that its link was emailed
        os.utime(path, (eight_days_ago, eight_days_ago))
    (root / "not-an-export").mkdir()

    assert purge_expired_exports_task.delay().get() == 1

    assert not (root / old).exists()
    assert (root / fresh / privacy.EXPORT_FILENAME).is_file()
    assert (root / "not-an-export").is_dir()  # only folders this feature made are touched
    assert privacy.exports_purge_expired(now=time.time() + timedelta(days=8).total_seconds()) == 1


# --- Deletion ----------------------------------------------------------------------------------------------


# EmailField, SlugField, URLField and CountryField are CharFields; JSON holds email payloads and digest items.
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def text_rows_containing(*needles) -> list[tuple[str, object, str]]:
    """Every (model, pk, field) in any installed app whose text or JSON holds one of `needles`, in any case.
    Read row by row in Python: the test database is small, and JSON is searched the same way on every database."""
    needles = [n.lower() for n in needles]
    hits = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.get_fields()
            if getattr(f, "concrete", False) and not f.is_relation and isinstance(f, TEXT_FIELDS)
        ]
        for row in model._base_manager.values("pk", *fields) if fields else []:
            for field in fields:
                value = row[field]
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if any(needle in text.lower() for needle in needles):
                    hits.append((model._meta.label, row["pk"], field))
    return hits


def test_deletion_removes_the_name_and_email_from_every_table(
    victim_client, victim, other, django_capture_on_commit_callbacks, mailoutbox
):
    rows = footprint(victim, other)
    request_export(victim_client, django_capture_on_commit_callbacks, mailoutbox)
    old_email, old_name, old_handle = victim.email, victim.full_name, victim.handle
    before = {label for label, _pk, _field in text_rows_containing(old_email, old_name, old_handle)}
    assert before >= {  # the footprint really wrote them everywhere the platform copies a name or an address
        "members.User", "account.EmailAddress", "members.AuditEntry", "admin.LogEntry", "communities.Notification",
        "communities.ModerationAction", "knowledge.KnowledgeProduct", "digests.DigestDelivery", "experts.Expert",
        "communities.Post",  # another member's reply mentions them as @hnin-wai-aung
    }  # fmt: skip

    response = delete_account(victim_client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    # The coordinator's curated expert record is the one place kept on purpose (see members.privacy.RELATIONS):
    # it is the expert directory's entry, managed by the coordinator, and is only unlinked from the account.
    allowed = {("experts.Expert", rows["expert"].pk, "name"), ("experts.Expert", rows["expert"].pk, "email")}
    assert set(text_rows_containing(old_email, old_name, old_handle)) == allowed


def test_deletion_forgets_a_name_in_any_script(client, other, django_capture_on_commit_callbacks):
    victim = MemberFactory(full_name="ဒေါ်နှင်းဝေ", email="hninwai@example.org")
    gated = CommunityFactory(visibility=Community.Visibility.REQUEST)
    MembershipFactory(member=other, community=gated, role=Membership.Role.LEADER)
    community_services.community_join(member=victim, community=gated)  # the leader is notified by name
    queue_email(EmailMessage(subject="Hello", body=f"{victim.full_name} asks to join.", to=[other.email]))
    assert text_rows_containing("ဒေါ်နှင်းဝေ")
    client.force_login(victim)

    delete_account(client, django_capture_on_commit_callbacks)

    assert text_rows_containing("ဒေါ်နှင်းဝေ", "hninwai@example.org") == []
    assert Notification.objects.get(recipient=other).text == f"Former member asks to join {gated.name}"


def test_deletion_leaves_an_anonymous_former_member(
    victim_client, victim, other, django_capture_on_commit_callbacks, mailoutbox
):
    rows = footprint(victim, other)
    posts, activities = Post.objects.filter(author=victim).count(), Activity.objects.filter(member=victim).count()

    response = delete_account(victim_client, django_capture_on_commit_callbacks)

    assert response.url == reverse("members:privacy_deleted")
    former = User.objects.get(pk=victim.pk)
    assert former.email == f"deleted-{victim.pk}@invalid.example"
    assert (former.full_name, former.display_name, former.handle) == ("Former member", "Former member", None)
    assert not former.is_active and not former.is_staff and not former.is_superuser
    assert not former.has_usable_password()
    assert (former.organization, former.city_region, former.position_level, former.time_zone) == ("", "", "", "")
    assert former.local_community is None and former.hide_email
    assert (former.country.code, former.gender) == ("MM", "female")  # anonymous statistics, kept on purpose
    assert not former.groups.exists() and not former.languages.exists() and not former.interests.exists()
    # Kept: content and history.
    assert Post.objects.filter(author=former).count() == posts
    assert Activity.objects.filter(member=former).count() == activities
    assert set(Membership.objects.filter(member=former).values_list("status", flat=True)) == {"left"}
    assert Registration.objects.get(pk=rows["attended"].pk).attended is True
    assert DigestDelivery.objects.filter(member=former).get().pk == rows["sent_digest"].pk
    assert DigestDelivery.objects.get(pk=rows["sent_digest"].pk).error == ""
    assert SurveyResponse.objects.filter(member=former).exists()
    assert LocalActionTeam.objects.get(name="Mandalay team").members.filter(pk=former.pk).exists()
    # Gone: what only served the person.
    assert not EmailAddress.objects.filter(user=former).exists()
    assert not Notification.objects.filter(recipient=former).exists()
    assert not DigestPreference.objects.filter(member=former).exists()
    assert not CalendarFeed.objects.filter(member=former).exists()
    assert not Thread.objects.filter(followers=former).exists()
    assert not LocalActionTeam.objects.filter(leader=former).exists()
    assert Registration.objects.get(pk=rows["future_registration"].pk).status == Registration.Status.CANCELLED
    expert = Expert.objects.get(pk=rows["expert"].pk)
    assert expert.member is None and expert.bio == "Budget analyst"  # unlinked; the coordinator's record stays
    assert not former.led_clusters.exists()
    # Vote and topic counts stay right.
    assert TopicVote.objects.filter(member=former).exists()


def test_posts_show_former_member_and_the_profile_is_gone(
    client, victim, other, django_capture_on_commit_callbacks, mailoutbox
):
    rows = footprint(victim, other)
    client.force_login(victim)
    delete_account(client, django_capture_on_commit_callbacks)

    client.force_login(other)
    page = client.get(rows["thread"].get_absolute_url()).content.decode()

    assert "Former member" in page
    assert "Daw Hnin Wai Aung" not in page
    assert "We did, Former member. Ask me anything." in page  # the reply's @mention of them
    assert "hnin-wai-aung" not in page and reverse("members:detail", args=[victim.pk]) not in page
    assert "Who published a citizen budget?" in page
    assert client.get(reverse("members:detail", args=[victim.pk])).status_code == 404
    notifications = Notification.objects.filter(recipient=other).values_list("text", flat=True)
    assert "Former member mentioned you in “Citizen budgets”" in notifications


def test_deletion_signs_the_member_out_everywhere(client, victim, django_capture_on_commit_callbacks):
    from django.test import Client

    laptop, phone = client, Client()
    laptop.force_login(victim)
    phone.force_login(victim)
    assert Session.objects.count() == 2

    delete_account(laptop, django_capture_on_commit_callbacks)

    assert Session.objects.count() == 0
    assert phone.get(PRIVACY_URL).status_code == 302
    assert laptop.get(PRIVACY_URL).status_code == 302
    assert "Your account was deleted" in laptop.get(reverse("members:privacy_deleted")).content.decode()


def test_the_deleted_member_cannot_sign_in(client, victim, django_capture_on_commit_callbacks):
    old_email = victim.email
    client.force_login(victim)
    delete_account(client, django_capture_on_commit_callbacks)

    assert not client.login(email=old_email, password=PASSWORD)
    assert not client.login(email=f"deleted-{victim.pk}@invalid.example", password=PASSWORD)
    response = client.post(reverse("account_login"), {"login": old_email, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session


def test_deletion_removes_pending_export_files(victim_client, victim, django_capture_on_commit_callbacks, mailoutbox):
    path = request_export(victim_client, django_capture_on_commit_callbacks, mailoutbox)
    assert len(list(privacy._export_root().glob(f"{victim.pk}-*"))) == 1

    delete_account(victim_client, django_capture_on_commit_callbacks)

    assert list(privacy._export_root().glob(f"{victim.pk}-*")) == []
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert privacy.export_file_for(member=User.objects.get(pk=victim.pk), token=token) is None


def test_deletion_is_audited_without_the_name(victim_client, victim, django_capture_on_commit_callbacks, mailoutbox):
    request_export(victim_client, django_capture_on_commit_callbacks, mailoutbox)

    delete_account(victim_client, django_capture_on_commit_callbacks)

    deleted = AuditEntry.objects.get(action=AuditEntry.Action.ACCOUNT_DELETED)
    assert (deleted.actor, deleted.target) == (None, f"Former member #{victim.pk}")
    export = AuditEntry.objects.get(action=AuditEntry.Action.DATA_EXPORT)
    assert (export.actor_id, export.actor_label, export.target) == (
        victim.pk, f"Former member #{victim.pk}", f"Former member #{victim.pk}",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("password", "confirmation", "error"),
    [
        ("not-my-password-1", "DELETE", "That is not your current password."),
        (PASSWORD, "", "This field is required."),
        (PASSWORD, "delete", "Type DELETE, exactly as shown, to confirm."),
        ("", "DELETE", "This field is required."),
    ],
)
def test_a_wrong_password_or_confirmation_changes_nothing(
    victim_client, victim, django_capture_on_commit_callbacks, password, confirmation, error
):
    response = delete_account(victim_client, django_capture_on_commit_callbacks, password, confirmation)

    assert response.status_code == 200
    assert error in response.content.decode()
    victim.refresh_from_db()
    assert (victim.email, victim.full_name) == ("hnin.wai.aung@planning.example.gov", "Daw Hnin Wai Aung")
    assert victim.is_active and victim.handle == "hnin-wai-aung"
    assert victim.check_password(PASSWORD)
    assert EmailAddress.objects.filter(user=victim).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCOUNT_DELETED).exists()
    assert victim_client.get(PRIVACY_URL).status_code == 200  # still signed in


def test_the_last_superuser_cannot_delete_themselves(client, django_capture_on_commit_callbacks):
    admin = MemberFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = delete_account(client, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "You are the last superuser" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active and admin.is_superuser and admin.email.endswith("@ministry.example.org")

    MemberFactory(is_superuser=True, is_staff=True)  # with another superuser, they may go
    assert delete_account(client, django_capture_on_commit_callbacks).status_code == 302
    assert not User.objects.get(pk=admin.pk).is_superuser


def test_indicators_of_a_past_month_stay_the_same(victim, other, django_capture_on_commit_callbacks, client):
    """Everything the victim did last-but-one month (memberships, activity, posts, ratings, a registration for an
    event still to come, a survey answer, a digest) is counted the same before and after deletion."""
    month = (timezone.now().replace(day=1) - timedelta(days=40)).date().replace(day=1)
    when = datetime(month.year, month.month, 10, 12, tzinfo=UTC)
    community = CommunityFactory()
    for member in (victim, other):
        MembershipFactory(member=member, community=community, joined_at=when, requested_at=when)
        activity_record(member=member, kind=Activity.Kind.POST, community=community, occurred_at=when)
    team = LocalActionTeam.objects.create(community=community, local_community=victim.local_community, name="T")
    team.members.add(victim, other)
    thread = Thread.objects.create(community=community, author=victim, title="Old", created_at=when)
    Post.objects.create(thread=thread, author=victim, body="Old post", body_html="<p>Old post</p>", created_at=when)
    RatingFactory(referral=ReferralFactory(thread=thread, asked_by=victim), rater=victim, created_at=when)
    RegistrationFactory(member=victim, event=EventFactory(), created_at=when)  # the event is next week
    RegistrationFactory(member=victim, event=EventFactory(starts_at=when, ends_at=when + timedelta(hours=1)),
                        attended=True, created_at=when)  # fmt: skip
    survey = Survey.objects.create(title="S", opens_at=when, closes_at=when + timedelta(days=3))
    SurveyResponse.objects.create(survey=survey, member=victim, submitted_at=when)
    DigestDelivery.objects.create(member=victim, period="p", status=DigestDelivery.Status.SENT, sent_at=when)
    before = compute_values(month)
    assert before["members"]["total"]["total"] == 2 and before["members"]["gender"]["female"] == 2
    assert before["event_registrations"]["total"]["total"] == 2

    client.force_login(victim)
    delete_account(client, django_capture_on_commit_callbacks)

    assert compute_values(month) == before


def test_a_former_members_posts_show_no_name_and_no_profile_link(client):
    from members.privacy import account_delete

    author = MemberFactory(full_name="Thida Aung")
    reader = MemberFactory()
    community = Community.objects.create(name="Open", slug="open-former")
    for person in (author, reader):
        Membership.objects.create(member=person, community=community, status="active", joined_at=timezone.now())
    thread = community_services.thread_create(community=community, author=author, title="Hello", body="Kept text")
    account_delete(member=author)
    client.force_login(reader)
    html = client.get(thread.url_in(community)).content.decode()
    assert "Kept text" in html and "Former member" in html
    assert "Thida Aung" not in html and reverse("members:detail", args=[author.pk]) not in html


def test_others_mentions_of_a_deleted_member_say_former_member_and_link_nowhere(victim, other):
    namesake = MemberFactory(full_name="Hnin Wai Aung", handle="hnin-wai-aung-2")
    retired = MemberFactory(full_name="Aye Aye", handle="aye-aye")
    community = CommunityFactory()
    thread = community_services.thread_create(community=community, author=other, title="Budgets", body="Hello")
    body = "Thanks @Hnin-Wai-Aung and @hnin-wai-aung-2! See `@hnin-wai-aung`, or write to desk@hnin-wai-aung.org."
    mention = community_services.post_reply(thread=thread, author=other, body=body + " @aye-aye", shown_in=community)
    retired.is_active = False  # deactivated since (not deleted): the post keeps the link it was written with
    retired.save()
    escaped = community_services.post_reply(  # once its handle is known, an escaped spelling is linked too
        thread=thread, author=other, body="Over to @hnin-wai-aung (@hnin\\-wai-aung)", shown_in=community
    )
    untouched = community_services.post_reply(thread=thread, author=other, body="No mention", shown_in=community)
    untouched_html = untouched.body_html
    victim_url, namesake_url = (reverse("members:detail", args=[m.pk]) for m in (victim, namesake))
    assert victim_url in mention.body_html and namesake_url in mention.body_html and victim_url in escaped.body_html

    privacy.account_delete(member=victim)

    mention.refresh_from_db()
    assert mention.body == (
        "Thanks Former member and @hnin-wai-aung-2! See `Former member`, or write to desk@hnin-wai-aung.org. @aye-aye"
    )
    assert victim_url not in mention.body_html
    assert f'href="{namesake_url}" rel="nofollow noopener noreferrer">@hnin-wai-aung-2</a>' in mention.body_html
    assert (
        f'<a href="{reverse("members:detail", args=[retired.pk])}" rel="nofollow noopener noreferrer">@aye-aye</a>'
        in (mention.body_html)
    )
    assert "<code>Former member</code>" in mention.body_html
    assert mention.edited_at is None  # the platform's change, not an edit by its author
    escaped.refresh_from_db()
    assert escaped.body == "Over to Former member (Former member)"  # escaped, it read as the handle all the same
    assert victim_url not in escaped.body_html
    untouched.refresh_from_db()
    assert untouched.body_html == untouched_html


def test_others_text_says_former_member_in_its_writers_language(victim, other):
    """A post or a title says it in its author's language, a notification in its recipient's (it is worded in
    theirs)."""
    burmese, russian = MemberFactory(language="my"), MemberFactory(language="ru")
    russian_reader = MemberFactory(language="ru")
    community = CommunityFactory()
    thread = community_services.thread_create(
        community=community, author=burmese, title="@hnin-wai-aung ကျေးဇူးတင်ပါတယ်", body="Hello"
    )
    in_burmese = community_services.post_reply(
        thread=thread, author=burmese, body="@hnin-wai-aung ကျေးဇူးတင်ပါတယ်", shown_in=community
    )
    in_russian = community_services.post_reply(
        thread=thread, author=russian, body="Спасибо, @hnin-wai-aung", shown_in=community
    )
    in_english = community_services.post_reply(
        thread=thread, author=other, body="Thanks @hnin-wai-aung", shown_in=community
    )
    by_russian = Notification.objects.create(
        recipient=russian_reader, actor=russian, kind="reply", text="Ответ @hnin-wai-aung", url="/"
    )
    by_victim = Notification.objects.create(
        recipient=russian_reader, actor=victim, kind="reply", text="Daw Hnin Wai Aung ответила", url="/"
    )

    privacy.account_delete(member=victim)

    for post, text in [(in_burmese, "အဖွဲ့ဝင်ဟောင်း ကျေးဇူးတင်ပါတယ်"), (in_russian, "Спасибо, Бывший участник"),
                       (in_english, "Thanks Former member")]:  # fmt: skip
        post.refresh_from_db()
        assert post.body == text
    thread.refresh_from_db()
    assert thread.title == "အဖွဲ့ဝင်ဟောင်း ကျေးဇူးတင်ပါတယ်"
    by_russian.refresh_from_db()
    by_victim.refresh_from_db()
    assert (by_russian.text, by_victim.text) == ("Ответ Бывший участник", "Бывший участник ответила")


def test_a_mention_inside_a_links_address_keeps_the_link_whole(victim, other):
    community = CommunityFactory()
    thread = community_services.thread_create(community=community, author=other, title="Budgets", body="Hello")
    post = community_services.post_reply(
        thread=thread, author=other, body="[Her notes](https://example.org/notes?by=@hnin-wai-aung)", shown_in=community
    )
    escaped_only = community_services.post_reply(  # no plain spelling anywhere in the post
        thread=thread, author=other, body=r"Ask @hnin\-wai\-aung", shown_in=community
    )
    assert "@hnin-wai-aung" in escaped_only.body_html  # how readers see it

    privacy.account_delete(member=victim)

    post.refresh_from_db()
    assert post.body == "[Her notes](https://example.org/notes?by=former-member)"
    assert '<a href="https://example.org/notes?by=former-member"' in post.body_html  # still a link
    escaped_only.refresh_from_db()
    assert (escaped_only.body, "hnin" in escaped_only.body_html) == ("Ask Former member", False)


def test_a_link_written_to_look_like_a_mention_does_not_take_another_members_handle(victim, other):
    ann, lookalike = MemberFactory(full_name="Ann", handle="ann"), MemberFactory(full_name="Bo", handle="bo")
    community = CommunityFactory()
    thread = community_services.thread_create(community=community, author=other, title="Budgets", body="Hello")
    body = f"Over to @hnin-wai-aung and @ann ([@ann]({reverse('members:detail', args=[lookalike.pk])}))"
    post = community_services.post_reply(thread=thread, author=other, body=body, shown_in=community)

    privacy.account_delete(member=victim)

    post.refresh_from_db()
    ann_url, lookalike_url = (reverse("members:detail", args=[m.pk]) for m in (ann, lookalike))
    assert (
        f'<a href="{ann_url}" rel="nofollow noopener noreferrer">@ann</a> (<a href="{lookalike_url}"' in post.body_html
    )


def test_a_full_title_or_notification_still_fits_its_column(other):
    short = MemberFactory(full_name="Ab", handle="ab")
    community = CommunityFactory()
    title = "x" * 190 + " for @ab"  # 198 of 200 characters; "Former member" is 10 longer than "@ab"
    thread = community_services.thread_create(community=community, author=other, title=title, body="Hello")
    Notification.objects.create(recipient=other, kind=Notification.Kind.REPLY, text="y" * 296 + " @ab", url="/")

    privacy.account_delete(member=short)  # on PostgreSQL an overlong value would fail the whole deletion

    thread.refresh_from_db()
    assert thread.title == "x" * 190 + " for Form…"  # 200 characters, cut where they end
    text = Notification.objects.get(recipient=other).text
    assert len(text) <= 300 and "@ab" not in text


def test_thread_titles_and_anyones_notifications_lose_a_deleted_members_handle(victim, other):
    community = CommunityFactory()
    MembershipFactory(member=other, community=community)
    follower = MemberFactory()
    MembershipFactory(member=follower, community=community)
    thread = community_services.thread_create(
        community=community, author=other, title="A question for @hnin-wai-aung", body="Hello"
    )
    community_services.thread_toggle_follow(thread=thread, member=follower)
    community_services.post_reply(thread=thread, author=other, body="Anyone?", shown_in=community)
    assert (
        Notification.objects.get(recipient=follower).text == "U Kyaw Min Thu replied in “A question for @hnin-wai-aung”"
    )

    privacy.account_delete(member=victim)

    thread.refresh_from_db()
    assert thread.title == "A question for Former member"
    assert (
        Notification.objects.get(recipient=follower).text == "U Kyaw Min Thu replied in “A question for Former member”"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_the_posts_rewritten_are_locked_so_that_an_edit_meanwhile_waits(victim, other):
    community = CommunityFactory()
    thread = community_services.thread_create(community=community, author=other, title="Budgets", body="Hello")
    community_services.post_reply(thread=thread, author=other, body="Over to @hnin-wai-aung", shown_in=community)

    with CaptureQueriesContext(connection) as queries:
        privacy.account_delete(member=victim)

    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "communities_post"."id"')]
    assert len(reads) == 1 and reads[0].endswith("FOR UPDATE")


def test_search_no_longer_finds_a_post_by_a_deleted_members_handle(victim, other):
    community = CommunityFactory()
    thread = community_services.thread_create(community=community, author=other, title="Budgets", body="Hello")
    community_services.post_reply(thread=thread, author=other, body="Over to @hnin-wai-aung", shown_in=community)
    assert set(posts_matching("aung").values_list("thread", flat=True)) == {thread.pk}

    privacy.account_delete(member=victim)

    assert not posts_matching("aung").exists()  # on PostgreSQL, the stored search document follows the body


def test_deleting_a_community_s_only_leader_tells_the_coordinators(mailoutbox, django_capture_on_commit_callbacks):
    """The deletion goes ahead; the coordinators are emailed (in their language) to appoint a leader, and the
    audit log says so. A community with another leader raises no alert."""
    from tests.communities.factories import member_of

    leader = MemberFactory()
    alone = CommunityFactory(name="Budget officers")
    shared = CommunityFactory(name="Digital skills")
    member_of(alone, member=leader, role=Membership.Role.LEADER)
    member_of(shared, member=leader, role=Membership.Role.LEADER)
    member_of(shared, role=Membership.Role.LEADER)
    coordinator = CoordinatorFactory(language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        privacy.account_delete(member=leader)

    alerts = [m for m in mailoutbox if coordinator.email in m.to]
    assert len(alerts) == 1
    assert "Budget officers" in alerts[0].subject and "Budget officers" in alerts[0].body
    assert f"/communities/{alone.slug}/members/" in alerts[0].body
    assert "Digital skills" not in alerts[0].body
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MEMBERSHIP, target="Budget officers").exists()
    assert not AuditEntry.objects.filter(target="Digital skills").exists()


def test_a_product_named_after_a_deleted_member_gets_a_slug_without_their_name(victim, other):
    """A summary of a discussion that mentioned them as @handle carries the handle in its title and slug, a
    product may be named after them, or renamed since: each loses the name, its address is made again from its
    title, and the notifications that quoted the title lose the name too."""
    coordinator = CoordinatorFactory()
    community = CommunityFactory()
    MembershipFactory(member=other, community=community)
    thread = community_services.thread_create(
        community=community, author=other, title="A question for @hnin-wai-aung", body="Hello"
    )
    summary = summary_from_thread(thread=thread, community=community, actor=coordinator)
    interview = KnowledgeProductFactory(
        title="Interview with Daw Hnin Wai Aung", slug="interview-with-daw-hnin-wai-aung", review_note="Thanks!"
    )
    renamed = KnowledgeProductFactory(title="An interview on planning", slug="daw-hnin-wai-aung-on-planning")
    # Another member's handle, in a product renamed since: its address stays.
    namesake = KnowledgeProductFactory(title="Notes for @hnin-wai-aung-2, revised", slug="notes-for-hnin-wai-aung-2")
    # Named in its title since, not in its address: the address stays.
    retitled = KnowledgeProductFactory(title="Budget notes by Daw Hnin Wai Aung", slug="budget-notes")
    published = Notification.objects.create(
        recipient=other, text="“Interview with Daw Hnin Wai Aung” was published", url=interview.get_absolute_url()
    )
    quoting = Notification.objects.create(
        recipient=other, text="“Budget notes by Daw Hnin Wai Aung” was published", url=retitled.get_absolute_url()
    )
    assert summary.slug == "summary-a-question-for-hnin-wai-aung"

    privacy.account_delete(member=victim)

    for product in (summary, interview, renamed, namesake, retitled):
        product.refresh_from_db()
    assert (summary.title, summary.slug) == (
        "Summary: A question for Former member",
        "summary-a-question-for-former-member",
    )
    assert (interview.title, interview.slug) == ("Interview with Former member", "interview-with-former-member")
    assert renamed.slug == "an-interview-on-planning"
    assert (namesake.title, namesake.slug) == ("Notes for @hnin-wai-aung-2, revised", "notes-for-hnin-wai-aung-2")
    assert (retitled.title, retitled.slug) == ("Budget notes by Former member", "budget-notes")
    published.refresh_from_db(), quoting.refresh_from_db()
    assert (published.text, published.url) == (
        "“Interview with Former member” was published",
        "/knowledge/interview-with-former-member/",
    )
    assert (quoting.text, quoting.url) == ("“Budget notes by Former member” was published", "/knowledge/budget-notes/")


def test_a_short_one_word_name_is_left_where_it_is_an_everyday_word(other):
    """ "An" is forgotten where the text is about them (their own notifications' text); elsewhere it stays, rather
    than turn everyone's "an" into "Former member"."""
    an = MemberFactory(full_name="An", handle="an-k", email="an.k@example.org")
    introduction = KnowledgeProductFactory(
        title="An introduction to budgets", slug="an-introduction-to-budgets", body="An easy start.",
        summary="An overview.",
    )  # fmt: skip
    audit_record(actor=other, action=AuditEntry.Action.ROLE_GRANTED, target="An example role", detail="an upgrade")
    queue_email(EmailMessage(subject="An update", body="An example.", to=[other.email]))

    privacy.account_delete(member=an)

    introduction.refresh_from_db()
    assert (introduction.title, introduction.slug, introduction.body, introduction.summary) == (
        "An introduction to budgets", "an-introduction-to-budgets", "An easy start.", "An overview.",
    )  # fmt: skip
    assert AuditEntry.objects.filter(target="An example role", detail="an upgrade").exists()
    assert text_rows_containing("an.k@example.org") == []


def test_a_file_named_after_a_deleted_member_is_stored_again_without_the_name(
    victim, django_capture_on_commit_callbacks
):
    """Its download name is the uploaded name slugified, and its stored path keeps the name as uploaded. The old
    copy goes once the deletion commits; other files stay where they are."""
    product = KnowledgeProductFactory()
    cv = file_add(product=product, upload=upload("Daw Hnin Wai Aung CV.pdf", PDF_BYTES, "application/pdf"))
    guide = file_add(product=product, upload=upload("Budget guide.pdf", PDF_BYTES, "application/pdf"))
    old_cv, old_guide = cv.file.path, guide.file.path
    assert cv.original_name == "daw-hnin-wai-aung-cv.pdf" and "Hnin_Wai_Aung" in cv.file.name

    with django_capture_on_commit_callbacks(execute=True):
        privacy.account_delete(member=victim)

    cv.refresh_from_db(), guide.refresh_from_db()
    assert cv.original_name == "former-member-cv.pdf" and "hnin" not in cv.file.name.lower()
    assert cv.file.read() == PDF_BYTES and not os.path.exists(old_cv)
    assert (guide.original_name, guide.file.path) == ("budget-guide.pdf", old_guide)


def test_a_file_named_in_another_script_loses_the_name_from_its_stored_path(other):
    member = MemberFactory(full_name="ဒေါ်နှင်းဝေ", email="hninwai@example.org")
    notes = file_add(
        product=KnowledgeProductFactory(), upload=upload("ဒေါ်နှင်းဝေ notes.pdf", PDF_BYTES, "application/pdf")
    )
    assert notes.original_name == "notes.pdf" and "ဒ" in notes.file.name

    privacy.account_delete(member=member)

    notes.refresh_from_db()
    assert notes.original_name == "notes.pdf" and "ဒ" not in notes.file.name


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_co_leaders_deleted_at_once_leave_the_coordinators_told():
    """Each deletion saw the other leader stay: the community was left with no leader, and nobody was told."""
    CoordinatorFactory()
    for _round in range(3):  # a race that loses only sometimes should still show up
        community = CommunityFactory()
        leaders = [MembershipFactory(community=community, role=Membership.Role.LEADER).member for _ in range(2)]

        results = together(*(lambda leader=leader: privacy.account_delete(member=leader) for leader in leaders))

        assert not [result for result in results if isinstance(result, Exception)], results
        assert not Membership.objects.current().filter(community=community, role=Membership.Role.LEADER).exists()
        alerts = AuditEntry.objects.filter(target=str(community), detail__startswith="left without a leader")
        assert alerts.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_leaders_deletion_and_a_co_leaders_leaving_at_once_do_not_deadlock(monkeypatch):
    """The deletion rewrote (and locked) the co-leader's notifications naming the deleted leader, then took the
    leaders' locks; the co-leader leaving took the leaders' locks, then deleted their notifications: PostgreSQL
    found the two waiting on each other and aborted one. The deletion is held just before the leaders' locks."""
    import threading

    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    deleted, staying = (MembershipFactory(community=private, role=Membership.Role.LEADER).member for _ in range(2))
    thread = ThreadFactory(community=private)
    Notification.objects.create(
        recipient=staying, actor=deleted, kind=Notification.Kind.REPLY, community=private,
        text=f"{deleted.full_name} replied in “{thread.title}”", url=thread.url_in(private),
    )  # fmt: skip
    at_the_locks, go_on = threading.Event(), threading.Event()
    leaders_lock = privacy._leaders_lock

    def held_at_the_leaders_locks(member):
        at_the_locks.set()
        go_on.wait(10)
        return leaders_lock(member)

    monkeypatch.setattr(privacy, "_leaders_lock", held_at_the_leaders_locks)

    def leave_once_the_deletion_is_held():
        assert at_the_locks.wait(10)
        threading.Timer(1.0, go_on.set).start()  # the leaving takes its locks meanwhile
        return community_services.community_leave(member=staying, community=private)

    results = together(lambda: privacy.account_delete(member=deleted), leave_once_the_deletion_is_held)

    assert not [result for result in results if isinstance(result, Exception)], results


def _exported(member, name: str):
    build, _description = privacy.EXPORT_FILES[name]
    return build(member)


def test_the_export_names_only_the_discussions_the_member_may_still_read(victim, other):
    """follows.json and reactions.json gave the titles of discussions the moderators had hidden since, and of those
    in a private community the member had left: what the member may no longer read. The follows and marks stay
    listed (theirs), without the titles."""
    open_community = CommunityFactory(name="Open budgets")
    private = CommunityFactory(name="Cabinet office", visibility=Community.Visibility.PRIVATE)
    for community in (open_community, private):
        MembershipFactory(member=victim, community=community)
        MembershipFactory(member=other, community=community)
    threads = {
        title: community_services.thread_create(community=community, author=other, title=title, body="Read this.")
        for title, community in [
            ("Citizen budgets", open_community), ("Named and shamed", open_community), ("Reshuffle", private),
        ]
    }  # fmt: skip
    for thread in threads.values():
        community_services.thread_toggle_follow(thread=thread, member=victim)
        reply = community_services.post_reply(thread=thread, author=other, body="More.", shown_in=thread.community)
        community_services.post_toggle_helpful(post=reply, member=victim, community=thread.community)
    Thread.objects.filter(pk=threads["Named and shamed"].pk).update(is_hidden=True)  # by the moderators
    community_services.community_leave(member=victim, community=private)

    follows = _exported(victim, "follows.json")
    reactions = _exported(victim, "reactions.json")

    assert {row["id"]: row["title"] for row in follows} == {
        threads["Citizen budgets"].pk: "Citizen budgets", threads["Named and shamed"].pk: None,
        threads["Reshuffle"].pk: None,
    }  # fmt: skip
    assert sorted([row["thread_title"] for row in reactions], key=str) == ["Citizen budgets", None, None]
    # A moderator of the community still reads its hidden discussions.
    Membership.objects.filter(member=victim, community=open_community).update(role=Membership.Role.MODERATOR)
    titles = {row["title"] for row in _exported(victim, "follows.json")}
    assert titles == {"Citizen budgets", "Named and shamed", None}


def test_the_export_readme_describes_each_file_in_the_members_language(victim, monkeypatch, tmp_path):
    """The README's line about each file was in English whatever the member's language: the descriptions were not
    marked for translation, and the worker built the ZIP in the site's language."""
    from django.utils import translation

    monkeypatch.setattr(translation._trans, "gettext", lambda message: f"[{translation.get_language()}] {message}")
    victim.language = "ru"
    victim.save(update_fields=["language"])

    privacy.export_build_zip(victim, tmp_path / "export.zip")

    readme = zipfile.ZipFile(tmp_path / "export.zip").read("README.txt").decode().splitlines()
    assert readme[0].startswith("[ru] Your data from")
    assert [line.split(": ", 1)[0] for line in readme[2:]] == list(privacy.EXPORT_FILES)
    assert all(line.split(": ", 1)[1].startswith("[ru] ") for line in readme[2:]), readme
    assert "posts.json: [ru] everything you posted" in readme


def test_a_russian_reader_confirms_with_the_word_in_russian(victim_client, victim, django_capture_on_commit_callbacks):
    """The word was DELETE in every language: typed on a Latin keyboard, which a Burmese phone's is not."""
    victim_client.cookies["django_language"] = "ru"
    assert "Для подтверждения введите УДАЛИТЬ" in victim_client.get(PRIVACY_URL).content.decode()

    delete_account(victim_client, django_capture_on_commit_callbacks, PASSWORD, "УДАЛИТЬ")

    victim.refresh_from_db()
    assert not victim.is_active
