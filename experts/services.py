"""Writes for experts: pipeline, referrals, answers, ratings, linking accounts, CSV import."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Community, Membership, Notification, Post, Thread
from communities.services import notification_text
from cop_platform.i18n import MomentInZone, in_language_of
from cop_platform.mail import queue_email_to
from members import roles
from members.audit import audit_record, member_label
from members.models import Activity, AuditEntry, User
from members.services import activity_record

from .models import Expert, ExpertStatusChange, Rating, Referral


class ExpertError(Exception):
    """A request that cannot be carried out; the message is shown as it is."""


# --- Pipeline ----------------------------------------------------------------------------------------------


@transaction.atomic
def expert_set_status(*, expert: Expert, status: str, actor: User | None = None, note: str = "") -> bool:
    """Move an expert along the pipeline, keeping dated history. Setting the status it already has writes
    nothing; returns whether the status changed, so that a caller counts only real changes."""
    # The status as stored, under the row's lock: `expert` may have been read before another change (an admin
    # action clicked twice), which wrote a second, identical, history row from the status it had read.
    expert.status = Expert.objects.select_for_update().values_list("status", flat=True).get(pk=expert.pk)
    if expert.status == status:
        return False
    ExpertStatusChange.objects.create(
        expert=expert, from_status=expert.status, to_status=status, changed_by=actor, note=note[:300]
    )
    expert.status = status
    expert.status_changed_at = timezone.now()
    expert.save(update_fields=["status", "status_changed_at"])
    return True


@transaction.atomic
def expert_create(*, actor: User | None = None, clusters=(), expertise=(), languages=(), **fields) -> Expert:
    expert = Expert.objects.create(**fields)
    if clusters:
        expert.clusters.set(clusters)
    if expertise:
        expert.expertise.add(*expertise)
    if languages:
        expert.languages.set(languages)
    return expert_created(expert=expert, actor=actor)


def expert_created(*, expert: Expert, actor: User | None) -> Expert:
    """What follows mapping an expert (here or in the admin): the first history row, and the link to a
    verified member account with the same email, when the coordinator who mapped it (`actor`) may change that
    account's roles (roles.accounts_changeable_by: the address is theirs to type, the account may not be)."""
    ExpertStatusChange.objects.create(expert=expert, to_status=expert.status, changed_by=actor, note="mapped")
    if expert.email and expert.member_id is None:
        accounts = User.objects.filter(email__iexact=expert.email, is_active=True)
        member = (roles.accounts_changeable_by(actor, accounts) if actor else accounts).first()
        if member is not None and member.emailaddress_set.filter(verified=True).exists():
            expert_link_member(expert=expert, member=member)
    return expert


def expert_link_member(*, expert: Expert, member: User, actor: User | None = None) -> Expert:
    """Link a mapped expert to a member account: the one that owns the same, verified, email address, or the
    one a coordinator (`actor`) chose in the admin. Being linked is the expert role (the Experts group)."""
    if Expert.objects.filter(member=member).exclude(pk=expert.pk).exists():
        return expert
    expert.member = member
    expert.save(update_fields=["member"])
    member.groups.add(Group.objects.get(name=roles.EXPERTS))
    audit_record(
        actor=actor, action=AuditEntry.Action.ROLE_GRANTED, target=member_label(member),
        detail=f"{roles.EXPERTS} (linked to the expert profile “{expert.name}”)",
    )  # fmt: skip
    return expert


def expert_unlink_member(*, expert: Expert, member: User, actor: User | None = None) -> None:
    """`member` is no longer `expert`'s account (a coordinator chose another, or none): the expert role goes
    with the link, unless another expert profile is theirs."""
    if Expert.objects.filter(member=member).exclude(pk=expert.pk).exists():
        return
    member.groups.remove(Group.objects.get(name=roles.EXPERTS))
    audit_record(
        actor=actor, action=AuditEntry.Action.ROLE_REVOKED, target=member_label(member),
        detail=f"{roles.EXPERTS} (unlinked from the expert profile “{expert.name}”)",
    )  # fmt: skip


def expert_link_by_email(*, member: User, email: str) -> Expert | None:
    expert = Expert.objects.filter(email__iexact=email, member__isnull=True).first()
    if expert is None or Expert.objects.filter(member=member).exists():
        return None
    return expert_link_member(expert=expert, member=member)


# --- Referrals ---------------------------------------------------------------------------------------------


def _notify_expert(referral: Referral, *, subject, template: str) -> None:
    """`subject` is lazy, with a %(thread)s placeholder: the notification and the email are written in the
    expert's own language (without an account, one they work in: Expert.reading_language), and the due date in
    their time zone (else in that of who asked them: the due date is the end of a day there)."""
    expert = referral.expert
    flagger = referral.flagged_by
    zone = (expert.member and expert.member.time_zone) or (flagger and flagger.time_zone) or settings.TIME_ZONE
    with timezone.override(zone):
        _notify_expert_in_zone(referral, subject=subject, template=template)


def _notify_expert_in_zone(referral: Referral, *, subject, template: str) -> None:
    expert = referral.expert
    url = referral.thread.url_in(referral.community)
    language = "" if expert.member_id else expert.reading_language()
    with in_language_of(expert.member, fallback=language or None):
        text = str(subject) % {"thread": referral.thread.title}
    if expert.member_id:
        Notification.objects.create(
            recipient=expert.member, kind=Notification.Kind.REFERRAL, actor=referral.flagged_by,
            community=referral.community, text=notification_text(text), url=url,
        )  # fmt: skip
    # The coordinator's contact address for the expert, else their account's while it is in use.
    address = expert.email or (expert.member.email if expert.member_id and expert.member.is_active else "")
    if address:
        context = {
            "referral": referral, "expert": expert, "thread": referral.thread, "path": url,
            "site_url": settings.SITE_URL,
            # With its time and zone: "by 11 March" to an expert east of the asker was overdue 30 minutes into it.
            "due": MomentInZone(referral.due_at),
        }  # fmt: skip
        queue_email_to(
            expert.member, subject=text, template=template, context=context, to=[address], language=language,
            about_thread=(referral.thread, referral.community),  # sent only while they may read it there
        )  # fmt: skip


@transaction.atomic
def referral_create(
    *, thread: Thread, community: Community, experts, flagged_by: User, due_at: datetime
) -> list[Referral]:
    """Flag experts into a thread. Each gets an in-site notification (if they have an account) and an email.
    An expert already flagged into the thread is skipped."""
    if due_at <= timezone.now():
        raise ExpertError(_("The due date must be in the future."))
    created = []
    for expert in experts:
        if expert.status not in Expert.LISTED_STATUSES:
            raise ExpertError(_("%(expert)s is not an engaged or active expert.") % {"expert": expert})
        if expert.member_id and not expert.member.is_active:
            # Emailed at the address the coordinator mapped, about a thread their account can no longer open.
            raise ExpertError(_("%(expert)s's account is closed: they cannot be asked.") % {"expert": expert})
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    thread=thread, community=community, expert=expert, asked_by=thread.author,
                    flagged_by=flagged_by, due_at=due_at,
                )  # fmt: skip
        except IntegrityError:
            continue
        created.append(referral)
        # Written with the referral, in its transaction (the outbox sends the email once it commits): written
        # after the commit, a process that died in between left a referral its expert never heard of.
        _notify_expert(referral, subject=gettext_lazy("Your expertise is requested: “%(thread)s”"), template="referral")
    return created


def referral_record_answer(*, post: Post) -> int:
    """Called for every new reply: when its author is an expert flagged into the thread, the referral is
    answered (the first answer's time feeds 'median time to first expert answer')."""
    if post.author_id is None:
        return 0
    referrals = Referral.objects.filter(
        thread_id=post.thread_id, expert__member_id=post.author_id, first_answer_at__isnull=True
    )
    count = referrals.update(first_answer_at=post.created_at, first_answer=post, status=Referral.Status.ANSWERED)
    if count:
        activity_record(member=post.author, kind=Activity.Kind.EXPERT_ANSWER, community=post.thread.community)
    return count


def remind_overdue_referrals(*, now: datetime | None = None) -> int:
    """Remind each overdue, unanswered referral's expert once. The conditional UPDATE claims the reminder
    before it is sent, so two runs (or two beat processes) never remind twice."""
    now = now or timezone.now()
    sent = 0
    overdue = (
        Referral.objects.filter(status=Referral.Status.OPEN, due_at__lt=now, reminded_at__isnull=True)
        # As the digest does: a thread hidden since, or no longer shown in the community it was asked in, or an
        # expert no longer active, is not worth an email that links to a page they cannot open.
        .filter(thread__is_hidden=False)
        .filter(Q(thread__community=F("community")) | Q(thread__linked_communities=F("community")))
        .filter(expert__status__in=Expert.LISTED_STATUSES)
        .exclude(expert__member__is_active=False)
        .distinct()
    )
    for referral in overdue:
        with transaction.atomic():
            claimed = Referral.objects.filter(pk=referral.pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue
            referral = Referral.objects.select_related("expert__member", "thread", "community", "flagged_by").get(
                pk=referral.pk
            )
            subject = gettext_lazy("Reminder: a question is waiting for your answer: “%(thread)s”")
            _notify_expert(referral, subject=subject, template="referral-reminder")  # with the claim, as above
            sent += 1
    return sent


# --- Resolution and ratings --------------------------------------------------------------------------------


def can_rate(*, member: User, referral: Referral) -> bool:
    """Only the asker, while an active member of the community it was asked in, once, and never the expert."""
    if not member.is_authenticated or referral.asked_by_id != member.pk:
        return False
    if referral.expert.member_id == member.pk:
        return False
    if referral.first_answer_at is None:
        return False
    if not Membership.objects.active().filter(member=member, community=referral.community).exists():
        return False
    return not Rating.objects.filter(referral=referral, rater=member).exists()


@transaction.atomic
def referral_rate(*, referral: Referral, member: User, score: int, comment: str = "") -> Rating:
    referral = Referral.objects.select_for_update().select_related("expert").get(pk=referral.pk)
    if not can_rate(member=member, referral=referral):
        raise ExpertError(_("You cannot rate this answer (only the member who asked can, once, after an answer)."))
    if not 1 <= score <= 5:
        raise ExpertError(_("Choose a score from 1 to 5."))
    rating = Rating.objects.create(referral=referral, rater=member, score=score, comment=comment.strip())
    referral.status = Referral.Status.RESOLVED
    referral.resolved_at = referral.resolved_at or timezone.now()
    referral.save(update_fields=["status", "resolved_at"])
    activity_record(member=member, kind=Activity.Kind.RATING, community=referral.community)
    return rating
