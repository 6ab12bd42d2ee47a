from django.db import migrations

from cop_platform.migration_operations import many_to_many_index


class Migration(migrations.Migration):
    dependencies = [("events", "0002_event_upcoming_index")]

    # The sharing rule (communities.access.shared_with_visible_community) lists the events shared with private
    # communities, a few of many. Led by the community and holding the event, this index lets PostgreSQL read
    # them for those communities alone, index-only, instead of hashing every link (0.8 → 0.3 ms for 4,000).
    operations = [
        many_to_many_index("events", "Event", "communities", ["community", "event"], "event_links_by_community")
    ]
