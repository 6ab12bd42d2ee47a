from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.i18n import set_language

from cop_platform import cards
from cop_platform.i18n import browser_language, language_cookie_delete, language_cookie_set, language_for
from cop_platform.page_cache import cached_page
from cop_platform.pagination import CappedPaginator
from cop_platform.ratelimit import rate_limited

from . import access, member_cards, privacy, selectors, services
from .forms import AccountDeleteForm, ProfileForm

DIRECTORY_PAGE_SIZE = 24


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: redirect() would read "welcome" as a URL pattern name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
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
        _browser_language_kept(request, form)
        with translation.override(language_for(request.user, fallback=translation.get_language())):
            messages.success(request, _("Welcome! Your profile is complete."))
        return _follow_profile_language(redirect(_safe_next(request, "home")), form)
    return render(request, "members/onboarding.html", {"form": form, "next": _safe_next(request, "")})


def _browser_language_kept(request, form: ProfileForm) -> None:
    """A choice given up for "the browser's": emails and notifications follow the browser from now on, not the
    language their last sign-in recorded (the cookie of the choice, then: cop_platform.i18n.browser_language)."""
    if "language" in form.changed_data and not form.instance.language:
        services.member_browser_language_set(member=request.user, language=browser_language(request))


def _follow_profile_language(response, form: ProfileForm):
    """A language chosen in the profile form applies at once, as if picked in the switcher; "the browser's"
    drops the cookie so the browser's Accept-Language is used again."""
    if "language" in form.changed_data:
        if form.instance.language:
            language_cookie_set(response, form.instance.language)
        else:
            language_cookie_delete(response)
    return response


def language_set(request):
    """The footer's language switcher: Django's set_language (cookie, then back to `next`; a GET only
    redirects), and for a signed-in member their profile too, so emails and a sign-in on another device
    follow the choice."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        # Django's view takes any language it has a catalog for (German, say); we offer only ours.
        response.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    elif request.user.is_authenticated:
        services.member_language_set(member=request.user, language=language)
    return response


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            services.member_profile_update(member=request.user, form=form)
            _browser_language_kept(request, form)
            with translation.override(language_for(request.user, fallback=translation.get_language())):
                messages.success(request, _("Your profile was saved."))
            return _follow_profile_language(redirect("members:detail", pk=request.user.pk), form)
        messages.error(request, _("Your profile was not saved. Please correct the errors below."))
    return render(request, "members/profile_edit.html", {"form": form})


@login_required
@cached_page
def directory(request):
    member_filter = selectors.member_directory(params=request.GET)
    paginator = CappedPaginator(member_filter.qs, DIRECTORY_PAGE_SIZE)
    if member_filter.is_valid() and member_filter.form.cleaned_data.get("q"):
        # A search is not read in name order off the directory's index alone: a rare name late in the alphabet
        # meant reading nearly every member first (up to 190 ms at 100,000 members). Fewer matches than the
        # pages reach (counted already) are sorted once found (a few ms for up to 1,200); more are looked for
        # among the first names first (see ManyMatchesInNameOrder).
        paginator.object_list = selectors.matches_in_name_order(paginator.object_list, many=paginator.is_capped)
    page = paginator.get_page(request.GET.get("page"))
    # Each member's `card`: HTML, usually from the cache (members/member_cards.py).
    cards.attach(page.object_list, member_cards.rendered_cards(page.object_list))
    return render(
        request,
        "members/directory.html",
        {"filter": member_filter, "page_obj": page, "is_filtered": any(request.GET.get(k) for k in ("q", "country"))},
    )


@login_required
@cached_page
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


@login_required
@rate_limited("account")
def privacy_page(request):
    """Download a copy of one's data, or delete one's account: both are POSTs here, told apart by `action`."""
    action = request.POST.get("action") if request.method == "POST" else None
    delete_form = AccountDeleteForm(request.POST if action == "delete" else None, member=request.user)
    if action == "export":
        try:
            privacy.export_request(member=request.user)
        except privacy.PrivacyError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("We are preparing a copy of your data. We will email you a download link when it is ready.")
            )
        return redirect("members:privacy")
    if action == "delete" and delete_form.is_valid():
        try:
            privacy.account_delete_request(member=request.user)
        except privacy.PrivacyError as error:
            delete_form.add_error(None, str(error))
        else:
            logout(request)
            return redirect("members:privacy_deleted")
    return render(
        request,
        "members/privacy.html",
        {
            "delete_form": delete_form,
            "last_export": privacy.export_last_requested(member=request.user),
            "export_days": privacy.EXPORT_TTL.days,
        },
    )


@login_required
def privacy_export_download(request, token: str):
    """The emailed link. Only the member who asked, signed in, within EXPORT_TTL; anything else gets the same
    "not valid" page, so a link found in someone else's mailbox reveals nothing."""
    path = privacy.export_file_for(member=request.user, token=token)
    if path is None:
        context = {"export_days": privacy.EXPORT_TTL.days}
        return render(request, "members/privacy_export_invalid.html", context, status=404)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=privacy.export_download_name(member=request.user),
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def privacy_deleted(request):
    """Shown once the account is deleted (its details go moments later, in the background) and the browser
    signed out."""
    return render(request, "members/privacy_deleted.html")
