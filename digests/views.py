from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from members.models import User

from . import emails, services
from .forms import PreferenceForm
from .models import Frequency


@login_required
def preferences(request):
    preference = services.preference_for(request.user)
    form = PreferenceForm(request.POST or None, initial={"frequency": preference.frequency})
    if request.method == "POST" and form.is_valid():
        services.preference_set(member=request.user, frequency=form.cleaned_data["frequency"])
        if form.cleaned_data["frequency"] == Frequency.OFF:
            messages.success(request, _("You will not receive the digest any more."))
        else:
            messages.success(request, _("Your digest preference was saved."))
        return redirect("digests:preferences")
    return render(request, "digests/preferences.html", {"form": form, "preference": preference})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookies and no CSRF token
def unsubscribe(request, token):
    """GET shows a confirmation page and changes nothing; POST (one click, or the page's button) unsubscribes."""
    try:
        member = User.objects.get(pk=emails.member_id_from_token(token), is_active=True)
    except (signing.BadSignature, User.DoesNotExist):
        return render(request, "digests/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        services.unsubscribe(member=member)
        return render(request, "digests/unsubscribed.html", {"member": member})
    return render(request, "digests/unsubscribe_confirm.html", {"member": member, "token": token})


@login_required
def in_browser(request):
    """The member's digest in the browser: what the next one holds right now."""
    digest = services.preview(request.user)
    return render(request, "digests/in_browser.html", {"digest": digest})
