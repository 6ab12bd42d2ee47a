# English as the platform has always written it, for readers across ASEAN and Central Asia: day before
# month, 24-hour clock ("5 March 2026, 14:30"), rather than Django's American defaults. Whatever is not
# here (input formats, separators) comes from Django's own English module.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
