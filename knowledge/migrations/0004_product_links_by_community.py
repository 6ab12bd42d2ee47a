from django.db import migrations

from cop_platform.migration_operations import many_to_many_index


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_published_order_index")]

    # The sharing rule (communities.access.shared_with_visible_community) lists the products shared with private
    # communities, a few of many. Led by the community and holding the product, this index lets PostgreSQL read
    # them for those communities alone, index-only, instead of hashing every link (2.1 → 0.2 ms for 12,000).
    operations = [
        many_to_many_index(
            "knowledge",
            "KnowledgeProduct",
            "communities",
            ["community", "knowledgeproduct"],
            "product_links_by_community",
        )  # fmt: skip
    ]
