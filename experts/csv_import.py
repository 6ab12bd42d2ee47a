"""Import mapped experts from a CSV file: parse and check every row first (the preview), then create the
good rows in one transaction. A bad row is reported with its line number and never half-imported."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from cop_platform.forms import TAG_MAX_LENGTH, new_tags_too_long
from members.models import Language

from . import services
from .models import Expert, ExpertCluster

COLUMNS = ["name", "email", "category", "countries", "organization", "expertise", "languages", "gender",
           "clusters", "capacity", "status", "bio"]  # fmt: skip
REQUIRED = ["name"]
MAX_ROWS = 2000


@dataclass
class ImportRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    duplicate_of: str = ""
    cleaned: dict = field(default_factory=dict)

    @property
    def is_importable(self) -> bool:
        return not self.errors and not self.duplicate_of


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    file_errors: list[str]
    # Set by import_rows: good rows of the preview that were stored by then (a second "Confirm").
    stored_meanwhile: list[ImportRow] = field(default_factory=list)

    @property
    def good(self):
        return [row for row in self.rows if row.is_importable]

    @property
    def bad(self):
        return [row for row in self.rows if row.errors]

    @property
    def duplicates(self):
        return [row for row in self.rows if row.duplicate_of and not row.errors]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").replace("|", ",").split(",") if part.strip()]


def preview(text: str) -> ImportPreview:
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED if column not in headers]
    unknown = [h for h in headers if h not in COLUMNS]
    if missing or unknown:
        errors = []
        if missing:
            errors.append(_("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})
        if unknown:
            errors.append(
                _("Unknown column(s): %(columns)s. Expected: %(expected)s.")
                % {"columns": ", ".join(unknown), "expected": ", ".join(COLUMNS)}
            )
        return ImportPreview(rows=[], file_errors=errors)
    reader.fieldnames = headers
    clusters = {c.slug: c for c in ExpertCluster.objects.all()}
    clusters.update({c.theme.lower(): c for c in clusters.values()})
    languages = {lang.code: lang for lang in Language.objects.all()}
    languages.update({lang.name.lower(): lang for lang in languages.values()})
    existing_emails, existing_names = _stored_emails(), _stored_names()
    seen_emails: dict[str, int] = {}
    seen_names: dict[tuple, int] = {}
    rows = []
    for count, raw in enumerate(_readable(reader), start=1):
        if raw is None:
            return ImportPreview(
                rows=[],
                file_errors=[
                    _("Line %(line)d cannot be read: a value is too long or badly quoted.") % {"line": reader.line_num}
                ],
            )
        index = reader.line_num  # the file's own line number (empty lines are skipped by the reader)
        if count > MAX_ROWS:
            return ImportPreview(
                rows=rows, file_errors=[_("More than %(max)d rows: split the file.") % {"max": MAX_ROWS}]
            )
        values = {key: (value or "").strip() for key, value in raw.items() if key}
        if not any(values.values()):
            continue
        row = ImportRow(line=index, values=values)
        _check(row, clusters, languages)
        email = row.cleaned.get("email", "")
        name_key = _name_key(values)
        row.duplicate_of = (
            _already_stored(email, name_key, existing_emails, existing_names)
            or _same_as_a_line_above(email, name_key, seen_emails, seen_names)
        )  # fmt: skip
        if email:
            seen_emails.setdefault(email, index)
        seen_names.setdefault(name_key, index)
        rows.append(row)
    return ImportPreview(rows=rows, file_errors=[] if rows else [_("The file has no rows to import.")])


def _stored_emails() -> set[str]:
    return {e.lower() for e in Expert.objects.exclude(email="").values_list("email", flat=True)}


def _stored_names() -> set[tuple[str, str]]:
    return {(n.lower(), o.lower()) for n, o in Expert.objects.values_list("name", "organization")}


def _name_key(values: dict) -> tuple[str, str]:
    return values.get("name", "").lower(), values.get("organization", "").lower()


def _already_stored(email: str, name_key: tuple[str, str], emails: set[str], names: set[tuple[str, str]]) -> str:
    """Why the row is an expert already mapped ("" when it is not): the same email, or without one the same name
    and organization."""
    if email and email in emails:
        return _("an expert with %(email)s already exists") % {"email": email}
    if not email and name_key in names:
        return _("an expert with this name and organization already exists")
    return ""


def _same_as_a_line_above(email: str, name_key: tuple[str, str], emails: dict, names: dict) -> str:
    if email and email in emails:
        return _("same email as line %(line)s") % {"line": emails[email]}
    if not email and name_key in names:
        return _("same name and organization as line %(line)s") % {"line": names[name_key]}
    return ""


def _readable(reader):
    """The reader's rows, then None if one cannot be read (a csv.Error, e.g. a value over the csv module's
    131,072-character field limit; the upload may be 2 MB)."""
    try:
        yield from reader
    except csv.Error:
        yield None


# Text columns whose length the database enforces (PostgreSQL refuses a longer value; SQLite would store it).
_MAX_LENGTHS = {name: Expert._meta.get_field(name).max_length for name in ("name", "email", "organization", "bio")}


def _check_lengths(row: ImportRow) -> None:
    for column, limit in _MAX_LENGTHS.items():
        value = row.values.get(column, "")
        if limit and len(value) > limit:
            row.errors.append(
                _("%(column)s has %(length)d characters; at most %(limit)d fit")
                % {"column": column, "length": len(value), "limit": limit}
            )
    if new_tags_too_long(row.cleaned.get("expertise", [])):
        row.errors.append(_("each expertise can have at most %(limit)d characters") % {"limit": TAG_MAX_LENGTH})


def _check(row: ImportRow, clusters: dict, languages: dict) -> None:
    v, c, errors = row.values, row.cleaned, row.errors
    c["name"] = v.get("name", "")
    if not c["name"]:
        errors.append(_("name is required"))
    email = v.get("email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("“%(email)s” is not a valid email address") % {"email": v["email"]})
    c["email"] = email
    category = v.get("category", "").lower().replace(" ", "_") or Expert.Category.PRACTITIONER
    if category not in Expert.Category.values:
        errors.append(
            _("category “%(value)s” is not one of %(allowed)s")
            % {"value": v["category"], "allowed": ", ".join(Expert.Category.values)}
        )
    c["category"] = category
    codes = [code.upper() for code in _split(v.get("countries", ""))]
    unknown = [code for code in codes if code not in dict(all_countries)]
    if unknown:
        errors.append(
            _("unknown country code(s): %(codes)s (use ISO codes such as MM, KH)") % {"codes": ", ".join(unknown)}
        )
    c["countries"] = codes
    c["organization"] = v.get("organization", "")
    c["expertise"] = _split(v.get("expertise", ""))
    wanted = [w.lower() for w in _split(v.get("languages", ""))]
    c["languages"] = [languages[w] for w in wanted if w in languages]
    if len(c["languages"]) != len(wanted):
        errors.append(
            _("unknown language(s): %(names)s") % {"names": ", ".join(w for w in wanted if w not in languages)}
        )
    gender = v.get("gender", "").lower()
    if gender and gender not in {"female", "male", "other", "undisclosed"}:
        errors.append(_("gender “%(value)s” is not female, male, other or undisclosed") % {"value": v["gender"]})
    c["gender"] = gender
    wanted = [w.lower() for w in _split(v.get("clusters", ""))]
    c["clusters"] = [clusters[w] for w in wanted if w in clusters]
    if len(c["clusters"]) != len(wanted):
        errors.append(_("unknown cluster(s): %(names)s") % {"names": ", ".join(w for w in wanted if w not in clusters)})
    capacity = v.get("capacity", "") or "4"
    # ASCII digits only: "²".isdigit() is true, but int("²") fails.
    if not (capacity.isascii() and capacity.isdigit()) or not 0 <= int(capacity) <= 100:
        errors.append(_("capacity “%(value)s” must be a whole number from 0 to 100") % {"value": capacity})
    else:
        c["capacity_per_month"] = int(capacity)
    status = v.get("status", "").lower() or Expert.Status.MAPPED
    if status not in Expert.Status.values:
        errors.append(
            _("status “%(value)s” is not one of %(allowed)s")
            % {"value": v["status"], "allowed": ", ".join(Expert.Status.values)}
        )
    c["status"] = status
    c["bio"] = v.get("bio", "")
    _check_lengths(row)


def _one_import_at_a_time() -> None:
    """Held until the import's transaction ends. The preview was made before: a double click on "Confirm" (or two
    coordinators importing the same file) found the rows new twice, and made each expert without an email twice,
    or failed on the unique email with a server error. SQLite runs one writing transaction at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('experts.csv_import'))")


def _mark_rows_stored_meanwhile(preview_result: ImportPreview) -> None:
    """Rows that another import (or a coordinator) mapped since the preview are duplicates now."""
    emails, names = _stored_emails(), _stored_names()
    for row in preview_result.good:
        row.duplicate_of = _already_stored(row.cleaned.get("email", ""), _name_key(row.values), emails, names)


@transaction.atomic
def import_rows(preview_result: ImportPreview, *, actor) -> list[Expert]:
    """Create every importable row, all or nothing. Rows stored since the preview are not created again: they are
    duplicates of the preview afterwards (`preview_result.stored_meanwhile`)."""
    _one_import_at_a_time()
    importable = preview_result.good
    _mark_rows_stored_meanwhile(preview_result)
    preview_result.stored_meanwhile = [row for row in importable if not row.is_importable]
    created = []
    for row in preview_result.good:
        fields = dict(row.cleaned)
        created.append(
            services.expert_create(
                actor=actor,
                clusters=fields.pop("clusters"),
                expertise=fields.pop("expertise"),
                languages=fields.pop("languages"),
                **fields,
            )
        )
    return created
