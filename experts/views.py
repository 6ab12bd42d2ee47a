from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities import access as community_access
from communities.models import Membership
from cop_platform import cards
from cop_platform.page_cache import cached_page
from cop_platform.ratelimit import rate_limited
from members import roles

from . import access, expert_cards, selectors, services
from .forms import RatingForm, ReferralForm
from .models import Referral


@login_required
@cached_page
def directory(request):
    is_coordinator = roles.is_coordinator(request.user)
    expert_filter = selectors.expert_directory(params=request.GET, include_unlisted=is_coordinator)
    page = Paginator(expert_filter.qs, 24).get_page(request.GET.get("page"))
    # Each expert's `card`: HTML, usually from the cache (experts/expert_cards.py).
    cards.attach(page.object_list, expert_cards.rendered_cards(page.object_list, shows_status=is_coordinator))
    return render(
        request,
        "experts/directory.html",
        {
            "filter": expert_filter,
            "page_obj": page,
            "is_coordinator": is_coordinator,
            "is_filtered": any(request.GET.get(k) for k in expert_filter.form.fields),
        },
    )


@login_required
@cached_page
def detail(request, pk):
    expert = access.get_expert_for_viewer(request.user, pk)
    show_contact = access.can_see_contact_details(request.user)
    return render(
        request,
        "experts/detail.html",
        {
            "expert": expert,
            "show_contact": show_contact,
            "history": expert.status_history.select_related("changed_by")[:20] if show_contact else [],
        },
    )


@login_required
@rate_limited("ask")
def ask(request, slug, thread_pk):
    """'Ask an expert' on a thread: ranked suggestions, a due date, and the referrals."""
    acc, thread, _home = community_access.get_thread(request.user, slug, thread_pk)
    if not access.can_flag_experts(acc):
        raise Http404
    suggestions = selectors.suggest_experts(thread=thread, community=acc.community)
    form = ReferralForm(request.POST or None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        due_at = timezone.make_aware(datetime.combine(form.cleaned_data["due_on"], time(23, 59)))
        try:
            created = services.referral_create(
                thread=thread, community=acc.community, experts=form.cleaned_data["experts"],
                flagged_by=request.user, due_at=due_at,
            )  # fmt: skip
        except services.ExpertError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d expert was asked and notified.",
                    "%(count)d experts were asked and notified.",
                    len(created),
                )
                % {"count": len(created)},
            )
            return redirect(thread.url_in(acc.community))
    return render(
        request,
        "experts/ask.html",
        {
            "thread": thread, "community": acc.community, "form": form, "suggestions": suggestions,
            "current": selectors.referrals_for_thread(thread),
            # The thread as shown in this community: its home may be a private community the asker is not in.
            "thread_url": thread.url_in(acc.community),
        },
    )  # fmt: skip


@login_required
def rate(request, pk):
    referral = access.get_referral_for_asker(request.user, pk)
    if not services.can_rate(member=request.user, referral=referral):
        messages.error(request, _("This answer cannot be rated (it is already rated, or not answered yet)."))
        return redirect(referral.thread.url_in(referral.community))
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_rate(referral=referral, member=request.user, **form.cleaned_data)
        except services.ExpertError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you. The question is marked resolved and your rating was saved."))
        return redirect(referral.thread.url_in(referral.community))
    return render(
        request,
        "experts/rate.html",
        {"referral": referral, "form": form, "thread_url": referral.thread.url_in(referral.community)},
    )


@login_required
def coverage(request):
    if not access.can_view_coverage(request.user):
        raise Http404
    return render(
        request,
        "experts/coverage.html",
        {"grid": selectors.coverage_grid(), "overdue": selectors.overdue_referrals()[:100]},
    )


def thread_context(*, thread, user, community_acc) -> dict:
    """What the thread page shows about experts: badges, the referral panel and the 'ask' link."""
    referrals = list(Referral.objects.filter(thread=thread).select_related("expert").order_by("created_at"))
    asked = [
        r for r in referrals
        if r.asked_by_id == user.pk and r.first_answer_at and r.status != Referral.Status.RESOLVED
        and r.expert.member_id != user.pk
    ]  # fmt: skip
    # The rate link only where rating will be accepted: the asker is still an active member there.
    member_of = (
        set(
            Membership.objects.active()
            .filter(member=user, community_id__in={r.community_id for r in asked})
            .values_list("community_id", flat=True)
        )
        if asked
        else set()
    )
    rateable = {r.pk for r in asked if r.community_id in member_of}
    return {
        "referrals": referrals,
        # The others read "An expert": an expert no longer listed (inactive, say) is not named to members.
        "named_experts": {r.expert_id for r in referrals if access.expert_profile_visible_to(user, r.expert)},
        "expert_member_ids": {r.expert.member_id for r in referrals if r.expert.member_id},
        "rateable_referrals": rateable,
        "can_flag_experts": access.can_flag_experts(community_acc),
    }
