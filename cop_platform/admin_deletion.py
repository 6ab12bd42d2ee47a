"""Rows that others' work or past months' figures depend on are kept, not deleted, in the admin.

Django's delete page (and "Delete selected") would cascade: deleting an expert took members' ratings with it,
a community every member's posts, a snapshot last month's figures. A model admin with `KeptWhenUsed` says, per
object, why it is kept and what to do instead. The reason is listed on Django's own confirmation page as a
protected object, so the page explains and its "Yes, I'm sure" is not offered (Django deletes nothing while
anything is protected, for one object and for a selection alike).
"""

from django.utils.html import format_html


class KeptWhenUsed:
    """Mix into a ModelAdmin before admin.ModelAdmin and define `kept_because`. `deleted_along`: models whose own
    admin deletes none of their rows but which go with an object `kept_because` lets go (a community made by
    mistake takes its creator's membership), so their refusal does not stop that deletion."""

    deleted_along: tuple = ()

    def kept_because(self, obj) -> str | None:
        """Why `obj` may not be deleted, with what to do instead; None when it may."""
        raise NotImplementedError

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept = [format_html("{}: {}", obj, reason) for obj in objs if (reason := self.kept_because(obj))]
        if kept:
            # The page shows missing permissions instead of protected objects: the reason is the better answer
            # (nothing is deleted either way while anything is protected).
            perms_needed = set()
        along = {str(model._meta.verbose_name) for model in self.deleted_along}
        perms_needed = {name for name in perms_needed if str(name) not in along}
        return deleted, model_count, perms_needed, [*kept, *protected]
