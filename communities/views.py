from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cop_platform import cards
from cop_platform.forms import small_int
from cop_platform.kept_words import kept_for, kept_move, words_sent
from cop_platform.page_cache import cached_page
from cop_platform.pagination import CappedIdsPaginator, IdsFirstPaginator
from cop_platform.ratelimit import rate_limited
from cop_platform.reversing import url_for_each
from experts import views as expert_views
from members import roles

from . import access, community_cards, markdown, post_cards, selectors, services, thread_cards
from .forms import (
    AddMemberForm,
    CommunityForm,
    LinkThreadForm,
    MoveThreadForm,
    PostEditForm,
    ReplyForm,
    ReportForm,
    RoleForm,
    ThreadForm,
)
from .member_counts import member_counts_attach
from .models import Membership, Post


@cached_page
def community_list(request):
    community_filter = selectors.community_directory(user=request.user, params=request.GET)
    page = Paginator(community_filter.qs, 24).get_page(request.GET.get("page"))
    member_counts_attach(page.object_list)
    memberships = selectors.memberships_by_community(request.user)
    # Each community's `card`: HTML, usually from the cache (communities/community_cards.py).
    cards.attach(page.object_list, community_cards.rendered_cards(page.object_list, memberships))
    return render(
        request,
        "communities/list.html",
        {
            "filter": community_filter,
            "page_obj": page,
            "is_filtered": any(request.GET.get(k) for k in ("q", "theme", "country")),
            "can_create": roles.is_coordinator(request.user),
        },
    )


@login_required
def community_create(request):
    """Coordinators create communities here as well as in the admin."""
    if not roles.is_coordinator(request.user):
        raise Http404
    form = CommunityForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                community = services.community_create(form=form, creator=request.user)
            except IntegrityError:
                # Created meanwhile (a double click): validated again, the form says the name is taken.
                form = CommunityForm(request.POST)
                form.is_valid()
            else:
                messages.success(request, _("The community was created. You are its first leader."))
                return redirect(community)
        messages.error(request, _("The community was not created. Please correct the errors below."))
    return render(request, "communities/community_form.html", {"form": form})


@cached_page
def community_detail(request, slug):
    acc = access.get_community_access(request.user, slug)
    context = {"access": acc, "community": acc.community}
    if acc.can_read:
        search = request.GET.get("q", "").replace("\x00", "")[:100]
        listing = selectors.community_threads(community=acc.community, include_hidden=acc.can_moderate, search=search)
        # A search counts its matches up to SEARCH_PAGES pages: counting them all checked the posts of every
        # thread of the community (90 ms for "open data" among 1,000 threads). Those pages' ids are read first
        # (in one statement, planned as ThreadListing.first_ids says), which gives both the count and the page.
        # Browsing reaches every thread: its count reads the thread-list index alone.
        if listing.is_search:
            paginator = CappedIdsPaginator(
                listing.threads,
                selectors.THREADS_PER_PAGE,
                max_pages=selectors.SEARCH_PAGES,
                read_ids=listing.first_ids,
            )
        else:
            paginator = Paginator(listing.threads, selectors.THREADS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        visible_ids = selectors.visible_community_ids(request.user)
        # Each thread's row as its `card`: HTML, usually from the cache (communities/thread_cards.py).
        rows = thread_cards.rendered_cards(page.object_list, community=acc.community, visible_ids=visible_ids)
        cards.attach(page.object_list, rows)
        context["page_obj"] = page
        context["search"] = search
    return render(request, "communities/detail.html", context)


@require_POST
@login_required
@rate_limited("join")
def join(request, slug):
    acc = access.get_community_access(request.user, slug)
    try:
        membership = services.community_join(member=request.user, community=acc.community)
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        if membership.status == Membership.Status.ACTIVE:
            messages.success(request, _("Welcome to %(community)s!") % {"community": acc.community})
        else:
            messages.success(request, _("Your request was sent. A leader of the community will decide on it."))
    return redirect(acc.community)


@require_POST
@login_required
def leave(request, slug):
    acc = access.get_community_access(request.user, slug)
    try:
        membership = services.community_leave(member=request.user, community=acc.community)
    except services.CommunityError as error:
        messages.error(request, str(error))
        return redirect(acc.community)
    if membership.joined_at:
        messages.success(request, _("You left %(community)s.") % {"community": acc.community})
    else:
        messages.success(request, _("Your request to join was withdrawn."))
    return redirect("communities:list") if acc.community.is_private else redirect(acc.community)


@login_required
@rate_limited("post")
def thread_new(request, slug):
    acc = access.get_readable_community(request.user, slug)
    if not acc.can_post:
        messages.error(request, _("Join the community to start a discussion."))
        return redirect(acc.community)
    form = ThreadForm(request.POST or None, initial=kept_for(request) if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        thread = services.thread_create(
            community=acc.community,
            author=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        messages.success(request, _("Your discussion was started."))
        return redirect(thread.url_in(acc.community))
    return render(request, "communities/thread_form.html", {"form": form, "community": acc.community})


def _thread_page(request, acc, thread, home, reply_form, *, refused: bool = False):
    """The thread's page. `refused`: a reply that could not be posted (the thread was locked, or the member left,
    while they wrote it) is shown read-only when the form is not offered, so that nothing they wrote is lost."""
    linked = list(thread.linked_communities.all())
    visible_ids = selectors.visible_community_ids(request.user) if linked else set()
    posts = selectors.thread_posts(thread=thread)
    paginator = IdsFirstPaginator(posts, selectors.POSTS_PER_PAGE)
    page_number = paginator.num_pages if request.GET.get("page") == "last" else request.GET.get("page")
    page = paginator.get_page(page_number)
    page_url = thread.url_in(acc.community)
    _link_post_actions(page.object_list, acc.community, page_url)
    experts = expert_views.thread_context(thread=thread, user=request.user, community_acc=acc)
    _attach_cards(page.object_list, request.user, home, experts["expert_member_ids"], page_url)
    can_reply = acc.can_post and not thread.is_locked
    _attach_actions(page.object_list, request.user, acc, home, can_reply=can_reply)
    return render(
        request,
        "communities/thread.html",
        {
            "access": acc,
            "home": home,
            "community": acc.community,
            "thread": thread,
            "page_obj": page,
            "page_url": page_url,  # the thread's own, for links from the reply form's URL too
            # The thread's homes the viewer may know of: a private community is never named to outsiders.
            "homes": [c for c in [thread.community, *linked] if c.pk in visible_ids] if linked else [],
            "following": selectors.is_following(user=request.user, thread=thread),
            "reply_form": reply_form,
            "can_reply": can_reply,
            "refused_text": words_sent(request) if refused else [],
            **experts,
        },
        status=400 if reply_form is not None and reply_form.errors else 409 if refused else 200,
    )


def _attach_cards(posts, user, home, expert_member_ids, page_url: str) -> None:
    """Each post's byline and body as `post.card` (HTML, usually from the cache: communities/post_cards.py),
    and whether the viewer may read it as `post.is_readable` (the actions under it are shown only then)."""
    values = []
    for post in posts:
        post.is_readable = access.can_read_post(user, post, home)
        values.append(
            post_cards.card_fields(
                post,
                author_url=post.urls["author"],
                is_expert_answer=post.author_id in expert_member_ids,
                shows_body=post.is_readable,
            )
        )
    cards.attach(posts, post_cards.rendered_cards(values, page_url=page_url))


def _attach_actions(posts, user, acc, home, *, can_reply: bool) -> None:
    """The actions the viewer has under each post as `post.actions` (HTML, usually from the cache, with CSRF
    slots that the page fills: communities/post_cards.py); after _attach_cards, which decides what they may read."""
    helpful = selectors.helpful_marks(user=user, posts=posts)
    values = [
        post_cards.action_fields(
            post, viewer=user, can_reply=can_reply, can_post=acc.can_post, can_read=acc.can_read,
            can_moderate=home.can_moderate, can_edit=access.can_edit_post(user, post, acc, home), helpful=helpful,
        )
        for post in posts
    ]  # fmt: skip
    for post, html in zip(posts, post_cards.rendered_actions(values), strict=True):
        post.actions = html


POST_ACTIONS = ("helpful", "edit", "report", "hide")  # communities:post_<action>, each taking the post's id


def _link_post_actions(posts, community, page_url: str) -> None:
    """Each post's links (its author's profile and the actions on it) as `post.urls`, reversed once a page.
    Quoting is the thread's page (`page_url`) with the post to quote: not a link relative to the page, which a
    reply with errors answers at the reply form's URL (POST only)."""
    author = url_for_each("members:detail")
    actions = {name: url_for_each(f"communities:post_{name}", community.slug) for name in POST_ACTIONS}
    for post in posts:
        post.urls = {name: url(post.pk) for name, url in actions.items()}
        post.urls["quote"] = f"{page_url}?quote={post.pk}#reply"
        post.urls["author"] = author(post.author_id) if post.author_id else ""


@login_required  # discussions are for signed-in members; anonymous visitors are asked to sign in first
@cached_page
def thread_detail(request, slug, pk):
    acc, thread, home = access.get_thread(request.user, slug, pk)
    shown = small_int(request.GET.get("post", ""))
    if shown:  # a quoted post's link (post_cards.quoted_link): to the page of the thread that shows it
        post = thread.posts.filter(pk=shown).only("pk", "created_at", "thread").first()
        if post is not None:
            post.thread = thread
            return redirect(selectors.post_address(post, acc.community))
    reply_form = None
    if acc.can_post and not thread.is_locked:
        initial = {}
        kept = kept_for(request)  # a reply sent after the session ended, back after signing in
        if kept.get("body"):
            initial = {"body": kept["body"], "quoted": small_int(kept.get("quoted", ""))}
        quoted_pk = small_int(request.GET.get("quote", ""))
        if quoted_pk and not initial:  # the reply kept began as this quote (its page's address)
            quoted = thread.posts.filter(pk=quoted_pk, is_hidden=False).first()
            if quoted:
                initial = {"body": markdown.quote(quoted.body), "quoted": quoted.pk}
        reply_form = ReplyForm(initial=initial)
    return _thread_page(request, acc, thread, home, reply_form)


@login_required
@rate_limited("post")
def reply(request, slug, pk):
    acc, thread, home = access.get_thread(request.user, slug, pk)
    if request.method != "POST":  # signing in from a reply sent without a session leads here: the thread's form
        kept_move(request, to=thread.url_in(acc.community))
        return redirect(thread.url_in(acc.community) + "#reply")
    if not acc.can_post:  # left or removed while writing: the page, with what they wrote to copy
        messages.error(request, _("Your reply was not posted: join the community to reply."))
        return _thread_page(request, acc, thread, home, None, refused=True)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your reply was not posted. Please correct the errors below."))
        return _thread_page(request, acc, thread, home, form)
    quoted = thread.posts.filter(pk=form.cleaned_data.get("quoted") or 0).first()
    try:
        post = services.post_reply(
            thread=thread, author=request.user, body=form.cleaned_data["body"], shown_in=acc.community, quoted=quoted
        )
    except services.CommunityError as error:  # locked meanwhile: the page shows what they wrote, to copy
        messages.error(request, str(error))
        return _thread_page(request, acc, thread, home, form, refused=True)
    messages.success(request, _("Your reply was posted."))
    return redirect(thread.url_in(acc.community) + f"?page=last#post-{post.pk}")


@login_required
@rate_limited("post")
def post_edit(request, slug, pk):
    acc, post, home = access.get_post(request.user, slug, pk)
    if not access.can_edit_post(request.user, post, acc, home):
        raise Http404
    # An edit sent after the session ended comes back as sent, still checked against the version it began from.
    kept = kept_for(request) if request.method == "GET" else {}
    initial = {"body": kept.get("body", post.body), "based_on": kept.get("based_on", post.text_version())}
    form = PostEditForm(request.POST or None, initial=initial)
    # Counted once, for the Cancel link, the redirect and a moderator's notice to the author alike: an edit
    # leaves the post on its page.
    anchor = selectors.post_anchor(post)
    address = post.thread.url_in(acc.community) + anchor
    context = {"form": form, "post": post, "community": acc.community, "post_address": address}
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                post=post, editor=request.user, body=form.cleaned_data["body"], based_on=form.cleaned_data["based_on"],
                anchor=anchor,
            )  # fmt: skip
        except services.PostChangedMeanwhile as error:
            return _post_changed_meanwhile(request, context, error)
        messages.success(request, _("Your changes were saved."))
        return redirect(address)
    return render(request, "communities/post_edit.html", context)


def _post_changed_meanwhile(request, context, error):
    """The editor's text comes back as typed, under the post as it is now; the form now starts from that
    version, so saving again is a deliberate choice over it."""
    post = context["post"]
    post.refresh_from_db()
    data = request.POST.copy()
    data["based_on"] = post.text_version()
    messages.error(request, str(error))
    context = {**context, "form": PostEditForm(data), "changed_meanwhile": True}
    return render(request, "communities/post_edit.html", context, status=409)


@require_POST
@login_required
def post_helpful(request, slug, pk):
    acc, post, home = access.get_post(request.user, slug, pk)
    if not acc.can_post:
        raise Http404
    try:
        marked = services.post_toggle_helpful(
            post=post, member=request.user, community=acc.community, helpful=_asked_for(request, "mark")
        )
    except services.CommunityError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Marked as helpful.") if marked else _("No longer marked as helpful."))
    return redirect(selectors.post_address(post, acc.community))


@login_required
@rate_limited("report")
def post_report(request, slug, pk):
    acc, post, home = access.get_post(request.user, slug, pk)
    if not acc.can_read:
        raise Http404
    form = ReportForm(request.POST or None)
    address = selectors.post_address(post, acc.community)  # for the Cancel link, or the redirect
    if request.method == "POST" and form.is_valid():
        try:
            services.post_report(post=post, reporter=request.user, **form.cleaned_data)
        except services.CommunityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you. The moderators will review this post."))
        return redirect(address)
    context = {"form": form, "post": post, "community": acc.community, "post_address": address}
    return render(request, "communities/report_form.html", context)


@require_POST
@login_required
def thread_follow(request, slug, pk):
    acc, thread, home = access.get_thread(request.user, slug, pk)
    following = services.thread_toggle_follow(thread=thread, member=request.user, follow=_asked_for(request, "follow"))
    messages.success(
        request,
        _("You will be notified of new replies.") if following else _("You no longer follow this discussion."),
    )
    return redirect(thread.url_in(acc.community))


def _asked_for(request, name: str) -> bool | None:
    """A button's "1" (do) or "0" (undo); None from a page that did not say (it turns the state over)."""
    return {"1": True, "0": False}.get(request.POST.get(name, ""))


@login_required
def thread_moderate(request, slug, pk):
    acc, thread, home = access.get_thread(request.user, slug, pk)
    if not home.can_moderate:
        raise Http404
    movable = access.communities_visible_to(request.user).exclude(pk=thread.community_id)
    if not home.is_coordinator:
        # A leader moves or links only into communities they moderate too.
        moderated = Membership.objects.moderating().filter(member=request.user)
        movable = movable.filter(pk__in=moderated.values("community"))
    move_form = MoveThreadForm(communities=movable)
    link_form = LinkThreadForm(communities=movable, initial={"communities": thread.linked_communities.all()})
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in services.THREAD_FLAGS:
            services.thread_moderate(thread=thread, actor=request.user, action=action)
            messages.success(request, _("Done."))
            return redirect(thread.url_in(acc.community) if action != "hide" else thread.community)
        if action == "move":
            move_form = MoveThreadForm(request.POST, communities=movable)
            if move_form.is_valid():
                target = move_form.cleaned_data["to"]
                services.thread_move(thread=thread, actor=request.user, to=target)
                messages.success(request, _("The discussion moved to %(community)s.") % {"community": target})
                return redirect(thread.url_in(target))
        elif action == "link":
            link_form = LinkThreadForm(request.POST, communities=movable)
            if link_form.is_valid():
                services.thread_link(
                    thread=thread, actor=request.user, communities=link_form.cleaned_data["communities"],
                    allowed=list(movable),
                )  # fmt: skip
                messages.success(request, _("The communities this discussion appears in were updated."))
                return redirect(thread.url_in(acc.community))
        else:
            messages.error(request, _("Unknown moderation action."))
    return render(
        request,
        "communities/thread_moderate.html",
        {"thread": thread, "community": acc.community, "move_form": move_form, "link_form": link_form},
    )


@require_POST
@login_required
def post_hide(request, slug, pk):
    acc, post, home = access.get_post(request.user, slug, pk)
    if not home.can_moderate:
        raise Http404
    hidden = request.POST.get("hidden") == "1"
    services.post_set_hidden(post=post, actor=request.user, hidden=hidden)
    messages.success(request, _("The post is hidden.") if hidden else _("The post is visible again."))
    return redirect(selectors.post_address(post, acc.community))


@login_required
def moderation_queue(request, slug):
    acc = access.get_community_access(request.user, slug)
    if not acc.can_moderate:
        raise Http404
    if request.method == "POST":
        post = get_object_or_404(Post, pk=small_int(request.POST.get("post", "")) or 0, thread__community=acc.community)
        decision = request.POST.get("decision")
        if decision in ("uphold", "dismiss"):
            count = services.reports_review(post=post, actor=request.user, uphold=decision == "uphold")
            if count:
                messages.success(
                    request,
                    ngettext("%(count)d report reviewed.", "%(count)d reports reviewed.", count) % {"count": count},
                )
            else:
                messages.info(request, _("Another moderator already decided these reports."))
        return redirect("communities:moderation", slug=slug)
    from .models import ModerationAction

    log = ModerationAction.objects.filter(community=acc.community).select_related("actor", "subject", "thread")[:50]
    return render(
        request,
        "communities/moderation.html",
        {"community": acc.community, "access": acc, "queue": selectors.moderation_queue(acc.community), "log": log},
    )


@login_required
@rate_limited("add_member")
def members(request, slug):
    acc = access.get_community_access(request.user, slug)
    if not acc.can_read:
        raise Http404
    add_form = AddMemberForm(request.POST or None) if acc.can_manage_members else None
    if request.method == "POST":
        if add_form is None:
            raise Http404
        if add_form.is_valid():
            try:
                services.membership_add(
                    community=acc.community,
                    member=add_form.member,
                    actor=request.user,
                    role=add_form.cleaned_data["role"],
                )
            except services.CommunityError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("%(member)s was added.") % {"member": add_form.member})
                return redirect("communities:members", slug=slug)
    page = Paginator(selectors.active_members(acc.community), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "communities/members.html",
        {
            "community": acc.community,
            "access": acc,
            "page_obj": page,
            "pending": selectors.pending_requests(acc.community) if acc.can_manage_members else [],
            "add_form": add_form,
            "role_choices": Membership.Role.choices,
            "teams": selectors.local_action_teams(acc.community),
        },
    )


@require_POST
@login_required
def membership_action(request, slug, pk):
    acc = access.get_community_access(request.user, slug)
    if not acc.can_manage_members:
        raise Http404
    membership = get_object_or_404(Membership.objects.current(), pk=pk, community=acc.community)
    action = request.POST.get("action")
    try:
        if action in ("approve", "decline"):
            services.membership_decide(membership=membership, actor=request.user, approve=action == "approve")
            messages.success(
                request,
                (
                    _("%(member)s is now a member.")
                    if action == "approve"
                    else _("The request from %(member)s was declined.")
                )
                % {"member": membership.member},
            )
        elif action == "remove" and membership.member_id != request.user.pk:
            services.membership_remove(membership=membership, actor=request.user)
            messages.success(request, _("%(member)s was removed.") % {"member": membership.member})
        elif action == "role":
            form = RoleForm(request.POST)
            if form.is_valid():
                services.membership_set_role(membership=membership, role=form.cleaned_data["role"], actor=request.user)
                messages.success(request, _("The role was changed."))
            else:
                messages.error(request, _("Choose a valid role."))
        else:
            messages.error(request, _("Unknown action."))
    except services.CommunityError as error:
        messages.error(request, str(error))
    return redirect("communities:members", slug=slug)


@login_required
def notifications(request):
    from .models import Notification

    if request.method == "POST":
        services.notifications_mark_read(member=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("notifications")
    page = Paginator(Notification.objects.filter(recipient=request.user).select_related("actor"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "communities/notifications.html", {"page_obj": page})


@login_required
def notification_open(request, pk):
    from .models import Notification

    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notifications_mark_read(member=request.user, pk=notification.pk)
    return redirect(notification.url if notification.url.startswith("/") else "/")
