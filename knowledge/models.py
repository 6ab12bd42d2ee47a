import os

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager


class KnowledgeProduct(models.Model):
    """A knowledge product: a summary, FAQ, guidance, case study, toolkit… with files to download."""

    class Type(models.TextChoices):
        DISCUSSION_SUMMARY = "discussion_summary", _("E-discussion summary")
        FAQ = "faq", _("FAQ")
        LESSONS_LEARNED = "lessons_learned", _("Lessons learned overview")
        GUIDANCE = "guidance", _("Guidance document")
        CASE_STUDY = "case_study", _("Case study")
        TOOLKIT = "toolkit", _("Toolkit")
        DATA_SET = "data_set", _("Data set")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    type = models.CharField(_("type"), max_length=24, choices=Type.choices, default=Type.GUIDANCE)
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=250, unique=True)
    summary = models.TextField(_("summary"), blank=True, max_length=2000, help_text=_("Two or three sentences."))
    body = models.TextField(_("text"), blank=True, max_length=200_000, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    language = models.ForeignKey(
        "members.Language", verbose_name=_("language"), null=True, blank=True, on_delete=models.SET_NULL
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    communities = models.ManyToManyField(
        "communities.Community", verbose_name=_("communities"), blank=True, related_name="knowledge_products",
        help_text=_("A product of a private community is shown only to its members."),
    )  # fmt: skip
    tags = TaggableManager(_("themes"), blank=True)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("authors"), blank=True, related_name="knowledge_products"
    )
    source_threads = models.ManyToManyField(
        "communities.Thread", verbose_name=_("from discussions"), blank=True, related_name="knowledge_products"
    )
    source_events = models.ManyToManyField(
        "events.Event", verbose_name=_("from events"), blank=True, related_name="knowledge_products"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    review_note = models.CharField(_("note from the reviewer"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    version_note = models.CharField(_("version note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    # Kept up to date by knowledge.services.product_index on PostgreSQL (GIN-indexed by migration 0002);
    # unused on SQLite, where search falls back to plain matching.
    search_vector = SearchVectorField(null=True, editable=False)
    # Set when the product's tags changed in the admin (a merge, a rename, a deletion) and its search_vector is to be
    # written again by a worker; cleared by that write. knowledge.tasks.sweep_stale_search_task writes those whose
    # task was lost (the broker down, or a message Redis dropped).
    search_stale_since = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("knowledge product")
        verbose_name_plural = _("knowledge products")
        indexes = [
            models.Index(fields=["status", "published_at"], name="knowledge_listing"),
            # The sweep's: a few rows at most, and none most of the time.
            models.Index(
                fields=["search_stale_since"],
                name="knowledge_search_stale",
                condition=Q(search_stale_since__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("knowledge:detail", args=[self.slug])

    def named_authors(self) -> list:
        """The authors a page names, from the prefetched authors: a deactivated account is named nowhere."""
        return [author for author in self.authors.all() if author.public_name]


# File systems hold names of at most 255 bytes: 90 Burmese letters are 270 in UTF-8.
MAX_STORED_NAME_BYTES = 200


def product_file_path(instance, filename):
    # A random folder name: uploaded names are never trusted as paths.
    return f"knowledge/{timezone.now():%Y/%m}/{os.urandom(8).hex()}/{_fit_bytes(filename, MAX_STORED_NAME_BYTES)}"


def _fit_bytes(filename: str, limit: int) -> str:
    """`filename` with its stem cut so that the whole name is at most `limit` bytes in UTF-8."""
    if len(filename.encode()) <= limit:
        return filename
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    room = limit - len(f"{dot}{extension}".encode())
    stem = stem.encode()[: max(room, 1)].decode(errors="ignore") or "file"
    return f"{stem}{dot}{extension}"


class ProductFile(models.Model):
    product = models.ForeignKey(
        KnowledgeProduct, verbose_name=_("knowledge product"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=product_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self):
        return self.original_name

    @property
    def extension(self) -> str:
        return os.path.splitext(self.original_name)[1].lower().lstrip(".")


class FAQItem(models.Model):
    """One question and answer on a community's FAQ page."""

    community = models.ForeignKey(
        "communities.Community", verbose_name=_("community"), on_delete=models.CASCADE, related_name="faq_items"
    )
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), help_text=_("Markdown."))
    answer_html = models.TextField(editable=False, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["community", "position", "pk"]
        verbose_name = _("FAQ item")
        verbose_name_plural = _("FAQ items")

    def __str__(self):
        return self.question
