"""A member's privacy rights: a copy of everything the platform holds about them, and deleting their account.

Deleting does not remove the User row. Posts, memberships, registrations, ratings, survey responses and the
activity record keep pointing at it, so discussions stay readable and every month's indicators — frozen or
recomputed — stay the same. What makes the row a person (name, email, handle, password, organization, city,
languages, interests, roles, sessions, notifications…) goes, and the row becomes an anonymous "Former member".
Others' posts and thread titles that mentioned them as @handle say "Former member" there instead, in their
author's language (former_member_in).

RELATIONS lists every relation between the member and another table, with the export file that carries it and
what deletion does with it. tests/members/test_privacy.py introspects the models and fails when a relation is
missing here, so a new feature that stores something about members has to decide both.
"""

import json
import logging
import re
import secrets
import shutil
import time
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import SuspiciousFileOperation
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator, get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities import services as community_services
from communities.access import threads_readable_by
from communities.member_counts import member_counts_forget
from communities.models import (
    Community,
    LocalActionTeam,
    Membership,
    ModerationAction,
    Notification,
    Post,
    Reaction,
    Report,
    Thread,
)
from communities.services import _leaders_locked
from cop_platform import broker
from cop_platform.i18n import in_language_of, language_for
from cop_platform.mail import queue_email_to
from digests.models import DigestDelivery, DigestPreference
from events.models import CalendarFeed, Event, Registration, TopicSuggestion, TopicVote
from events.services import EventError, registration_cancel
from experts.models import Expert, ExpertCluster, ExpertStatusChange, Rating, Referral
from indicators.models import ManualFigure, MonthlyNarrative, ProgressReport, Survey, SurveyResponse
from knowledge.models import KnowledgeProduct, ProductFile
from knowledge.services import file_rename, product_slug_remake, products_index

from . import roles
from .audit import audit_forget, audit_record, forgetting, member_label
from .forgotten_handles import handle_forget
from .models import DELETED_ADDRESS_DOMAIN, Activity, AuditEntry, User

logger = logging.getLogger(__name__)

FORMER_MEMBER = "Former member"
FORMER_MEMBER_IN_ADDRESS = "former-member"  # where a mention was part of a link's address: no space
EXPORT_TTL = timedelta(days=7)
EXPORT_REQUEST_INTERVAL = timedelta(hours=1)
EXPORT_SALT = "members.privacy.export"
EXPORT_DIR = "privacy-exports"
EXPORT_FILENAME = "export.zip"
EXPORT_EMAILED = "emailed"  # written once the link is in the outbox: a re-run sends it only if this is missing
# "<member pk>-<128 random bits>": the pk lets deletion find a member's files; the random part makes the
# folder unguessable even if media files were ever served.
_FOLDER = re.compile(r"(?P<member>\d+)-[0-9a-f]{32}")


class PrivacyError(Exception):
    """A request that cannot be carried out; the message is shown as it is."""


# relation -> (export file, what account deletion does with it)
RELATIONS = {
    "members.User.local_community": ("profile.json", "cleared"),
    "members.User.groups": ("profile.json", "cleared: roles go"),
    "members.User.user_permissions": ("profile.json", "cleared"),
    "members.User.languages": ("languages.json", "cleared"),
    "members.User.interests": ("interests.json", "cleared"),
    "members.User.tagged_items": ("interests.json", "cleared (taggit's links behind interests)"),
    "members.User.deletion_requested_by": ("profile.json", "kept: who deleted an account, as in the audit log"),
    "account.EmailAddress.user": ("profile.json", "deleted"),
    "admin.LogEntry.user": ("admin_log.json", "kept; the name in object descriptions is replaced"),
    "members.Activity.member": ("activity.json", "kept: monthly indicators count it"),
    "members.AuditEntry.actor": ("audit.json", "kept; name and email replaced (audit_forget)"),
    "communities.Community.created_by": ("memberships.json", "kept"),
    "communities.Membership.member": ("memberships.json", "kept as history; current ones end now"),
    "communities.Membership.decided_by": ("moderation.json", "kept"),
    "communities.LocalActionTeam.leader": ("memberships.json", "cleared"),
    "communities.LocalActionTeam.members": ("memberships.json", "kept: the local team indicator counts it"),
    "communities.Thread.author": ("threads.json", "kept, shown as Former member"),
    "communities.Thread.followers": ("follows.json", "removed"),
    "communities.Post.author": ("posts.json", "kept, shown as Former member"),
    "communities.Reaction.member": ("reactions.json", "kept: helpful counts stay right"),
    "communities.Report.reporter": ("reports.json", "kept: the auto-hide threshold counts it"),
    "communities.Report.reviewed_by": ("moderation.json", "kept"),
    "communities.ModerationAction.actor": ("moderation.json", "kept; the name in notes is replaced"),
    "communities.ModerationAction.subject": ("moderation.json", "kept; the name in notes is replaced"),
    "communities.Notification.recipient": ("notifications.json", "deleted"),
    "communities.Notification.actor": ("notifications.json", "kept; the name in others' notifications replaced"),
    "experts.ExpertCluster.leads": ("expert.json", "removed"),
    "experts.Expert.member": ("expert.json", "unlinked; the coordinator's expert record stays"),
    "experts.ExpertStatusChange.changed_by": ("expert.json", "kept"),
    "experts.Referral.asked_by": ("referrals.json", "kept"),
    "experts.Referral.flagged_by": ("referrals.json", "kept"),
    "experts.Rating.rater": ("ratings.json", "kept: satisfaction indicators"),
    "events.Event.speaker_members": ("events.json", "kept: the programme as it was"),
    "events.Registration.member": ("events.json", "kept; registrations for future events cancelled"),
    "events.CalendarFeed.member": ("events.json", "deleted"),
    "events.TopicSuggestion.proposed_by": ("events.json", "kept"),
    "events.TopicVote.member": ("events.json", "kept: vote counts stay right"),
    "knowledge.KnowledgeProduct.created_by": ("knowledge.json", "kept"),
    "knowledge.KnowledgeProduct.authors": ("knowledge.json", "kept; the name in summaries is replaced"),
    "indicators.MonthlyNarrative.updated_by": ("reporting.json", "kept"),
    "indicators.ManualFigure.entered_by": ("reporting.json", "kept"),
    "indicators.ProgressReport.requested_by": ("reporting.json", "kept"),
    "indicators.Survey.created_by": ("surveys.json", "kept"),
    "indicators.SurveyResponse.member": ("surveys.json", "kept: survey indicators"),
    "digests.DigestPreference.member": ("digests.json", "deleted"),
    "digests.DigestDelivery.member": ("digests.json", "unsent deleted; sent kept: the digests-sent indicator"),
}


# --- Export: what goes in the ZIP --------------------------------------------------------------------------


def _rows(queryset, *fields, **expressions) -> list[dict]:
    return list(queryset.values(*fields, **expressions))


_PROFILE_FIELDS = (
    "email", "full_name", "handle", "organization", "position_level", "gender", "city_region", "time_zone",
    "language", "browser_language", "hide_email", "date_joined", "profile_completed_at", "last_login",
)  # fmt: skip
_COMMUNITY = {"community_name": F("community__name")}


def _profile(member: User) -> dict:
    return {
        **{name: getattr(member, name) for name in _PROFILE_FIELDS},
        "country": str(member.country),
        "local_community": member.local_community.name if member.local_community else None,
        "roles": sorted(member.groups.values_list("name", flat=True)),
        "permissions": sorted(member.user_permissions.values_list("codename", flat=True)),
        "email_addresses": _rows(EmailAddress.objects.filter(user=member), "email", "verified", "primary"),
    }


def _memberships(member: User) -> dict:
    history = Membership.objects.filter(member=member).order_by("requested_at", "pk")
    return {
        "memberships": _rows(history, "role", "status", "requested_at", "joined_at", "left_at", **_COMMUNITY),
        "local_action_teams": _rows(LocalActionTeam.objects.filter(members=member), "name", **_COMMUNITY),
        "local_action_teams_led": _rows(LocalActionTeam.objects.filter(leader=member), "name", **_COMMUNITY),
        "communities_created": _rows(Community.objects.filter(created_by=member), "name", "created_at"),
    }


def _threads(member: User) -> list[dict]:
    return _rows(
        Thread.objects.filter(author=member).order_by("created_at"),
        "id", "title", "created_at", "reply_count", "is_hidden", **_COMMUNITY,
    )  # fmt: skip


def _posts(member: User) -> list[dict]:
    """The member's posts, each as the thread's page shows it: a reply's quote of someone's post that a moderator
    hid since is not theirs to take away (Post.body_as_shown)."""
    posts = Post.objects.filter(author=member).select_related("thread", "quoted").order_by("created_at", "pk")
    return [
        {
            "id": post.pk,
            "thread_id": post.thread_id,
            "body": post.body_as_shown(),
            "is_opening": post.is_opening,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "is_hidden": post.is_hidden,
            "thread_title": post.thread.title,
        }  # fmt: skip
        for post in posts
    ]


def _reactions(member: User) -> list[dict]:
    """Every mark, with the title of a discussion the member may still read (see _follows)."""
    readable = Q(post__thread__in=threads_readable_by(member))
    return _rows(
        Reaction.objects.filter(member=member), "post_id", "created_at",
        thread_title=_only_where(readable, F("post__thread__title")),
    )  # fmt: skip


def _follows(member: User) -> list[dict]:
    """Every follow, with the title of a discussion the member may still read: one hidden by the moderators since,
    or in a community they have left, is theirs to know they followed, not what it is called now."""
    readable = Q(pk__in=threads_readable_by(member))
    follows = _rows(
        Thread.objects.filter(followers=member).order_by("pk"), "id", shown=_only_where(readable, F("title"))
    )
    return [{"id": row["id"], "title": row["shown"]} for row in follows]


def _only_where(condition: Q, value) -> Case:
    return Case(When(condition, then=value), default=Value(None), output_field=CharField())


def _reports(member: User) -> list[dict]:
    return _rows(Report.objects.filter(reporter=member), "post_id", "reason", "note", "status", "created_at")


def _moderation(member: User) -> dict:
    """What they did as a moderator or leader, and what moderators did about them; other people by id only."""
    fields = ("action", "thread_id", "post_id", "note", "created_at")
    decisions = Membership.objects.filter(decided_by=member)
    return {
        "actions_taken": _rows(ModerationAction.objects.filter(actor=member), *fields, **_COMMUNITY),
        "actions_concerning_you": _rows(
            ModerationAction.objects.filter(subject=member), *fields, "previous_text", **_COMMUNITY
        ),  # previous_text: their own post as it was before a moderator edited it
        "membership_decisions": _rows(decisions, "id", "status", "requested_at", **_COMMUNITY),
        "reports_reviewed": _rows(Report.objects.filter(reviewed_by=member), "id", "post_id", "status", "reviewed_at"),
    }


def _notifications(member: User) -> dict:
    received = []
    for row in Notification.objects.filter(recipient=member).values(
        "kind", "text", "url", "created_at", "read_at", "actor_id", "actor__full_name", "actor__email"
    ):
        # The text names whoever caused it (another member): their name stays out of this member's copy.
        actor_id, name, email = row.pop("actor_id"), row.pop("actor__full_name"), row.pop("actor__email")
        if actor_id is not None and actor_id != member.pk:
            row["text"] = _replace(row["text"], [n for n in (name, email) if n], _("A member"))
        received.append(row)
    return {
        "received": received,
        "caused_by_you": _rows(Notification.objects.filter(actor=member), "kind", "created_at"),
    }


_REGISTRATION_FIELDS = ("status", "created_at", "promoted_at", "cancelled_at", "attended", "checked_in_at")
_REGISTRATION_RELATED = {
    f"{relation}_{field}": F(f"{relation}__{field}")
    for relation, field in [("event", "title"), ("event", "starts_at"), ("feedback", "satisfaction"),
                            ("feedback", "useful"), ("feedback", "suggestions")]
}  # fmt: skip


def _events(member: User) -> dict:
    registrations = Registration.objects.filter(member=member).order_by("created_at")
    return {
        "registrations": _rows(registrations, *_REGISTRATION_FIELDS, **_REGISTRATION_RELATED),
        "calendar_feed": _rows(CalendarFeed.objects.filter(member=member), "created_at"),
        "speaking_at": _rows(Event.objects.filter(speaker_members=member), "title", "starts_at"),
        "topics_proposed": _rows(TopicSuggestion.objects.filter(proposed_by=member), "title", "why", "created_at"),
        "topic_votes": _rows(TopicVote.objects.filter(member=member), "created_at", topic=F("suggestion__title")),
    }


def _expert(member: User) -> dict:
    expert = Expert.objects.filter(member=member).prefetch_related("clusters", "languages", "expertise").first()
    profile = None
    if expert is not None:
        profile = {
            "name": expert.name, "email": expert.email, "phone": expert.phone, "category": expert.category,
            "countries": [str(c) for c in expert.countries], "organization": expert.organization,
            "bio": expert.bio, "gender": expert.gender, "status": expert.status,
            "expertise": sorted(tag.name for tag in expert.expertise.all()),
            "languages": sorted(language.name for language in expert.languages.all()),
            "clusters": sorted(cluster.theme for cluster in expert.clusters.all()),
        }  # fmt: skip
    return {
        "expert_profile": profile,
        "clusters_led": _rows(ExpertCluster.objects.filter(leads=member), "theme"),
        "status_changes_made": _rows(
            ExpertStatusChange.objects.filter(changed_by=member), "expert_id", "from_status", "to_status", "changed_at"
        ),
    }


def _referrals(member: User) -> dict:
    fields = ("status", "created_at", "due_at", "first_answer_at", "resolved_at")
    return {
        "asked": _rows(Referral.objects.filter(asked_by=member), *fields, thread_title=F("thread__title")),
        "flagged": _rows(Referral.objects.filter(flagged_by=member), *fields, thread_title=F("thread__title")),
    }


def _ratings(member: User) -> list[dict]:
    ratings = Rating.objects.filter(rater=member)
    return _rows(ratings, "score", "comment", "created_at", thread_title=F("referral__thread__title"))


def _surveys(member: User) -> dict:
    responses = (
        SurveyResponse.objects.filter(member=member).select_related("survey").prefetch_related("answers__question")
    )
    return {
        "responses": [
            {
                "survey": response.survey.title,
                "submitted_at": response.submitted_at,
                "comments_may_be_quoted": response.may_quote,  # in progress reports, without their name
                "answers": [
                    {"question": a.question.text, "rating": a.rating, "choices": a.choices, "text": a.text}
                    for a in response.answers.all()
                ],
            }
            for response in responses
        ],
        "surveys_created": _rows(Survey.objects.filter(created_by=member), "title", "opens_at", "closes_at"),
    }


def _digests(member: User) -> dict:
    preference = DigestPreference.objects.filter(member=member)
    deliveries = DigestDelivery.objects.filter(member=member)
    return {
        "preference": _rows(preference, "frequency", "next_digest_at", "last_sent_at", "unsubscribed_at"),
        "deliveries": _rows(deliveries, "period", "status", "created_at", "sent_at", "items"),
    }


def _activity(member: User) -> list[dict]:
    return _rows(Activity.objects.filter(member=member), "kind", "occurred_at", **_COMMUNITY)


# "Name <email> (#pk)", alone or after "Community: ": how audit targets name a member.
_AUDIT_LABEL = re.compile(r"(?:^|(?<=: ))[^<>:]*<(?P<email>[^<>\s]+@[^<>\s]+)>(?: \(#\d+\))?")


def _audit(member: User) -> list[dict]:
    def others_hidden(text: str) -> str:
        keep = member.email.lower()
        return _AUDIT_LABEL.sub(lambda m: m.group(0) if m.group("email").lower() == keep else _("a member"), text)

    rows = _rows(AuditEntry.objects.filter(actor=member), "action", "target", "detail", "occurred_at")
    for row in rows:
        row["target"] = others_hidden(row["target"])
    return rows


def _admin_log(member: User) -> list[dict]:
    # Object descriptions (object_repr) may name other people: the kind of object and its id say enough.
    return _rows(
        LogEntry.objects.filter(user=member), "action_time", "action_flag", "object_id",
        app=F("content_type__app_label"), model=F("content_type__model"),
    )  # fmt: skip


def _knowledge(member: User) -> dict:
    fields = ("title", "slug", "type", "status", "created_at", "published_at")
    return {
        "authored": _rows(KnowledgeProduct.objects.filter(authors=member), *fields),
        "created": _rows(KnowledgeProduct.objects.filter(created_by=member), *fields),
    }


def _reporting(member: User) -> dict:
    return {
        "narratives_updated": _rows(MonthlyNarrative.objects.filter(updated_by=member), "month", "updated_at"),
        "figures_entered": _rows(
            ManualFigure.objects.filter(entered_by=member), "month", "code", "country", "value", "source_note"
        ),
        "reports_requested": _rows(ProgressReport.objects.filter(requested_by=member), "month", "generated_at"),
    }


# file name -> (builder, what the README says about it)
EXPORT_FILES = {
    "profile.json": (_profile, gettext_lazy("your account and profile, roles and email addresses")),
    "languages.json": (
        lambda m: _rows(m.languages.order_by("name"), "code", "name"),
        gettext_lazy("languages you work in"),
    ),
    "interests.json": (lambda m: sorted(m.interests.names()), gettext_lazy("your interests")),
    "memberships.json": (
        _memberships,
        gettext_lazy("communities, with every period of membership, and local action teams"),
    ),
    "threads.json": (_threads, gettext_lazy("discussions you started")),
    "posts.json": (_posts, gettext_lazy("everything you posted")),
    "reactions.json": (_reactions, gettext_lazy("posts you marked helpful")),
    "follows.json": (_follows, gettext_lazy("discussions you follow")),
    "reports.json": (_reports, gettext_lazy("posts you reported")),
    "moderation.json": (_moderation, gettext_lazy("moderation you did, and moderation about you")),
    "notifications.json": (_notifications, gettext_lazy("your notifications")),
    "events.json": (_events, gettext_lazy("event registrations, attendance, feedback, topics and votes")),
    "expert.json": (_expert, gettext_lazy("your expert profile, if linked to your account")),
    "referrals.json": (_referrals, gettext_lazy("questions you asked experts or flagged to them")),
    "ratings.json": (_ratings, gettext_lazy("ratings you gave to experts' advice")),
    "surveys.json": (_surveys, gettext_lazy("your survey answers")),
    "digests.json": (_digests, gettext_lazy("your digest preference and the digests sent to you")),
    "activity.json": (_activity, gettext_lazy("the activity record (what the monthly figures count)")),
    "audit.json": (_audit, gettext_lazy("audit log entries for what you did")),
    "admin_log.json": (_admin_log, gettext_lazy("changes you made in the administration site")),
    "knowledge.json": (_knowledge, gettext_lazy("knowledge products you wrote or created")),
    "reporting.json": (_reporting, gettext_lazy("figures, narratives and reports you entered or asked for")),
}


def export_build_zip(member: User, path: Path) -> None:
    """Write the member's ZIP to `path` (one JSON file per subject, and a README), in the member's language: a
    worker builds it, far from any request."""
    with in_language_of(member), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _export_readme())
        for name, (build, _description) in EXPORT_FILES.items():
            archive.writestr(name, json.dumps(build(member), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))


def _export_readme() -> str:
    readme = [_("Your data from %(site)s, exported on %(when)s UTC.") % {
        "site": settings.SITE_NAME, "when": f"{timezone.now():%Y-%m-%d %H:%M}"}, ""]  # fmt: skip
    readme += [f"{name}: {description}" for name, (_build, description) in EXPORT_FILES.items()]
    return "\n".join(readme) + "\n"


# --- Export: request, build, download, purge ---------------------------------------------------------------


def _export_root() -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR


def export_last_requested(*, member: User) -> datetime | None:
    """When the member last asked for a copy within the rate-limit window (the audit log is the record)."""
    return (
        AuditEntry.objects.filter(
            actor=member,
            action=AuditEntry.Action.DATA_EXPORT,
            occurred_at__gte=timezone.now() - EXPORT_REQUEST_INTERVAL,
        )
        .values_list("occurred_at", flat=True)
        .first()
    )


@transaction.atomic
def export_request(*, member: User) -> str:
    """Queue a copy of the member's data; at most one an hour. Returns the (secret) folder it will be in."""
    # Locking the member's row serialises two clicks, so both cannot pass the hourly check together.
    User.objects.select_for_update().filter(pk=member.pk).first()
    last = export_last_requested(member=member)
    if last is not None:
        again = timezone.localtime(last + EXPORT_REQUEST_INTERVAL)
        raise PrivacyError(
            _("You asked for a copy of your data less than an hour ago. You can ask again after %(time)s.")
            % {"time": f"{again:%H:%M}"}
        )
    folder = f"{member.pk}-{secrets.token_hex(16)}"
    audit_record(actor=member, action=AuditEntry.Action.DATA_EXPORT, target=member_label(member))
    transaction.on_commit(lambda: _enqueue_export(member.pk, folder))
    return folder


def _enqueue_export(member_id: int, folder: str) -> None:
    from .tasks import build_export_task

    if not broker.hand_over(build_export_task, member_id, folder):
        # The hourly limit now counts this request, so build it here rather than leave the member waiting.
        logger.warning("Building the data export of member %s in the request", member_id)
        export_build(member_id=member_id, folder=folder)


def export_build(*, member_id: int, folder: str) -> str:
    """The worker's part: write the ZIP, then email the member a signed link to it. A re-run of the same job
    (acks_late after a lost worker) builds only what is missing: nothing once the link was emailed, the email
    alone when the file was in place."""
    match = _FOLDER.fullmatch(folder)
    if match is None or int(match["member"]) != member_id:
        raise ValueError(f"Not an export folder of member {member_id}: {folder!r}")
    member = User.objects.filter(pk=member_id, is_active=True).select_related("local_community").first()
    if member is None:  # deleted (or deactivated) since asking
        return "skipped"
    directory = _export_root() / folder
    target = directory / EXPORT_FILENAME
    emailed = directory / EXPORT_EMAILED
    if emailed.exists():
        return "done"
    outcome = "emailed"  # a worker killed after the file was in place, before the link went out
    if not target.exists():
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f"{EXPORT_FILENAME}.part"
        export_build_zip(member, partial)
        partial.replace(target)  # the finished name appears only once the file is complete
        outcome = "built"
    token = signing.dumps({"member": member.pk, "folder": folder}, salt=EXPORT_SALT)
    _email_export_link(member, token)  # in the outbox once this returns: sent, whatever happens to this worker
    emailed.touch()
    return outcome


def _email_export_link(member: User, token: str) -> None:
    zone = member.time_zone or settings.TIME_ZONE  # the link's end in the member's own time (it was UTC's)
    context = {
        "member": member,
        "url": settings.SITE_URL + reverse("members:privacy_export_download", args=[token]),
        "privacy_url": settings.SITE_URL + reverse("members:privacy"),
        "expires": timezone.now() + EXPORT_TTL,
        "zone": zone,
        "site_name": settings.SITE_NAME,
    }
    with timezone.override(zone):
        queue_email_to(
            member,
            subject=lambda: _("Your data from %(site)s is ready") % {"site": settings.SITE_NAME},
            template="privacy-export",
            context=context,
        )


def export_download_name(*, member: User, now: datetime | None = None) -> str:
    """The name the ZIP downloads as, dated in the member's own time zone: UTC's date was the day before for a
    member in Yangon downloading it before 06:30, or the day after for one in the Americas in the evening."""
    with timezone.override(member.time_zone or settings.TIME_ZONE):
        return f"my-data-{timezone.localdate(now or timezone.now()):%Y-%m-%d}.zip"


def export_file_for(*, member: User, token: str) -> Path | None:
    """The ZIP a download link points to, if the link is intact, not older than EXPORT_TTL, and `member`'s own.
    None otherwise: the view answers the same for a forged, expired or someone else's link."""
    try:
        payload = signing.loads(token, salt=EXPORT_SALT, max_age=EXPORT_TTL)
    except signing.BadSignature:  # also SignatureExpired
        return None
    folder = str(payload.get("folder", "")) if isinstance(payload, dict) else ""
    match = _FOLDER.fullmatch(folder)
    if match is None or payload.get("member") != member.pk or int(match["member"]) != member.pk:
        return None
    path = _export_root() / folder / EXPORT_FILENAME
    return path if path.is_file() else None


def exports_purge_expired(*, now: float | None = None) -> int:
    """Beat: delete export folders older than the links to them (and any a crashed job left half-written).
    Returns how many folders were removed."""
    root = _export_root()
    if not root.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - EXPORT_TTL.total_seconds()
    removed = 0
    for directory in root.iterdir():
        if not directory.is_dir() or _FOLDER.fullmatch(directory.name) is None:
            continue
        newest = max([directory.stat().st_mtime, *(f.stat().st_mtime for f in directory.iterdir())])
        if newest < cutoff:
            shutil.rmtree(directory, ignore_errors=True)
            removed += 1
    return removed


def _exports_delete(member_pk: int) -> None:
    root = _export_root()
    if root.is_dir():
        for directory in root.glob(f"{member_pk}-*"):
            if _FOLDER.fullmatch(directory.name):
                shutil.rmtree(directory, ignore_errors=True)


# --- Account deletion --------------------------------------------------------------------------------------


def account_delete_allowed(*, member: User) -> bool:
    """The last superuser cannot delete themselves: nobody could manage the site any more."""
    if not member.is_superuser:
        return True
    return User.objects.filter(is_superuser=True, is_active=True).exclude(pk=member.pk).exists()


def _refuse_the_last_superuser(member: User) -> None:
    if not account_delete_allowed(member=member):
        raise PrivacyError(
            _("You are the last superuser. Make another coordinator a superuser before deleting your account.")
        )


# Beat hands over deletions still waiting this long after they were asked for: their task was lost (the broker
# was down at the time) or failed.
DELETION_SWEEP_AFTER = timedelta(minutes=10)
# How far back account_delete's second pass reads mentions written while it ran: longer than any request.
CONCURRENT_WRITES_MARGIN = timedelta(minutes=10)


@transaction.atomic
def account_delete_request(*, member: User, deleted_by: User | None = None) -> None:
    """Delete an account, from a web request. Deleting reads every post (about 2 s at a million posts), so a
    request would run past the server's timeout when a coordinator deletes several: here the account only stops
    working (inactive, so every session ends on its next request and nobody can sign in), and a worker does
    the rest (account_delete) once this commits. A second request while one waits changes nothing."""
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.deletion_requested_at is not None:
        return
    _refuse_the_last_superuser(member)
    member.is_active = False
    # Ends every session now (Django checks the password's hash stored in the session), cancels reset links,
    # and keeps the account closed even if someone ticks "active" again before the worker is done.
    member.set_unusable_password()
    member.deletion_requested_at = timezone.now()
    member.deletion_requested_by = deleted_by
    member.save(update_fields=["is_active", "password", "deletion_requested_at", "deletion_requested_by"])
    transaction.on_commit(lambda pk=member.pk: _enqueue_deletion(pk))


def _enqueue_deletion(member_id: int) -> None:
    from .tasks import delete_account_task

    # Not handed over (the broker down): the account already cannot be used, and beat hands it over once the
    # broker is back (accounts_delete_waiting).
    broker.hand_over(delete_account_task, member_id)


def account_delete_finish(*, member_id: int) -> str:
    """The worker's part of account_delete_request. Idempotent: a re-run (acks_late after a lost worker, or
    the sweep) finds the account deleted and does nothing."""
    member = User.objects.filter(pk=member_id, deletion_requested_at__isnull=False).first()
    if member is None:
        return "skipped"
    if member.is_deleted:
        return "done"
    account_delete(member=member, deleted_by=member.deletion_requested_by, asked=True)
    return "deleted"


def accounts_delete_waiting() -> int:
    """Beat: hand deletions still waiting after DELETION_SWEEP_AFTER to the worker again."""
    from .tasks import delete_account_task

    waiting = User.objects.filter(deletion_requested_at__lt=timezone.now() - DELETION_SWEEP_AFTER).not_deleted()
    ids = list(waiting.values_list("pk", flat=True))
    # The first is asked for even while this process pauses after a failure, to find out whether it is back.
    return sum(broker.hand_over(delete_account_task, pk, even_if_paused=n == 0) for n, pk in enumerate(ids))


@transaction.atomic
def account_delete(*, member: User, deleted_by: User | None = None, asked: bool = False) -> User:
    """Turn the account into an anonymous "Former member" (see the module docstring for what stays and why).
    `deleted_by`: the coordinator who deleted it in the admin, for the audit log (None: the member). `asked`:
    the worker finishing account_delete_request, whose check was made when it was asked for."""
    member = User.objects.select_for_update().get(pk=member.pk)
    if member.is_deleted:
        # Deleted meanwhile: two copies of the task (the sweep's and a late one) waited on the lock above. A
        # second pass would search for "Former member" and rewrite other former members' entries.
        return member
    if not asked:  # once asked for, the check was made then (and the account is inactive, which it would not count)
        _refuse_the_last_superuser(member)
    # The leaders' memberships before any other row: a co-leader leaving at once locks them first too, then their
    # notifications, which the scrub below rewrites (taken the other way round, the two deadlocked).
    _leaders_lock(member)
    now = timezone.now()
    former = f"{FORMER_MEMBER} #{member.pk}"
    handle = member.handle
    needles = [member_label(member), f"{member.full_name} <{member.email}>", member.email, member.full_name]
    if handle:  # as others wrote it: a summary quoting a post, an email quoting a reply
        needles.append(f"@{handle}")

    # Text the platform wrote with their name in it, while the old name and email are still known. Rows about
    # them lose any of the needles; anyone's rows only those that cannot be an everyday word (_distinctive).
    distinctive = _distinctive(needles)
    audit_forget(member, former)
    with forgetting():
        _scrub(AuditEntry.objects.all(), ["actor_label", "target", "detail"], distinctive, former)
    _scrub(LogEntry.objects.all(), ["object_repr", "change_message"], distinctive, former)
    notifications = Notification.objects.select_related("recipient")
    _scrub(notifications.filter(actor=member), ["text"], needles, _in_readers_language, also=_NOTIFICATION_LANGUAGES)
    _scrub(ModerationAction.objects.filter(Q(actor=member) | Q(subject=member)), ["note"], needles, FORMER_MEMBER)
    # Their post as it was before a moderator edited it: often the very details the moderator took out.
    ModerationAction.objects.filter(subject=member).exclude(previous_text="").update(previous_text="")
    _scrub_knowledge(distinctive)
    _scrub_files(distinctive)
    _outbox_forget(member.email, distinctive)

    EmailAddress.objects.filter(user=member).delete()  # email confirmations go with them (cascade)
    if apps.is_installed("allauth.socialaccount"):
        apps.get_model("socialaccount", "SocialAccount").objects.filter(user=member).delete()
    Notification.objects.filter(recipient=member).delete()
    DigestPreference.objects.filter(member=member).delete()
    # Sent digests stay: the "digests sent" indicator counts them, and the row holds nothing but ids.
    DigestDelivery.objects.filter(member=member).exclude(
        status__in=[DigestDelivery.Status.SENT, DigestDelivery.Status.SKIPPED_EMPTY]
    ).delete()
    DigestDelivery.objects.filter(member=member).exclude(error="").update(error="")  # may quote the address
    CalendarFeed.objects.filter(member=member).delete()
    _registrations_cancel_future(member, now)
    Expert.objects.filter(member=member).update(member=None)
    # Their history stays; being a member does not continue. Ending now leaves every past month as it was.
    leaderless = _communities_led_only_by(member)
    current = Membership.objects.current().filter(member=member)
    communities_left = list(current.values_list("community_id", flat=True))
    current.update(status=Membership.Status.LEFT, left_at=now)
    member_counts_forget(communities_left)  # an update sends no signal
    _coordinators_alert_leaderless(leaderless)
    LocalActionTeam.objects.filter(leader=member).update(leader=None)
    member.followed_threads.clear()
    member.led_clusters.clear()
    _sessions_end(member, now)

    member.email = f"deleted-{member.pk}{DELETED_ADDRESS_DOMAIN}"
    member.full_name = FORMER_MEMBER
    member.handle = None
    member.set_unusable_password()
    member.is_active = member.is_staff = member.is_superuser = False
    member.organization = member.city_region = member.position_level = member.time_zone = ""
    member.language = member.browser_language = ""
    member.local_community = None
    member.hide_email = True
    member.last_login = None
    member.deletion_requested_at = member.deletion_requested_at or now
    # Country and gender stay, on purpose: the monthly indicators split members, activity and memberships by
    # them, so removing them would change past months' figures. Without a name, email, organization, city or
    # local community they describe a statistic, not a person.
    member.save()
    if handle:  # others name them as @handle too: in posts, thread titles and so in anyone's notifications
        handle_forget(handle)
        _mentions_forget(handle)
        _scrub(notifications, ["text"], [f"@{handle}"], _in_readers_language, also=_NOTIFICATION_LANGUAGES)
        # A reply, edit or new discussion saved meanwhile, in another request, read the handle as a member's before
        # this commits, and the pass above could not see it: once this has committed, what was written since is
        # read again (and text written from then on finds the handle forgotten).
        since = now - CONCURRENT_WRITES_MARGIN
        transaction.on_commit(lambda: _written_meanwhile_forget(member.pk, handle, since))
    member.groups.clear()
    member.user_permissions.clear()
    member.languages.clear()
    member.interests.clear()

    audit_record(
        actor=deleted_by, action=AuditEntry.Action.ACCOUNT_DELETED, target=former,
        detail="in the admin" if deleted_by else "by the member",
    )  # fmt: skip
    transaction.on_commit(lambda pk=member.pk: _exports_delete(pk))
    return member


def _mentions_forget(handle: str, since: datetime | None = None) -> None:
    """Posts and thread titles (written `since`, or all) say "Former member" where they mention @`handle`."""
    community_services.posts_mention_forget(
        handle=handle, replacement=former_member_in, in_address=FORMER_MEMBER_IN_ADDRESS, since=since
    )
    threads = Thread.objects.select_related("author")
    if since is not None:
        threads = threads.filter(created_at__gte=since)
    _scrub(
        threads, ["title"], [f"@{handle}"], _in_authors_language, also=("author__language", "author__browser_language")
    )


@transaction.atomic
def _written_meanwhile_forget(member_id: int, handle: str, since: datetime) -> None:
    """account_delete's second pass, after it committed: the mentions written while it ran, and the
    notifications they sent the member."""
    _mentions_forget(handle, since)
    Notification.objects.filter(recipient_id=member_id).delete()


def _leaders_lock(member: User) -> None:
    """Lock the leaders' memberships of every community `member` leads, until the deletion commits (community by
    community, always in the same order). Two co-leaders deleting their accounts at once each saw the other
    stay, and the community was left with no leader and no coordinator told: the second now waits for the
    first, then finds itself the last leader."""
    led = Membership.objects.current().filter(member=member, role=Membership.Role.LEADER).values("community_id")
    for community in Community.objects.filter(pk__in=led).order_by("pk"):
        _leaders_locked(community)


def _communities_led_only_by(member: User) -> list[Community]:
    """The communities in which `member` is the one current leader."""
    leaders = Membership.objects.current().filter(role=Membership.Role.LEADER)
    led = leaders.filter(member=member).values("community_id")
    others = leaders.exclude(member=member).filter(community_id__in=led).values("community_id")
    return list(Community.objects.filter(pk__in=led).exclude(pk__in=others).order_by("name"))


def _coordinators_alert_leaderless(communities: list[Community]) -> None:
    """A community without a leader has nobody to approve join requests or answer for it: the coordinators are
    told (by email, each in their language) so that they appoint one. The member's deletion goes ahead."""
    if not communities:
        return
    coordinators = list(roles.coordinators())
    for community in communities:
        audit_record(actor=None, action=AuditEntry.Action.MEMBERSHIP, target=str(community),
                     detail="left without a leader: its only leader deleted their account")  # fmt: skip
        members_url = settings.SITE_URL + reverse("communities:members", args=[community.slug])
        for coordinator in coordinators:
            queue_email_to(
                coordinator,
                subject=lambda name=community.name: _("%(community)s has no leader any more") % {"community": name},
                template="community-leaderless",
                context={"community": community, "members_url": members_url},
            )


def _registrations_cancel_future(member: User, now: datetime) -> None:
    """Free their seats in events still to come (the waitlist moves up, as on any cancellation). Cancelled, not
    deleted: "registrations made this month" counts the row, so past months keep their figure."""
    upcoming = Registration.objects.filter(member=member, event__starts_at__gt=now).exclude(
        status=Registration.Status.CANCELLED
    )
    for registration in upcoming:
        try:
            registration_cancel(registration=registration)
        except EventError:  # it started in the meantime: it is a past event now, kept like the others
            pass


_DATABASE_SESSION_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def _sessions_end(member: User, now: datetime) -> None:
    """Sign the member out everywhere. Database sessions are found by their decoded user id (a rare, full pass
    over live sessions); with other engines the unusable password already invalidates every session, because
    Django checks the password hash stored in the session on each request."""
    if settings.SESSION_ENGINE not in _DATABASE_SESSION_ENGINES:
        return
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if session.get_decoded().get("_auth_user_id") == str(member.pk):
            store(session_key=session.session_key).delete()


def former_member_in(language: str) -> str:
    """ "Former member" in `language` (a member's language of the site; "" for the site's default): written into
    others' posts, titles and notifications, it reads in the language of the text around it."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return _("Former member")


def _in_authors_language(thread: Thread) -> str:
    return former_member_in(language_for(thread.author) if thread.author else "")


# What _in_readers_language reads of each notification's recipient.
_NOTIFICATION_LANGUAGES = ("recipient__language", "recipient__browser_language")


def _in_readers_language(notification: Notification) -> str:
    # A notification is worded in its recipient's language (communities.services.worded).
    return former_member_in(language_for(notification.recipient))


def _replace(text: str, needles: list[str], replacement: str) -> str:
    for needle in needles:
        # Whole words only, any case: "Ann Lee" must not eat into "Joann Leeds".
        text = re.sub(rf"(?<![\w.+-]){re.escape(needle)}(?![\w-]|\.\w)", replacement, text, flags=re.IGNORECASE)
    return text


def _scrub(queryset, fields: list[str], needles: list[str], replacement: str | Callable, *, also: tuple = ()) -> list:
    """Replace the member's name and email in `fields` of the rows of `queryset` that contain them, with
    `replacement` or what `replacement(row)` gives; returns the rows that changed, with `also`'s fields read too."""
    needles = [n for n in needles if n and len(n) >= 2]
    contains = Q()
    for field in fields:
        for needle in needles:
            contains |= Q(**{f"{field}__icontains": needle})
    rows = list(queryset.filter(contains).only("pk", *fields, *also)) if needles else []
    limits = {field: queryset.model._meta.get_field(field).max_length for field in fields}
    changed = []
    for row in rows:
        before = [getattr(row, field) for field in fields]
        for field in fields:
            text = _replace(getattr(row, field), needles, replacement(row) if callable(replacement) else replacement)
            # "Former member" is longer than a short name or handle: a full title must still fit its column.
            setattr(row, field, Truncator(text).chars(limits[field]) if limits[field] else text)
        if [getattr(row, field) for field in fields] != before:
            changed.append(row)  # not when the text only holds a longer word, "@hnin-wai-2" for "@hnin-wai"
    # bulk_update is a plain UPDATE: the audit log's append-only save() guard is for edits, not for forgetting.
    queryset.model.objects.bulk_update(changed, fields)
    return changed


def _distinctive(needles: list[str]) -> list[str]:
    """The needles that name the member wherever they are written: an address or @handle, a name of two words
    or more, or one of five characters or more. A shorter one-word name ("An", "Mai", "Bo") is an everyday word
    too: in text that is not about the member it stays, rather than rewrite everyone's "an"."""
    return [needle for needle in needles if "@" in needle or len(needle.split()) >= 2 or len(needle) >= 5]


def _scrub_knowledge(needles: list[str]) -> None:
    """E-discussion summaries are pre-filled with participants' names and the discussion's title (which may
    mention them as @handle); they stay, without this one. A slug (the product's address) that names them is
    made again from the title without the name, and the notifications that quoted the title lose it too."""
    products = KnowledgeProduct.objects.all()
    renamed = {product.pk for product in _scrub(products, ["title"], needles, FORMER_MEMBER)}
    fields = ["summary", "body", "body_html", "review_note"]
    reindexed = renamed | {product.pk for product in _scrub(products, fields, needles, FORMER_MEMBER)}
    words = {slugify(needle): needle.startswith("@") for needle in needles if slugify(needle)}
    named = Q(pk__in=renamed)
    for word in words:
        named |= Q(slug__contains=word)
    candidates = list(KnowledgeProduct.objects.filter(named).only("pk", "title", "slug"))
    readdressed = [
        product
        for product in candidates
        if any(_slug_names(product.slug, word, is_handle, product.pk in renamed) for word, is_handle in words.items())
    ]
    # Before the addresses change: notifications link a product by its address and quote its title.
    quoted = [product.get_absolute_url() for product in candidates if product.pk in renamed or product in readdressed]
    _scrub(Notification.objects.filter(url__in=quoted), ["text"], needles, FORMER_MEMBER)
    products_index(reindexed)
    for product in readdressed:
        product_slug_remake(product)


def _scrub_files(needles: list[str]) -> None:
    """A product's file named after them ("hnin-wai-aung-cv.pdf") is stored again without the name: its download
    name is their name slugified, and its stored path keeps the name as uploaded, in any script."""
    words = {_file_word(needle) for needle in needles} - {""}
    maybe = Q()
    for word in words:
        maybe |= Q(original_name__icontains=word) | Q(file__icontains=word) | Q(file__icontains=word.replace("-", "_"))
    for product_file in ProductFile.objects.filter(maybe) if words else []:
        name, stored = product_file.original_name, _file_word(Path(product_file.file.name).name)
        if not any(_names_as_words(name, word) or _names_as_words(stored, word) for word in words):
            continue
        for word in sorted(words, key=len, reverse=True):  # "daw-hnin-wai-aung" before "hnin-wai-aung"
            name = re.sub(rf"(?:^|(?<=-)){re.escape(word)}(?=-|\.|$)", "former-member", name)
        file_rename(product_file=product_file, name=name)


def _file_word(text: str) -> str:
    """`text` as a stored file's name writes it (Django's get_valid_filename), lowercase, words joined by
    hyphens: "Daw Hnin Wai Aung" and "Daw_Hnin_Wai_Aung.pdf" both hold "daw-hnin-wai-aung"."""
    try:
        valid = get_valid_filename(text)
    except SuspiciousFileOperation:  # nothing a file name could keep ("", "..")
        return ""
    return valid.replace("_", "-").lower()


def _names_as_words(name: str, word: str) -> bool:
    return re.search(rf"(?:^|-){re.escape(word)}(?:-|\.|$)", name) is not None


def _slug_names(slug: str, word: str, is_handle: bool, title_named_them: bool) -> bool:
    """Does `slug` hold `word` (a slugified needle) as whole words? A handle followed by a number is another
    member's handle (hnin-wai-aung-2), or a second product of the same title: the latter only when the title
    named them too."""
    if not _names_as_words(slug, word):
        return False
    return title_named_them or not (is_handle and re.search(rf"(?:^|-){re.escape(word)}-\d+(?:-|$)", slug))


def _outbox_forget(email: str, needles: list[str]) -> None:
    """Emails kept in the outbox (cop_platform.OutboxEmail, where installed): those to the member go — unsent
    ones have nobody to reach any more, sent ones are copies of delivered mail — and others lose the name."""
    try:
        outbox = apps.get_model("cop_platform", "OutboxEmail")
    except LookupError:
        return
    needles = [n for n in needles if n and len(n) >= 2]
    contains = Q()
    for needle in needles:  # SQLite keeps JSON with non-ASCII escaped (\uXXXX); PostgreSQL keeps it as it is
        contains |= Q(payload__icontains=needle) | Q(payload__icontains=json.dumps(needle)[1:-1])
    for entry in outbox.objects.filter(contains) if needles else []:
        payload = entry.payload if isinstance(entry.payload, dict) else {}
        recipients = " ".join(str(a) for key in ("to", "cc", "bcc") for a in payload.get(key) or []).lower()
        if email.lower() in recipients:
            entry.delete()
        else:
            entry.payload = json.loads(_replace(json.dumps(entry.payload, ensure_ascii=False), needles, FORMER_MEMBER))
            entry.save(update_fields=["payload"])
