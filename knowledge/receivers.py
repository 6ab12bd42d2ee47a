"""Signal receivers of the knowledge library."""

from django.db import transaction


def product_file_deleted(sender, instance, **kwargs):
    """post_delete of a ProductFile, however it goes (the admin's product deletion or its files' "Delete" box):
    the stored file goes too, once the deletion commits. Left on disk it was served by nobody, and named after
    the member who uploaded it after their account was deleted (which renames only files with a row)."""
    if instance.file.name:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
