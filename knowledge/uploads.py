"""Upload checks: the extension must be allowed AND the content must be what the extension says. A file that
fails is refused whole, with a message the member can act on."""

import io
import lzma
import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "csv": "text/csv",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
OOXML_MAIN_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
# Markup that browsers would run if the file were ever rendered inline.
MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<body", b"<iframe", b"<?xml")


def max_upload_bytes() -> int:
    return settings.KNOWLEDGE_MAX_UPLOAD_MB * 1024 * 1024


def check_upload(upload) -> tuple[str, str]:
    """Return (extension, content type) for an acceptable upload, or raise ValidationError."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise ValidationError(
            _("“%(name)s”: this type of file is not accepted. Allowed: %(types)s.")
            % {"name": name, "types": ", ".join(sorted({e.upper() for e in ALLOWED} - {"JPEG"}))}
        )
    if upload.size > max_upload_bytes():
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; files can be at most %(limit)d MB.")
            % {"name": name, "size": upload.size / 1024 / 1024, "limit": settings.KNOWLEDGE_MAX_UPLOAD_MB}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if not _content_matches(extension, head, upload):
        raise ValidationError(
            _("“%(name)s” does not contain what its name says (a %(type)s file). It was not uploaded.")
            % {"name": name, "type": extension.upper()}
        )
    return extension, ALLOWED[extension]


def _content_matches(extension: str, head: bytes, upload) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "csv":
        # The whole file, in chunks: markup hidden after the first kilobytes is refused too.
        upload.seek(0)
        previous = b""
        try:
            for chunk in iter(lambda: upload.read(64 * 1024), b""):
                if not _is_plain_text(previous[-16:] + chunk):
                    return False
                previous = chunk
        finally:
            upload.seek(0)
        return True
    if extension in OOXML_MAIN_PART or extension == "odt":
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
                names = archive.namelist()
                if extension == "odt":
                    # Read a few bytes only: a compressed "mimetype" entry could expand to gigabytes.
                    expected = ALLOWED["odt"].encode()
                    with archive.open("mimetype") as entry:
                        return entry.read(len(expected) + 1) == expected  # the entry is exactly the type
                return "[Content_Types].xml" in names and any(n.startswith(OOXML_MAIN_PART[extension]) for n in names)
        except (
            zipfile.BadZipFile, KeyError, zlib.error, lzma.LZMAError, OSError, NotImplementedError, RuntimeError,
            EOFError, ValueError,
        ):  # fmt: skip
            # Not a readable archive: damaged data, a compression or encryption zipfile cannot read, no entry.
            return False
        finally:
            upload.seek(0)
    return False


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    lowered = head.lower()
    return not any(marker in lowered for marker in MARKUP)
