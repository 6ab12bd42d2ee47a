# Burmese: Django has no formats module for `my`, so without this file dates would fall back to English
# order ("N j, Y"). Patterns follow CLDR's Burmese ones (year first, "၊" after the year) in Django's date
# syntax; digits stay Western, as Django cannot print Myanmar digits.
DATE_FORMAT = "Y၊ F j"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y၊ F j H:i"
YEAR_MONTH_FORMAT = "Y၊ F"
MONTH_DAY_FORMAT = "F j"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
FIRST_DAY_OF_WEEK = 0  # Sunday

# Python strftime syntax, for parsing what a member types.
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
