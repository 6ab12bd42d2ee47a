from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager


class ExpertCluster(models.Model):
    """A thematic cluster of experts (e.g. "Digital government"), linked to the communities it serves."""

    theme = models.CharField(_("theme"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    keywords = TaggableManager(
        _("keywords"), blank=True, help_text=_("Topics of the cluster, matched against communities' themes.")
    )
    leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("leads"), blank=True, related_name="led_clusters"
    )
    communities = models.ManyToManyField(
        "communities.Community", verbose_name=_("linked communities"), blank=True, related_name="expert_clusters"
    )

    class Meta:
        ordering = ["theme"]
        verbose_name = _("expert cluster")
        verbose_name_plural = _("expert clusters")

    def __str__(self):
        return self.theme


class Expert(models.Model):
    """A mapped expert. Mapped experts may not have an account yet; they are linked to one when a member
    with the same email address verifies it."""

    class Category(models.TextChoices):
        POLICY_MAKER = "policy_maker", _("Policy maker")
        CIVIL_SERVANT = "civil_servant", _("Civil servant")
        ACTIVIST = "activist", _("Activist")
        ACADEMIC = "academic", _("Academic")
        SCHOLAR = "scholar", _("Scholar")
        STUDENT = "student", _("Student")
        PRACTITIONER = "practitioner", _("Practitioner")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        MAPPED = "mapped", _("Mapped")
        CONTACTED = "contacted", _("Contacted")
        ENGAGED = "engaged", _("Engaged")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    # Shown in the directory and suggested for referrals.
    LISTED_STATUSES = (Status.ENGAGED, Status.ACTIVE)

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("member account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="expert_profile",
        help_text=_(
            "Filled in automatically when a member verifies this expert's email address, or chosen here: either "
            "makes the member an expert (the Experts group)."
        ),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True, help_text=_("Contact details are shown to coordinators only."))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.PRACTITIONER)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    organization = models.CharField(_("organization"), max_length=200, blank=True)
    expertise = TaggableManager(_("expertise"), blank=True, help_text=_("Topics, separated by commas."))
    languages = models.ManyToManyField("members.Language", verbose_name=_("languages"), blank=True)
    bio = models.TextField(_("biography"), blank=True)
    gender = models.CharField(_("gender"), max_length=16, blank=True, choices=[
        ("female", _("Female")), ("male", _("Male")), ("other", _("Other")), ("undisclosed", _("Prefer not to say")),
    ])  # fmt: skip
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.MAPPED)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    capacity_per_month = models.PositiveSmallIntegerField(
        _("capacity (questions per month)"), default=4, help_text=_("How many referrals a month the expert accepts.")
    )
    clusters = models.ManyToManyField(ExpertCluster, verbose_name=_("clusters"), blank=True, related_name="experts")
    created_at = models.DateTimeField(_("mapped on"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        indexes = [
            models.Index(fields=["status"], name="expert_status"),
            # The directory's order: a page of it is read off the index instead of sorting every listed expert.
            models.Index(fields=["name", "id"], name="expert_directory_order"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=~models.Q(email=""), name="expert_unique_email")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("experts:detail", args=[self.pk])

    def reading_language(self) -> str:
        """For an expert without an account: the site's language if they work in it, else the first of theirs
        the site is offered in; "" for the site's (nothing offered, or no languages given)."""
        codes = {language.code for language in self.languages.all()}
        if not codes or settings.LANGUAGE_CODE in codes:
            return ""
        return next((code for code, _name in settings.LANGUAGES if code in codes), "")

    @property
    def is_listed(self) -> bool:
        return self.status in self.LISTED_STATUSES


class ExpertStatusChange(models.Model):
    """Dated history of an expert's pipeline stage."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="status_history"
    )
    from_status = models.CharField(_("previous status"), max_length=16, choices=Expert.Status.choices, blank=True)
    to_status = models.CharField(_("new status"), max_length=16, choices=Expert.Status.choices)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self):
        # The stages' names in the reader's language, as the admin's columns show them, not their codes.
        return f"{self.expert}: {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class Referral(models.Model):
    """A question in a thread routed to one expert, with a due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the expert")
        ANSWERED = "answered", _("Answered")
        RESOLVED = "resolved", _("Resolved")

    thread = models.ForeignKey(
        "communities.Thread", verbose_name=_("thread"), on_delete=models.CASCADE, related_name="referrals"
    )
    community = models.ForeignKey(
        "communities.Community", verbose_name=_("asked in"), on_delete=models.CASCADE, related_name="referrals",
        help_text=_("The community the question was asked in; its active members may rate the answer."),
    )  # fmt: skip
    expert = models.ForeignKey(Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="referrals")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), null=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The member whose question it is (the thread's author)."),
    )  # fmt: skip
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("flagged by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)
    first_answer_at = models.DateTimeField(_("first answer"), null=True, blank=True)
    first_answer = models.ForeignKey(
        "communities.Post", verbose_name=_("first answer"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("expert referral")
        verbose_name_plural = _("expert referrals")
        constraints = [models.UniqueConstraint(fields=["thread", "expert"], name="referral_once_per_expert")]
        indexes = [models.Index(fields=["status", "due_at"], name="referral_due")]

    def __str__(self):
        return gettext("%(expert)s on “%(thread)s”") % {"expert": self.expert, "thread": self.thread}

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_at < timezone.now()


class Rating(models.Model):
    """The asker's rating of the expert's advice on one referral."""

    referral = models.ForeignKey(Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"), choices=[(n, str(n)) for n in range(1, 6)])
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("rated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["referral", "rater"], name="rating_once_per_rater"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
        ]

    def __str__(self):
        return gettext("%(score)d/5 for %(referral)s") % {"score": self.score, "referral": self.referral}
