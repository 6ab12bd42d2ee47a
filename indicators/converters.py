from datetime import date


class MonthConverter:
    """`2026-10` in URLs ⇄ date(2026, 10, 1). An impossible month (2026-13) does not match (404)."""

    regex = r"[0-9]{4}-[0-9]{2}"

    # No platform has a month near the ends of the calendar, and the pages read a year around the one asked
    # (a trend's twelve months back, a month's end): date() refuses year 0 and year 10,000.
    YEARS = range(1900, 9000)

    def to_python(self, value: str) -> date:
        year, month = value.split("-")
        if int(year) not in self.YEARS:
            raise ValueError("no platform month")  # → no match
        return date(int(year), int(month), 1)  # ValueError → no match

    def to_url(self, value) -> str:
        if isinstance(value, str):
            return value
        return f"{value:%Y-%m}"


def parse_month(value: str | None) -> date | None:
    """`?month=2026-10` → date, or None when missing or not a month."""
    if not value:
        return None
    try:
        return MonthConverter().to_python(value.strip()[:7]) if len(value.strip()) == 7 else None
    except ValueError:
        return None
