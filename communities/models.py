from django.db import models
from django.utils.translation import gettext_lazy as _


class Community(models.Model):
    """A community of practice. Memberships, forums and visibility arrive with the communities issue;
    the activity record already points here so indicators can be split by community."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, help_text=_("Used in the community's web address."))
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community of practice")
        verbose_name_plural = _("communities of practice")

    def __str__(self):
        return self.name
