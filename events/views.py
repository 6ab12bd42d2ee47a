from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop_platform import cards
from cop_platform.i18n import in_language_of
from cop_platform.page_cache import cached_page
from cop_platform.pagination import CountedWithPagePaginator
from cop_platform.ratelimit import rate_limited
from members import roles

from . import access, ics, schedule_cards, selectors, services
from .forms import CheckInForm, FeedbackForm, TopicForm
from .models import CalendarFeed, Registration, TopicSuggestion


@cached_page
def schedule(request):
    schedule_filter = selectors.schedule(user=request.user, params=request.GET)
    page = CountedWithPagePaginator(schedule_filter.qs, 20).get_page(request.GET.get("page"))
    registrations = selectors.registrations_by_event(request.user, page.object_list)
    # Each event's `card`: HTML, usually from the cache (events/schedule_cards.py).
    cards.attach(page.object_list, schedule_cards.rendered_cards(page.object_list, registrations))
    return render(
        request,
        "events/schedule.html",
        {
            "filter": schedule_filter,
            "page_obj": page,
            "is_filtered": any(request.GET.get(k) for k in ("community", "kind", "language")),
        },
    )


@cached_page
def detail(request, slug):
    event = selectors.event_page(access.get_event_for_viewer(request.user, slug), user=request.user)
    registration = access.live_registration(request.user, event)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "registration": registration,
            "waitlist_position": selectors.waitlist_position(registration)
            if registration and registration.status == Registration.Status.WAITLISTED
            else None,
            "show_join_link": access.can_see_join_link(request.user, registration),
            "can_give_feedback": services.can_give_feedback(registration=registration),
            "check_in_open": services.check_in_open(event),
            "is_coordinator": roles.is_coordinator(request.user),
        },
    )


def event_ics(request, slug):
    event = access.get_event_for_viewer(request.user, slug)
    response = HttpResponse(ics.event_calendar(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(event.slug)}.ics"'
    return response


def feed_ics(request, token):
    """The personal feed: the secret token is the only credential (calendar apps send no cookies)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("member"), token=token)
    if not feed.member.is_active:
        raise Http404
    # In the member's language: calendar apps send no language cookie or a header of their own.
    with in_language_of(feed.member, fallback=settings.LANGUAGE_CODE):
        body = ics.feed_calendar(selectors.feed_events(feed.member), name=_("My events"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def calendar(request):
    if request.method == "POST":
        services.calendar_feed_reset(request.user)
        messages.success(request, _("Your calendar address was changed. Update it in your calendar app."))
        return redirect("events:calendar")
    feed = services.calendar_feed_for(request.user)
    return render(request, "events/calendar.html", {"feed_url": request.build_absolute_uri(feed_url(feed))})


def feed_url(feed: CalendarFeed) -> str:
    from django.urls import reverse

    return reverse("events:feed", args=[feed.token])


@require_POST
@login_required
@rate_limited("register")
def register(request, slug):
    event = access.get_event_for_viewer(request.user, slug)
    try:
        registration = services.event_register(event=event, member=request.user)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        if registration.status == Registration.Status.REGISTERED:
            messages.success(request, _("You are registered. Add the event to your calendar below."))
        else:
            messages.success(
                request, _("The event is full: you are on the waitlist and will be emailed if a seat opens.")
            )
    return redirect(event)


@require_POST
@login_required
def cancel(request, slug):
    event = access.get_event_for_viewer(request.user, slug)
    registration = access.live_registration(request.user, event)
    if registration is None:
        messages.error(request, _("You are not registered for this event."))
        return redirect(event)
    try:
        services.registration_cancel(registration=registration)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your registration was cancelled."))
    return redirect(event)


@login_required
def feedback(request, slug):
    event = access.get_event_for_viewer(request.user, slug)
    registration = access.live_registration(request.user, event)
    if not services.can_give_feedback(registration=registration):
        messages.error(request, _("Feedback is open to attendees after the event, once."))
        return redirect(event)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(registration=registration, **form.cleaned_data)
        except services.EventError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you for your feedback."))
        return redirect(event)
    return render(request, "events/feedback.html", {"event": event, "form": form})


@login_required
def check_in(request, slug):
    event = access.get_event_for_viewer(request.user, slug)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in(event=event, member=request.user, code=form.cleaned_data["code"])
        except services.EventError as error:
            form.add_error("code", str(error))
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect(event)
    return render(request, "events/check_in.html", {"event": event, "form": form})


@rate_limited("post")
def topics(request):
    communities = selectors.visible_communities_for_topics(request.user)
    form = TopicForm(request.POST or None, communities=communities) if request.user.is_authenticated else None
    if request.method == "POST":
        if form is None:
            return redirect(f"{_login_url()}?next={request.path}")
        if form.is_valid():
            _topic, created = services.topic_propose(member=request.user, **form.cleaned_data)
            if created:
                messages.success(request, _("Thank you. Your topic was added with your vote."))
            else:  # sent twice (a double click): the first request added it
                messages.info(
                    request, _("You proposed this topic a moment ago: it is already in the list, with your vote.")
                )
            return redirect("events:topics")
    page = Paginator(selectors.topics(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "events/topics.html",
        {
            "page_obj": page,
            "form": form,
            "voted": selectors.my_topic_votes(request.user),
            # A scheduled topic names its event only to those who may see the event.
            "visible_event_ids": set(
                access.events_visible_to(request.user)
                .filter(pk__in=[t.event_id for t in page.object_list if t.event_id])
                .values_list("pk", flat=True)
            ),
        },
    )


def _login_url():
    from django.urls import reverse

    return reverse("account_login")


@require_POST
@login_required
def topic_vote(request, pk):
    suggestion = get_object_or_404(selectors.topics(request.user), pk=pk)
    if suggestion.status != TopicSuggestion.Status.OPEN:
        messages.error(request, _("Voting on this topic is closed."))
    elif services.topic_vote(suggestion=suggestion, member=request.user):
        messages.success(request, _("Your vote was counted."))
    else:
        messages.error(request, _("You have already voted for this topic."))
    return redirect("events:topics")
