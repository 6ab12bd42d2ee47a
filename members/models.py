import zoneinfo

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from taggit.managers import TaggableManager

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class LocalCommunity(models.Model):
    """A local community in the network (township, district, province…), managed by the coordinator.
    Members and local action teams attach to it; indicators sum the population it covers."""

    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=200, blank=True, help_text=_("State, province or region."))
    population_covered = models.PositiveIntegerField(
        _("population covered"), null=True, blank=True, help_text=_("Approximate number of people it serves.")
    )
    population_source = models.CharField(
        _("population source"), max_length=300, blank=True,
        help_text=_("Where the population figure comes from (census year, district office…). Printed in reports."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("local community")
        verbose_name_plural = _("local communities")
        constraints = [models.UniqueConstraint(fields=["country", "name"], name="local_community_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.country.name})"


# English names of the languages the platform offers (members/migrations/0002) that Django's LANG_INFO has no
# name for (Chinese it names only by script, "Simplified Chinese"): marked, so the catalogs translate them.
OTHER_LANGUAGE_NAMES = {
    "zh": gettext_noop("Chinese"),
    "lo": gettext_noop("Lao"),
    "fil": gettext_noop("Filipino"),
    "tet": gettext_noop("Tetum"),
    "shn": gettext_noop("Shan"),
    "kac": gettext_noop("Kachin"),
    "ksw": gettext_noop("Karen"),
}


def language_name(code: str, stored: str) -> str:
    """A language's name in the reader's language: Django's catalogs translate the names of the languages it
    knows ("Russian" → "Русский"), ours the others. A name the coordinator changed from the English one is theirs
    and shown as they wrote it, as is a language neither knows."""
    english = LANG_INFO.get(code, {}).get("name") or OTHER_LANGUAGE_NAMES.get(code)
    return gettext(english) if english and stored == english else stored


class Language(models.Model):
    """A language a member or an expert works in (ISO 639-1 code where one exists)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return language_name(self.code, self.name)


# A deleted account keeps its row, so that its posts stay as "Former member" and past months' figures hold; its
# address becomes deleted-<id>@invalid.example (members.privacy.account_delete), and that is what tells it apart.
DELETED_ADDRESS_DOMAIN = "@invalid.example"


class UserQuerySet(models.QuerySet):
    def not_deleted(self):
        return self.exclude(email__endswith=DELETED_ADDRESS_DOMAIN)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("profile_completed_at", timezone.now())
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A member account: email login, and the profile fields the monthly indicators are split by."""

    class PositionLevel(models.TextChoices):
        SENIOR = "senior", _("Senior management")
        MIDDLE = "middle", _("Middle management")
        STAFF = "staff", _("Staff")
        OTHER = "other", _("Other")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    handle = models.SlugField(
        _("handle"), max_length=60, unique=True, null=True, blank=True,
        help_text=_("Colleagues mention this member as @handle. Set from the name when the profile is completed."),
    )  # fmt: skip
    country = CountryField(_("country"), blank=True, db_index=True)
    organization = models.CharField(
        _("organization or ministry"), max_length=200, blank=True, help_text=_("For example: Ministry of Planning.")
    )
    position_level = models.CharField(_("position level"), max_length=16, choices=PositionLevel.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, blank=True, db_index=True)
    city_region = models.CharField(_("city or region"), max_length=200, blank=True)
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True, related_name="members")
    interests = TaggableManager(_("interests"), blank=True, help_text=_("Topics you work on, separated by commas."))
    local_community = models.ForeignKey(
        LocalCommunity,
        verbose_name=_("local community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        blank=True,
        help_text=_("Event times are shown in this time zone."),
    )
    # Blank until the member picks one (the switcher or the profile form); their emails use it, and signing in
    # switches the site to it. Choices come from settings, so a new language needs a migration (choices only).
    language = models.CharField(
        _("language of the site"),
        max_length=16,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Pages and emails are shown in this language."),
    )
    # For a member who chose none ("the language my browser asks for"): what their browser asked for when they
    # last signed in. Emails, notifications and reports rendered away from their requests use it
    # (cop_platform.i18n.language_for): without it they came in the language of whoever acted, or in English.
    browser_language = models.CharField(
        _("language of the browser at the last sign-in"),
        max_length=16,
        blank=True,
        editable=False,
        help_text=_("Used for emails and notifications while no language of the site is chosen."),
    )
    hide_email = models.BooleanField(
        _("hide my email address"),
        default=False,
        help_text=_("Other members will not see your email address. Coordinators always can."),
    )
    profile_completed_at = models.DateTimeField(
        _("profile completed"),
        null=True,
        blank=True,
        help_text=_("Empty until the member completes onboarding; until then the site asks for the profile."),
    )

    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Unselect this instead of deleting an account.")
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Can log into the admin site (coordinators).")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Deleting an account reads every post and can outlast a web request: the request deactivates it and sets
    # these, a worker does the rest (members.privacy.account_delete_request).
    deletion_requested_at = models.DateTimeField(
        _("deletion asked for"), null=True, blank=True, editable=False,
        help_text=_("Set when the member or a coordinator deletes the account; its details are removed moments "
                    "later, in the background."),
    )  # fmt: skip
    deletion_requested_by = models.ForeignKey(
        "self", verbose_name=_("deletion asked for by"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+", help_text=_("Empty when the member deleted it themselves."),
    )  # fmt: skip

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        permissions = [("view_indicators", _("Can read indicators and download progress reports"))]
        constraints = [models.UniqueConstraint(Lower("email"), name="member_email_unique_ci")]
        # The directory's page (members.selectors.member_directory): listed members in name order, read from
        # the index's start instead of sorting every member (24 ms → 0.07 ms at 100k members).
        indexes = [
            models.Index(
                fields=["full_name", "id"],
                name="member_directory",
                condition=Q(is_active=True, profile_completed_at__isnull=False),
            )
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]

    @property
    def public_name(self) -> str:
        """The name others are shown, or "" for a deactivated account (one being deleted, say): it is named
        nowhere, and its profile is not found, so pages write "former member" or leave it out."""
        return self.display_name if self.is_active else ""

    @property
    def initials(self) -> str:
        words = self.display_name.split()
        return "".join(word[0] for word in words[:2]).upper() or "?"

    @property
    def is_deleted(self) -> bool:
        """Deleted for good (members.privacy.account_delete); not merely asked for (deletion_requested_at)."""
        return self.email.endswith(DELETED_ADDRESS_DOMAIN)

    @property
    def has_completed_profile(self) -> bool:
        return self.profile_completed_at is not None


class ForgottenHandle(models.Model):
    """A deleted account's @handle, as a keyed digest only (members.forgotten_handles): never given to anyone
    again, and written as "Former member" in text saved after the deletion."""

    digest = models.CharField(max_length=64, unique=True, editable=False)

    def __str__(self):
        return self.digest


class Activity(models.Model):
    """One meaningful member action. Features write it through members.services.activity_record;
    the monthly indicators read it (active members, downloads, ratings…)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        PROFILE_COMPLETED = "profile_completed", _("Completed profile")
        POST = "post", _("Started a discussion")
        REPLY = "reply", _("Replied")
        EVENT_REGISTRATION = "event_registration", _("Registered for an event")
        EVENT_ATTENDANCE = "event_attendance", _("Attended an event")
        DOWNLOAD = "download", _("Downloaded a knowledge product")
        RATING = "rating", _("Rated an expert's advice")
        EXPERT_ANSWER = "expert_answer", _("Answered as an expert")
        REACTION = "reaction", _("Marked a post helpful")
        JOINED_COMMUNITY = "joined_community", _("Joined a community")
        SURVEY = "survey", _("Answered a survey")

    member = models.ForeignKey(
        User, verbose_name=_("member"), null=True, on_delete=models.SET_NULL, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("activity")
        verbose_name_plural = _("activity records")
        # Indicators ask "who did what in month M", by kind and by community.
        indexes = [
            models.Index(fields=["occurred_at", "kind"], name="activity_month_kind"),
            models.Index(fields=["member", "occurred_at"], name="activity_member_month"),
            models.Index(fields=["community", "occurred_at"], name="activity_community_month"),
        ]

    def __str__(self):
        return f"{self.member} · {self.get_kind_display()} · {self.occurred_at:%Y-%m-%d %H:%M}"


class AuditEntry(models.Model):
    """Who did what, when: role and membership changes, moderation, exports of personal or aggregate data,
    deletions. Written only through `members.audit.audit_record`; never edited or deleted from the site
    (the admin is read-only). Deleting an account replaces that person's name in the entries they appear in
    (`audit_forget`), because personal data must go — the entries themselves stay."""

    class Action(models.TextChoices):
        ROLE_GRANTED = "role.granted", _("Role granted")
        ROLE_REVOKED = "role.revoked", _("Role revoked")
        STAFF_CHANGED = "staff.changed", _("Staff or superuser status changed")
        MEMBERSHIP = "membership", _("Membership decision")
        MODERATION = "moderation", _("Moderation")
        EXPORT = "export", _("Data exported")
        DELETION = "deletion", _("Deleted")
        ACCOUNT_DELETED = "account.deleted", _("Account deleted")
        DATA_EXPORT = "account.export", _("Personal data exported")

    actor = models.ForeignKey(
        User, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by (as recorded)"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    target = models.CharField(_("what"), max_length=300, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.get_action_display()} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only")
        super().save(*args, **kwargs)
