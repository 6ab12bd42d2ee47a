"""Who may see indicators, exports and reports: report viewers, coordinators and superusers (the
`members.view_indicators` permission, given to both groups; superusers have every permission). Everyone else
gets 403; anonymous visitors are sent to sign in. Every indicators view goes through this decorator."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from members import roles


def can_view(user) -> bool:
    return roles.can_view_indicators(user)


def viewer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_view(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
