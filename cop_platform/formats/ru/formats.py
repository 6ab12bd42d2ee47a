# Russian: Django's own formats, except the day and month. Django writes MONTH_DAY_FORMAT as "j F", the month
# in the nominative ("23 Ноябрь"); after a day Russian takes the genitive, which "E" gives ("23 ноября"), as
# Django's own DATE_FORMAT does. Everything not set here comes from Django's Russian formats.
MONTH_DAY_FORMAT = "j E"
