from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cop_platform.admin_deletion import KeptWhenUsed
from cop_platform.forms import ADMIN_TEXT_FIELDS

from . import services
from .forms import ProductAdminForm
from .models import FAQItem, KnowledgeProduct, ProductFile


class ProductFileInline(admin.TabularInline):
    model = ProductFile
    extra = 0
    fields = ["original_name", "content_type", "size", "created_at"]
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # files are uploaded through the site's form, which checks their content


@admin.action(description=_("Publish the selected products"))
def publish_products(modeladmin, request, queryset):
    published = 0
    for product in queryset.exclude(status=KnowledgeProduct.Status.PUBLISHED):
        try:
            services.product_publish(product=product, actor=request.user)
            published += 1
        except services.KnowledgeError as error:
            modeladmin.message_user(request, f"{product}: {error}", messages.WARNING)
    modeladmin.message_user(
        request,
        ngettext("%(count)d product published.", "%(count)d products published.", published) % {"count": published},
        messages.SUCCESS,
    )


@admin.action(description=_("Archive the selected products"))
def archive_products(modeladmin, request, queryset):
    archived = 0
    for product in queryset.exclude(status=KnowledgeProduct.Status.ARCHIVED):
        services.product_archive(product=product, actor=request.user)
        archived += 1
    said = ngettext("%(count)d product archived.", "%(count)d products archived.", archived) % {"count": archived}
    modeladmin.message_user(request, said, messages.SUCCESS if archived else messages.WARNING)


@admin.register(KnowledgeProduct)
class KnowledgeProductAdmin(KeptWhenUsed, admin.ModelAdmin):
    form = ProductAdminForm
    formfield_overrides = ADMIN_TEXT_FIELDS
    list_display = ["title", "type", "status", "published_at", "download_count"]
    list_filter = ["status", "type", "communities", "language", "published_at"]
    search_fields = ["title", "summary"]
    date_hierarchy = "created_at"
    filter_horizontal = ["communities"]
    # Looked up as typed: listing every member, discussion and event made the form 12 MB and 5 s at scale.
    autocomplete_fields = ["authors", "source_threads", "source_events"]
    readonly_fields = ["status", "published_at", "download_count", "created_by", "created_at", "updated_at"]
    inlines = [ProductFileInline]
    actions = [publish_products, archive_products]
    fieldsets = [
        (None, {"fields": ["type", "title", "slug", "summary", "body", "version_note"]}),
        (_("Where it belongs"), {"fields": ["language", "countries", "communities", "tags"]}),
        (_("Where it came from"), {"fields": ["authors", "source_threads", "source_events"]}),
        (_("Workflow"), {"description": _("Publish or archive with the list's actions: publishing tells the authors."),
                         "fields": ["status", "published_at", "review_note", "download_count", "created_by",
                                    "created_at", "updated_at"]}),
    ]  # fmt: skip
    prepopulated_fields = {"slug": ["title"]}

    def kept_because(self, product):
        # The month it was published counts it, and members may have downloaded it; deleting it changed past
        # months' figures. Archived, it leaves the library and stays in them.
        if product.published_at is not None:
            return gettext("it was published; the indicators count it. Archive it instead.")
        return None

    def save_model(self, request, obj, form, change):
        if change:
            services.product_save_changes(obj, changed=form.changed_data)
            return
        from communities.markdown import render

        obj.created_by = request.user
        obj.body_html = render(obj.body)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.product_index(form.instance)


@admin.register(FAQItem)
class FAQItemAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_TEXT_FIELDS
    list_display = ["question", "community", "position", "is_published"]
    list_filter = ["community", "is_published"]
    list_editable = ["position", "is_published"]
    search_fields = ["question", "answer"]

    def save_model(self, request, obj, form, change):
        services.faq_save(obj)
