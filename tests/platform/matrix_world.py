"""The small world behind tests/platform/test_url_matrix.py: one object of every kind each URL needs, the nine
roles of the matrix, and "secret" marker strings in the titles of everything some role must never see.

Communities: A is open, B takes requests to join, P is private.

Roles (the matrix's columns):
  anonymous       not signed in
  member          a plain member of A (registered for A's webinar, asked an expert a question in A)
  other_member    a member of B only (hides their email address)
  non_member      a member of nothing: left P (and still holds a registration for P's event), asked to join B
  expert          in the Experts group, linked to an expert profile, referred to one thread of P
  leader          leader of A, author of a draft knowledge product
  coordinator     staff in the Coordinators group
  report_viewer   in the Report viewers group
  superuser       a superuser (staff, no group)

Also: `root`, a second superuser (for the admin rows about superusers' accounts); `insider`, leader of P and author
of its threads, product and registration; `a_author` and `b_leader`, who wrote A's and B's threads.

Every title, name or text in SECRETS is unique in the world (no marker contains another); SECRETS says which
roles may ever see it. Most other titles share the word "Quokka", so searching for it finds all there is.
"""

import io
import json
import zipfile
from datetime import timedelta
from types import SimpleNamespace

from django.core import signing
from django.core.files.base import ContentFile
from django.utils import timezone

from communities.models import Community, Membership, Notification, Report
from cop_platform.models import OutboxEmail
from digests.emails import unsubscribe_token
from events.models import Event, Registration, TopicSuggestion
from events.services import calendar_feed_for
from experts.models import Expert, Referral
from indicators.compute import freeze_month
from indicators.models import ProgressReport, Survey, SurveyQuestion
from knowledge.models import KnowledgeProduct
from tests.communities.factories import CommunityFactory, MembershipFactory, PostFactory, ThreadFactory
from tests.digests.factories import NewsItemFactory
from tests.events.factories import EventFactory, RegistrationFactory
from tests.experts.factories import ExpertClusterFactory, MemberExpertFactory, ReferralFactory
from tests.experts.factories import ExpertFactory as ExpertProfileFactory
from tests.factories import CoordinatorFactory, ExpertFactory, MemberFactory, ReportViewerFactory
from tests.knowledge.factories import FAQItemFactory, KnowledgeProductFactory, ProductFileFactory

ROLES = (
    "anonymous", "member", "other_member", "non_member", "expert", "leader", "coordinator", "report_viewer",
    "superuser",
)  # fmt: skip

FAKE_PDF = b"%PDF-1.4\n% fake report for the URL matrix\n%%EOF\n"
SEARCH_WORD = "Quokka"

# --- Secrets: marker -> the roles that may see it -------------------------------------------------------------
ADMINS = frozenset({"coordinator", "superuser"})

P_NAME = "Zebracircle Papa"  # the private community's name
P_THREAD = "Xylo private thread"  # a thread of P nobody outside P may read
P_POST = "Xylo opening words"  # its opening post
P_REPLY = "Xylo confidential reply"  # a reply in it
P_REF_THREAD = "Yak referred thread"  # the thread of P the expert was asked into
B_THREAD = "Bison request-only thread"  # a thread of B: members of B only
A_HIDDEN = "Hushed hidden thread"  # a hidden thread of A: its moderators only
P_EVENT = "Vole private webinar"  # an event shared with P only
DRAFT_EVENT = "Wombat draft event"
P_PRODUCT = "Umbra private guidance"  # a published product shared with P only
DRAFT_PRODUCT = "Tapir draft guidance"  # the leader's draft
P_SURVEY = "Sable private survey"
P_TOPIC = "Raven private topic"
P_FAQ = "Quail private question"
P_NEWS = "Puffin private news"
EXPERT_PHONE = "+95 9 777 0101"  # the expert's phone number: coordinators only
UNLISTED_EXPERT = "Orca Unlisted Expertname"  # an expert still being mapped: coordinators only
HIDDEN_EMAIL = "hidden.bravo@mailbox.example.net"  # other_member hides their address
NOTE_TEXT = "Newt notification text"  # a notification for the member
JOIN_URL = "https://meet.example.org/moose-join-room"  # A's webinar: registered members and coordinators
HIDDEN_POST = "Heron hidden reply"  # a reply in A's thread, hidden by a moderator
EXPERT_EMAIL = "esme.expert@university.example.net"  # experts' addresses are for coordinators only

SECRETS = {
    # The expert reads the one thread of P they were asked into, which names P; report viewers see P's name in
    # the indicators' per-community figures.
    P_NAME: ADMINS | {"expert", "report_viewer"},
    P_THREAD: ADMINS,
    P_POST: ADMINS,
    P_REPLY: ADMINS,
    P_REF_THREAD: ADMINS | {"expert"},
    B_THREAD: ADMINS | {"other_member"},
    A_HIDDEN: ADMINS | {"leader"},
    P_EVENT: ADMINS,
    DRAFT_EVENT: ADMINS,
    P_PRODUCT: ADMINS,
    DRAFT_PRODUCT: ADMINS | {"leader"},
    P_SURVEY: ADMINS,
    P_TOPIC: ADMINS,
    P_FAQ: ADMINS,
    P_NEWS: ADMINS,
    EXPERT_PHONE: ADMINS,
    UNLISTED_EXPERT: ADMINS,
    HIDDEN_EMAIL: ADMINS | {"other_member"},
    NOTE_TEXT: ADMINS | {"member"},
    JOIN_URL: ADMINS | {"member"},
    HIDDEN_POST: ADMINS | {"leader"},
    EXPERT_EMAIL: ADMINS | {"expert"},
}


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def _privacy_export_token(member) -> str:
    """A finished data export for `member`, as members.privacy's worker leaves it, and the emailed link's token."""
    from members import privacy

    folder = f"{member.pk}-{'ab' * 16}"
    directory = privacy._export_root() / folder
    directory.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("profile.json", json.dumps({"full_name": member.full_name}))
    (directory / privacy.EXPORT_FILENAME).write_bytes(buffer.getvalue())
    return signing.dumps({"member": member.pk, "folder": folder}, salt=privacy.EXPORT_SALT)


def build_world() -> SimpleNamespace:
    long_ago = _days_ago(90)
    last_month = (timezone.now().date().replace(day=1) - timedelta(days=1)).replace(day=1)

    # --- People --------------------------------------------------------------------------------------------
    users = {
        "anonymous": None,
        "member": MemberFactory(full_name="Mira Member"),
        "other_member": MemberFactory(full_name="Otto Othermember", email=HIDDEN_EMAIL, hide_email=True),
        "non_member": MemberFactory(full_name="Nora Nonmember"),
        "expert": ExpertFactory(full_name="Esme Expert", email=EXPERT_EMAIL),
        "leader": MemberFactory(full_name="Leo Leader"),
        "coordinator": CoordinatorFactory(full_name="Cora Coordinator"),
        "report_viewer": ReportViewerFactory(full_name="Vic Viewer"),
        "superuser": MemberFactory(full_name="Sue Superuser", is_superuser=True, is_staff=True),
    }
    root = MemberFactory(full_name="Rob Root", is_superuser=True, is_staff=True)  # another superuser
    insider = MemberFactory(full_name="Ines Insider")  # leader of P, author of its threads
    a_author = MemberFactory(full_name="Ada Author")  # a member of A who wrote A's threads
    b_leader = MemberFactory(full_name="Bert Bleader")

    # --- Communities -------------------------------------------------------------------------------------
    a = CommunityFactory(name=f"{SEARCH_WORD} Alpha Practice", slug="alpha", visibility=Community.Visibility.OPEN)
    b = CommunityFactory(name=f"{SEARCH_WORD} Bravo Practice", slug="bravo", visibility=Community.Visibility.REQUEST)
    p = CommunityFactory(name=P_NAME, slug="papa", visibility=Community.Visibility.PRIVATE)

    def join(member, community, role=Membership.Role.MEMBER, **kwargs):
        values = {"requested_at": long_ago, "joined_at": long_ago, **kwargs}
        return MembershipFactory(member=member, community=community, role=role, **values)

    join(users["member"], a)
    join(users["leader"], a, Membership.Role.LEADER)
    join(a_author, a)
    join(users["other_member"], b)
    join(b_leader, b, Membership.Role.LEADER)
    join(insider, p, Membership.Role.LEADER)
    join(users["non_member"], p, status=Membership.Status.LEFT, left_at=_days_ago(10))
    pending = join(users["non_member"], b, status=Membership.Status.PENDING, joined_at=None)

    # --- Discussions -------------------------------------------------------------------------------------
    thread_a = ThreadFactory(community=a, author=a_author, title=f"{SEARCH_WORD} budgeting in the open")
    post_a = PostFactory(thread=thread_a, author=a_author, body=f"{SEARCH_WORD} advice anyone may read.")
    hidden_a = ThreadFactory(community=a, author=a_author, title=f"{A_HIDDEN} {SEARCH_WORD}", is_hidden=True)
    thread_b = ThreadFactory(community=b, author=b_leader, title=f"{B_THREAD} {SEARCH_WORD}")
    thread_p = ThreadFactory(
        community=p, author=insider, title=f"{P_THREAD} {SEARCH_WORD}", opening_post__body=f"{P_POST} {SEARCH_WORD}"
    )
    post_p = PostFactory(thread=thread_p, author=insider, body=f"{P_REPLY} {SEARCH_WORD}")
    report_p = Report.objects.create(post=post_p, reporter=insider, reason=Report.Reason.SPAM)
    PostFactory(thread=thread_a, author=a_author, body=f"{HIDDEN_POST} {SEARCH_WORD}", is_hidden=True)
    # An inter-practice discussion: P's thread shown in A too. A's members read it there; P stays unnamed.
    thread_p_shared = ThreadFactory(community=p, author=insider, title=f"{SEARCH_WORD} shared by P with A")
    thread_p_shared.linked_communities.add(a)
    thread_p_ref = ThreadFactory(community=p, author=insider, title=f"{P_REF_THREAD} {SEARCH_WORD}")

    # --- Experts -----------------------------------------------------------------------------------------
    cluster = ExpertClusterFactory(theme=f"{SEARCH_WORD} public finance", communities=[a, p])
    expert = MemberExpertFactory(member=users["expert"], name="Esme Expert", phone=EXPERT_PHONE, clusters=[cluster])
    unlisted = ExpertProfileFactory(name=UNLISTED_EXPERT, status=Expert.Status.MAPPED, phone="")
    referral_p = ReferralFactory(thread=thread_p_ref, community=p, expert=expert, asked_by=insider)
    answer = PostFactory(thread=thread_a, author=users["expert"], body=f"{SEARCH_WORD} answer from the expert.")
    referral_a = ReferralFactory(
        thread=thread_a, community=a, expert=expert, asked_by=users["member"], status=Referral.Status.ANSWERED,
        first_answer=answer, first_answer_at=timezone.now(),
    )  # fmt: skip

    # --- Events ------------------------------------------------------------------------------------------
    event_a = EventFactory(
        title=f"{SEARCH_WORD} open webinar", slug="alpha-webinar", communities=[a], join_url=JOIN_URL
    )
    event_p = EventFactory(title=P_EVENT, slug="papa-webinar", communities=[p])
    # Shared with A and P: public, but P is named only to those who may know it exists.
    event_joint = EventFactory(title=f"{SEARCH_WORD} joint webinar", slug="joint-webinar", communities=[a, p])
    event_draft = EventFactory(title=DRAFT_EVENT, slug="draft-webinar", status=Event.Status.DRAFT)
    event_past = EventFactory(
        title=f"{SEARCH_WORD} past workshop", slug="past-workshop", communities=[a],
        starts_at=_days_ago(2), ends_at=_days_ago(2) + timedelta(hours=2),
    )  # fmt: skip
    RegistrationFactory(event=event_a, member=users["member"])
    RegistrationFactory(event=event_past, member=users["member"])
    RegistrationFactory(event=event_p, member=insider)
    # Registered while still a member of P: P's event must still not reach them anywhere.
    RegistrationFactory(event=event_p, member=users["non_member"], status=Registration.Status.REGISTERED)
    feeds = {role: calendar_feed_for(user) for role, user in users.items() if user is not None}
    topic = TopicSuggestion.objects.create(title=f"{SEARCH_WORD} topic for everyone", proposed_by=a_author)
    topic_p = TopicSuggestion.objects.create(title=P_TOPIC, community=p, proposed_by=insider)
    # A topic for everyone that became P's event: the event is named only to those who may see it.
    TopicSuggestion.objects.create(
        title=f"{SEARCH_WORD} scheduled topic", proposed_by=a_author, status=TopicSuggestion.Status.SCHEDULED,
        event=event_p,
    )  # fmt: skip

    # --- Knowledge ---------------------------------------------------------------------------------------
    product = KnowledgeProductFactory(
        title=f"{SEARCH_WORD} guidance for all", slug="open-guidance", communities=[a], tags=["quokka-tag"]
    )
    product_file = ProductFileFactory(product=product, original_name="open-guidance.pdf")
    product_p = KnowledgeProductFactory(
        title=f"{P_PRODUCT} {SEARCH_WORD}", slug="papa-guidance", communities=[p], authors=[insider]
    )
    product_p_file = ProductFileFactory(product=product_p, original_name="papa-guidance.pdf")
    draft = KnowledgeProductFactory(
        title=f"{DRAFT_PRODUCT} {SEARCH_WORD}", slug="draft-guidance", communities=[a], authors=[users["leader"]],
        status=KnowledgeProduct.Status.DRAFT,
    )  # fmt: skip
    FAQItemFactory(community=a, question=f"{SEARCH_WORD} question anyone may read?")
    FAQItemFactory(community=p, question=P_FAQ)

    # --- Digests, notifications, surveys -----------------------------------------------------------------
    NewsItemFactory(title=f"{SEARCH_WORD} news for all")
    news_p = NewsItemFactory(title=P_NEWS, communities=[p])
    notification = Notification.objects.create(
        recipient=users["member"], kind=Notification.Kind.REPLY, text=NOTE_TEXT, url=thread_a.url_in(a), community=a
    )
    survey = Survey.objects.create(
        title=f"{SEARCH_WORD} survey for all", opens_at=_days_ago(1), closes_at=timezone.now() + timedelta(days=30)
    )
    SurveyQuestion.objects.create(survey=survey, text="How useful is the platform?")
    survey_p = Survey.objects.create(
        title=P_SURVEY, community=p, opens_at=_days_ago(1), closes_at=timezone.now() + timedelta(days=30)
    )
    SurveyQuestion.objects.create(survey=survey_p, text="How useful is P?")

    # --- Indicators: last month frozen, its report ready (a fake PDF, as tests/indicators/conftest.py) ----
    snapshot, _ = freeze_month(last_month)
    report = ProgressReport.objects.create(month=last_month)
    report.file.save(f"report-{last_month:%Y-%m}.pdf", ContentFile(FAKE_PDF), save=False)
    report.generated_at = timezone.now()
    report.pages = 1
    report.snapshot_computed_at = snapshot.computed_at
    report.save()

    outbox = OutboxEmail.objects.create(payload={"subject": "Hello", "to": [users["member"].email], "body": "Hi"})

    return SimpleNamespace(
        users=users, root=root, insider=insider, a_author=a_author, b_leader=b_leader,
        a=a, b=b, p=p, pending=pending,
        thread_a=thread_a, post_a=post_a, hidden_a=hidden_a, thread_b=thread_b,
        thread_p=thread_p, post_p=post_p, report_p=report_p, thread_p_ref=thread_p_ref,
        thread_p_shared=thread_p_shared,
        expert=expert, unlisted=unlisted, cluster=cluster, referral_p=referral_p, referral_a=referral_a,
        event_a=event_a, event_p=event_p, event_joint=event_joint, event_draft=event_draft, event_past=event_past,
        feeds=feeds,
        topic=topic, topic_p=topic_p,
        product=product, product_file=product_file, product_p=product_p, product_p_file=product_p_file, draft=draft,
        news_p=news_p, notification=notification, survey=survey, survey_p=survey_p,
        month=last_month, report=report, snapshot=snapshot, outbox=outbox,
        unsubscribe_token=unsubscribe_token(users["member"]),
        export_token=_privacy_export_token(users["member"]),
    )  # fmt: skip
