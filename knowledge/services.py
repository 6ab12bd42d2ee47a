"""Writes for the knowledge library: drafts, files, the review workflow, downloads, summaries, the index."""

from datetime import timedelta

from django.core.cache import cache
from django.core.files import File
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery, TextField
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from communities.markdown import render as render_markdown
from communities.models import Community, Membership, Notification, Thread
from communities.services import DOUBLE_SUBMIT_WINDOW, worded
from cop_platform import broker
from cop_platform.slugs import insert_with_a_free_slug
from members.models import Activity, User
from members.services import activity_record

from . import uploads
from .models import FAQItem, KnowledgeProduct, ProductFile


class KnowledgeError(Exception):
    """A request that cannot be carried out; the message is shown as it is."""


RESERVED_SLUGS = {"new", "drafts", "faq", "summarize"}  # paths of the library itself


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:200] or "product"
    if base in RESERVED_SLUGS:
        base = f"{base}-product"
    slug, number = base, 2
    taken = KnowledgeProduct.objects.filter(slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    existing = set(taken.values_list("slug", flat=True))
    while slug in existing:
        slug, number = f"{base}-{number}", number + 1
    return slug


def product_slug_remake(product: KnowledgeProduct) -> None:
    """Give `product` a slug made from its current title, and point the notifications that link to it at the new
    address. For a slug that must stop saying something its title no longer says (a deleted member's name):
    the old address then answers 404, as any link naming them should."""
    slug = unique_slug(product.title, exclude_pk=product.pk)
    if slug == product.slug:
        return
    old_url = product.get_absolute_url()
    product.slug = slug
    KnowledgeProduct.objects.filter(pk=product.pk).update(slug=slug)
    Notification.objects.filter(url=old_url).update(url=product.get_absolute_url())


def product_index(product: KnowledgeProduct) -> None:
    products_index([product.pk])


def products_index(ids) -> None:
    """Refresh the stored search vectors (PostgreSQL) of these products, in one statement whatever their number:
    title A, summary and tags B, body C."""
    if connection.vendor != "postgresql":
        return
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.search import SearchVector
    from taggit.models import TaggedItem

    tag_names = (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(KnowledgeProduct), object_id=OuterRef("pk")
        )
        .values("object_id")
        .annotate(names=StringAgg("tag__name", " ", order_by="tag__name"))  # the same vector for the same tags
        .values("names")
    )
    KnowledgeProduct.objects.filter(pk__in=ids).update(
        search_vector=SearchVector("title", weight="A", config="simple")
        + SearchVector("summary", weight="B", config="simple")
        + SearchVector(Subquery(tag_names, output_field=TextField()), weight="B", config="simple")
        + SearchVector("body", weight="C", config="simple"),
        search_stale_since=None,
    )


def products_reindex_tagged(sender, *, objects: dict[int, set[int]], **kwargs) -> None:
    """cop_platform.tagging.tags_changed, after the commit: the products whose tags were merged, renamed or deleted
    are searched by their tags as they are now. A worker does it (a tag on thousands of products is seconds of
    to_tsvector); with the broker down, the request does, rather than leave search on the old tags."""
    from django.contrib.contenttypes.models import ContentType

    from .tasks import reindex_products_task

    ids = sorted(objects.get(ContentType.objects.get_for_model(KnowledgeProduct).pk, ()))
    if not ids:
        return
    if connection.vendor == "postgresql":  # the only one with stored vectors to go stale
        # Marked first, so that the sweep finds them if the task is lost: a hand-off can succeed and the message
        # still be dropped (Redis without its append-only file, or one that restarts before it was written).
        KnowledgeProduct.objects.filter(pk__in=ids).update(search_stale_since=timezone.now())
    if not broker.hand_over(reindex_products_task, ids):
        products_index(ids)


# A task handed over is usually done within seconds; the sweep leaves it that long before doing its work itself.
STALE_SEARCH_SWEEP_AFTER = timedelta(minutes=10)
STALE_SEARCH_SWEEP_BATCH = 2000


def products_index_stale() -> int:
    """The sweep: products whose search text was to be written again longer ago than STALE_SEARCH_SWEEP_AFTER, and
    still is not (their task lost), are written now, a batch a run. Idempotent. Returns how many were written."""
    ids = list(
        KnowledgeProduct.objects.filter(search_stale_since__lt=timezone.now() - STALE_SEARCH_SWEEP_AFTER)
        .order_by("search_stale_since")
        .values_list("pk", flat=True)[:STALE_SEARCH_SWEEP_BATCH]
    )
    if ids:
        products_index(ids)
    return len(ids)


def _create_with_a_free_slug(product: KnowledgeProduct, *, slug_from: str = "") -> None:
    """Insert a new product under a free address (every Burmese or Cyrillic title's is product, product-2…, and two
    clicks on "Summarize" came at once)."""
    insert_with_a_free_slug(product, lambda: unique_slug(slug_from or product.title))


# Counted by downloads (with F()) while a form is open: no form's to write back.
NEVER_WRITTEN_BY_A_FORM = {"download_count"}


def _save_edited(product: KnowledgeProduct, *, fields: list[str]) -> None:
    """Write the edit form's columns only. The product was read at the start of the request: writing the whole
    row undid what happened meanwhile (a coordinator publishing it, downloads counted with F())."""
    fields = [name for name in fields if name not in NEVER_WRITTEN_BY_A_FORM]
    product.save(update_fields=[*fields, "body_html", "updated_at"])


def product_save_changes(product: KnowledgeProduct, *, changed: list[str]) -> None:
    """The admin's change form: write the columns the coordinator changed (`changed`: the form's changed_data),
    and the HTML of a changed text. The product was read when the form was sent: saving the whole row wrote back
    the status, publication date and download count as they were then, undoing a publication or the downloads
    counted meanwhile."""
    columns = [
        field.name
        for field in KnowledgeProduct._meta.concrete_fields
        if field.name in changed and field.name not in NEVER_WRITTEN_BY_A_FORM
    ]
    if "body" in columns:
        product.body_html = render_markdown(product.body)
        columns.append("body_html")
    product.save(update_fields=[*columns, "updated_at"])


@transaction.atomic
def product_save(*, form, author: User, files=()) -> KnowledgeProduct:
    """Save a validated product form (new or edited) with any new files; all or nothing."""
    product = form.save(commit=False)
    is_new = product.pk is None
    # Links to communities the editor cannot see are not in the form; keep them rather than drop them.
    hidden_links = (
        list(product.communities.exclude(pk__in=form.fields["communities"].queryset.values("pk"))) if not is_new else []
    )
    product.body_html = render_markdown(product.body)
    if is_new:
        product.created_by = author
        _create_with_a_free_slug(product)
    else:
        _save_edited(product, fields=[f.name for f in KnowledgeProduct._meta.concrete_fields if f.name in form.fields])
    form.save_m2m()
    if hidden_links:
        product.communities.add(*hidden_links)
    if is_new:
        product.authors.add(author)
    for upload in files:  # every file is checked before any is stored: a bad one leaves nothing on disk
        uploads.check_upload(upload)
    for upload in files:
        file_add(product=product, upload=upload)
    product_index(product)
    return product


def file_add(*, product: KnowledgeProduct, upload) -> ProductFile:
    extension, content_type = uploads.check_upload(upload)
    return ProductFile.objects.create(
        product=product, file=upload, original_name=_safe_name(upload.name), content_type=content_type,
        size=upload.size,
    )  # fmt: skip


def file_rename(*, product_file: ProductFile, name: str) -> None:
    """Store `product_file` again under `name` (a safe name: its download name too), in a new folder, and delete
    the old copy once the transaction commits (after a rollback the row still names the old one, which stays)."""
    old = product_file.file.name
    storage = product_file.file.storage
    with storage.open(old, "rb") as content:
        product_file.file.save(name, File(content), save=False)  # upload_to: a new random folder
    product_file.original_name = name
    product_file.save(update_fields=["file", "original_name"])
    transaction.on_commit(lambda: storage.delete(old))


def _safe_name(name: str) -> str:
    stem, _dot, extension = name.rpartition(".")
    return f"{slugify(stem)[:120] or 'file'}.{extension.lower()}"


def _notify_authors(product: KnowledgeProduct, text, actor: User | None) -> None:
    """`text`: what communities.services.worded gives, the text in each author's language."""
    Notification.objects.bulk_create(
        Notification(
            recipient=author,
            kind=Notification.Kind.KNOWLEDGE,
            actor=actor,
            text=text(author),
            url=product.get_absolute_url(),
        )  # fmt: skip
        for author in product.authors.all()
        if author != actor
    )


def _locked_for_transition(product: KnowledgeProduct, *, status_seen: str | None, allowed, refused) -> KnowledgeProduct:
    """The product as stored, its row locked until the transition's transaction ends. `product` was read at the
    start of the request: a double click on "Send for review" found a draft twice and told every coordinator
    twice; "Publish" and "Send back" at once both found it in review, which left a draft with a publication date
    (counted as published) and its authors told both. The second request now waits here for the first, and finds
    that the status it was sent for is gone: nothing is done, and nobody is told. `status_seen`: the status the
    page showed when its button was clicked, when it says (else the one the request read)."""
    stored = KnowledgeProduct.objects.select_for_update().get(pk=product.pk)
    if stored.status != (status_seen or product.status):
        raise KnowledgeError(
            _("Nothing was done: “%(title)s” was changed meanwhile and is now “%(status)s”.")
            % {"title": stored.title, "status": stored.get_status_display()}
        )
    if stored.status not in allowed:
        raise KnowledgeError(refused)
    return stored


@transaction.atomic
def product_submit(*, product: KnowledgeProduct, actor: User, status_seen: str | None = None) -> KnowledgeProduct:
    product = _locked_for_transition(
        product,
        status_seen=status_seen,
        allowed=[KnowledgeProduct.Status.DRAFT],
        refused=_("Only a draft can be sent for review."),
    )
    product.status = KnowledgeProduct.Status.IN_REVIEW
    product.save(update_fields=["status", "updated_at"])
    from members.roles import coordinators

    Notification.objects.bulk_create(
        Notification(
            recipient=c,
            kind=Notification.Kind.KNOWLEDGE,
            actor=actor,
            url=product.get_absolute_url(),
            text=worded(gettext_lazy("“%(title)s” is waiting for review"), title=product.title)(c),
        )  # fmt: skip
        for c in coordinators()
    )
    return product


@transaction.atomic
def product_publish(*, product: KnowledgeProduct, actor: User, status_seen: str | None = None) -> KnowledgeProduct:
    product = _locked_for_transition(
        product,
        status_seen=status_seen,
        allowed=[KnowledgeProduct.Status.IN_REVIEW, KnowledgeProduct.Status.DRAFT],
        refused=_("Only a draft or a product in review can be published."),
    )
    product.status = KnowledgeProduct.Status.PUBLISHED
    product.published_at = product.published_at or timezone.now()
    product.review_note = ""
    product.save(update_fields=["status", "published_at", "review_note", "updated_at"])
    _notify_authors(product, worded(gettext_lazy("“%(title)s” was published"), title=product.title), actor)
    return product


@transaction.atomic
def product_return(
    *, product: KnowledgeProduct, actor: User, note: str, status_seen: str | None = None
) -> KnowledgeProduct:
    """Send a product in review back to its authors with a note."""
    product = _locked_for_transition(
        product,
        status_seen=status_seen,
        allowed=[KnowledgeProduct.Status.IN_REVIEW],
        refused=_("Only a product in review can be sent back."),
    )
    product.status = KnowledgeProduct.Status.DRAFT
    product.review_note = note.strip()[:500]
    product.save(update_fields=["status", "review_note", "updated_at"])
    needs_changes = gettext_lazy("“%(title)s” needs changes: %(note)s")
    _notify_authors(product, worded(needs_changes, title=product.title, note=note), actor)
    return product


@transaction.atomic
def product_archive(*, product: KnowledgeProduct, actor: User) -> KnowledgeProduct:
    product.status = KnowledgeProduct.Status.ARCHIVED
    product.save(update_fields=["status", "updated_at"])
    return product


# A reader's downloads of one product count once a day: the "downloads" indicator and the library's "most
# downloaded" order must not grow with a reload, a download manager's retries or a script.
DOWNLOAD_COUNTED_FOR = 24 * 3600


def download_record(*, product_file: ProductFile, member: User | None, client_ip: str) -> bool:
    """Count a download of the file's product, unless this reader (the member, or the address of a reader
    not signed in) counted one in the last DOWNLOAD_COUNTED_FOR seconds; True when counted. Told apart in the
    cache; without one (Redis down) every download counts, as before."""
    reader = f"member:{member.pk}" if member is not None and member.is_authenticated else f"ip:{client_ip}"
    if not cache.add(f"download-counted:{product_file.product_id}:{reader}", 1, DOWNLOAD_COUNTED_FOR):
        return False
    KnowledgeProduct.objects.filter(pk=product_file.product_id).update(download_count=F("download_count") + 1)
    if member is not None and member.is_authenticated:
        # Filed under one of the product's communities the reader belongs to, else under one that is not
        # private: the first of them by name could be a private community the reader is not in, which then
        # counted them as active there and their data export named.
        communities = product_file.product.communities.order_by("name")
        mine = Membership.objects.active().filter(member=member).values("community")
        community = (
            communities.filter(pk__in=mine).first()
            or communities.exclude(visibility=Community.Visibility.PRIVATE).first()
        )
        activity_record(member=member, kind=Activity.Kind.DOWNLOAD, community=community)
    return True


def _summary_just_made(*, thread: Thread, actor: User) -> KnowledgeProduct | None:
    """`actor`'s draft summary of `thread` made within DOUBLE_SUBMIT_WINDOW: a second click on "Summarize this
    discussion" is the first one."""
    return (
        KnowledgeProduct.objects.filter(
            type=KnowledgeProduct.Type.DISCUSSION_SUMMARY,
            status=KnowledgeProduct.Status.DRAFT,
            source_threads=thread,
            created_by=actor,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("created_at", "pk")
        .first()
    )


def _heading(text: str) -> str:
    return f"## {text}"


def summary_from_thread(*, thread: Thread, community, actor: User) -> KnowledgeProduct:
    """A draft e-discussion summary pre-filled from a thread (see summary_get_or_create)."""
    product, _created = summary_get_or_create(thread=thread, community=community, actor=actor)
    return product


@transaction.atomic
def summary_get_or_create(*, thread: Thread, community, actor: User) -> tuple[KnowledgeProduct, bool]:
    """A draft e-discussion summary pre-filled from a thread: title, participants and the key posts, its headings in
    the language of the page it was asked from (the actor's), and True; or, asked for twice in a row
    (DOUBLE_SUBMIT_WINDOW), the first one and False, so that the second click is not told it made one."""
    # A member's two clicks, one at a time: each found no summary yet, and a double click made two drafts.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    twin = _summary_just_made(thread=thread, actor=actor)
    if twin is not None:
        return twin, False
    posts = list(
        thread.posts.filter(is_hidden=False).select_related("author", "quoted").order_by("-helpful_count", "created_at")
    )
    participants = sorted({p.author.public_name for p in posts if p.author and p.author.public_name}, key=str.lower)
    # A deactivated account is named nowhere (the thread page says "former member" too), but counts.
    unnamed = len({p.author_id for p in posts if p.author and not p.author.public_name})
    if unnamed:
        participants.append(
            ngettext("%(count)d former member", "%(count)d former members", unnamed) % {"count": unnamed}
        )
    key_posts = [p for p in posts if not p.is_opening][:5]
    opening = next((p for p in posts if p.is_opening), None)
    # Each heading a gettext call of its own: inside an f-string, makemessages never saw them (English for all).
    lines = [
        _heading(_("The question")), "", opening.body if opening else "", "",
        _heading(_("Participants")), "", ", ".join(participants), "",
        _heading(_("Key contributions")), "",
    ]  # fmt: skip
    for post in key_posts:
        # A reply's quote of a post hidden since is not copied: the thread's page leaves it out too (post_cards).
        body = post.body_as_shown()
        quoted = "\n".join(f"> {line}" for line in body.strip().splitlines())
        author = (post.author and post.author.public_name) or _("former member")
        lines += [quoted, f"> — {author}", ""]
    lines += [_heading(_("What we learned")), "", _("(Write the conclusions here.)")]
    product = KnowledgeProduct(
        type=KnowledgeProduct.Type.DISCUSSION_SUMMARY,
        title=_("Summary: %(title)s") % {"title": thread.title},
        summary=_("What members of %(community)s said about “%(title)s”, with %(count)d participants.")
        % {"community": community.name, "title": thread.title, "count": len({p.author_id for p in posts if p.author})},
        body="\n".join(lines),
        created_by=actor,
        countries=list(community.countries),
    )
    product.body_html = render_markdown(product.body)
    _create_with_a_free_slug(product, slug_from=f"summary {thread.title}")
    product.authors.add(actor)
    product.communities.add(community)
    product.source_threads.add(thread)
    product.tags.add(*community.themes.names())
    product_index(product)
    return product, True


def faq_save(item: FAQItem) -> FAQItem:
    item.answer_html = render_markdown(item.answer)
    item.save()
    return item
