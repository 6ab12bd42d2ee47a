from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import access, selectors, services
from .forms import ProfileForm

DIRECTORY_PAGE_SIZE = 24


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
def onboarding(request):
    """Right after signup: the profile fields the indicators need. Also reachable later as profile edit."""
    if request.user.has_completed_profile and request.method == "GET" and "next" not in request.GET:
        return redirect("members:profile_edit")
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.member_profile_update(member=request.user, form=form)
        messages.success(request, _("Welcome! Your profile is complete."))
        return redirect(_safe_next(request, "home"))
    return render(request, "members/onboarding.html", {"form": form, "next": _safe_next(request, "")})


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            services.member_profile_update(member=request.user, form=form)
            messages.success(request, _("Your profile was saved."))
            return redirect("members:detail", pk=request.user.pk)
        messages.error(request, _("Your profile was not saved. Please correct the errors below."))
    return render(request, "members/profile_edit.html", {"form": form})


@login_required
def directory(request):
    member_filter = selectors.member_directory(params=request.GET)
    page = Paginator(member_filter.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/directory.html",
        {"filter": member_filter, "page_obj": page, "is_filtered": any(request.GET.get(k) for k in ("q", "country"))},
    )


@login_required
def detail(request, pk: int):
    member = access.get_member_for_viewer(request.user, pk)
    return render(
        request,
        "members/detail.html",
        {
            "member": member,
            "show_email": access.can_see_email(request.user, member),
            "is_self": member.pk == request.user.pk,
        },
    )
