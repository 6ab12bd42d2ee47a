from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "knowledge"
    verbose_name = _("Knowledge library")

    def ready(self):
        from django.db.models.signals import post_delete

        from cop_platform.tagging import tags_changed

        from .models import ProductFile
        from .receivers import product_file_deleted
        from .services import products_reindex_tagged

        tags_changed.connect(products_reindex_tagged, dispatch_uid="knowledge.products_reindex_tagged")
        post_delete.connect(product_file_deleted, sender=ProductFile, dispatch_uid="knowledge.product_file_deleted")
