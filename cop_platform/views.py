from django.shortcuts import render

from . import home_selectors


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_anonymous.html")
    return render(request, "home.html", home_selectors.home_for(request.user))


def too_many_requests(request, exception=None):
    """Rate-limited requests (allauth's login, signup and reset limits) get a page that says what to do."""
    return render(request, "429.html", status=429)
