"""Times kept to the minute: members are shown the minute, and a page is kept for up to a minute
(cop_platform.page_cache), so what opens or closes (a survey, an event's registration) does so as a minute begins."""


def to_the_minute(moment):
    """`moment` without its seconds (None stays None)."""
    return moment.replace(second=0, microsecond=0) if moment else moment
