"""Builders for knowledge products and their files, on top of the member and community factories.

Like tests.communities.factories, these write rows directly: no workflow, no notifications, no upload checks.
They do refresh the search index (as knowledge.services does), so full-text search finds what they build.
Tests about the workflow or the upload checks go through the views or knowledge.services instead.

The helpers at the bottom build small files of each accepted type (and a few impostors) for upload tests.
"""

import io
import struct
import zipfile

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communities import markdown
from knowledge import services
from knowledge.models import FAQItem, KnowledgeProduct, ProductFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


class KnowledgeProductFactory(factory.django.DjangoModelFactory):
    """A published guidance note; pass communities=[…], authors=[…], tags=[…], source_threads=[…] to link it."""

    class Meta:
        model = KnowledgeProduct
        skip_postgeneration_save = True

    type = KnowledgeProduct.Type.GUIDANCE
    title = factory.Sequence(lambda n: f"Guidance note number {n}")
    slug = factory.Sequence(lambda n: f"guidance-note-{n}")
    summary = "What members learned, in two sentences."
    body = "## What works\n\nStart **small**, measure and share."
    body_html = factory.LazyAttribute(lambda product: markdown.render(product.body))
    status = KnowledgeProduct.Status.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda product: (
            timezone.now()
            if product.status in (KnowledgeProduct.Status.PUBLISHED, KnowledgeProduct.Status.ARCHIVED)
            else None
        )
    )

    @factory.post_generation
    def communities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.communities.add(*extracted)

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.authors.add(*extracted)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.add(*extracted)

    @factory.post_generation
    def source_threads(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.source_threads.add(*extracted)

    @factory.post_generation
    def search_index(obj, create, extracted, **kwargs):
        # Declared last: the index reads the tags added above (PostgreSQL only; a no-op on SQLite).
        if create:
            services.product_index(obj)


class ProductFileFactory(factory.django.DjangoModelFactory):
    """A small PDF attached to a product, stored under MEDIA_ROOT; pass data=… and original_name=… to vary it."""

    class Meta:
        model = ProductFile

    class Params:
        data = PDF_BYTES

    product = factory.SubFactory(KnowledgeProductFactory)
    original_name = factory.Sequence(lambda n: f"guidance-{n}.pdf")
    file = factory.LazyAttribute(lambda f: ContentFile(f.data, name=f.original_name))
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda f: len(f.data))


class FAQItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FAQItem

    question = factory.Sequence(lambda n: f"Question number {n}?")
    answer = "The **answer**."
    answer_html = factory.LazyAttribute(lambda item: markdown.render(item.answer))
    position = factory.Sequence(lambda n: n)


# --- Files to upload ------------------------------------------------------------------------------------------

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
CSV_BYTES = b"province,year,staff\nYangon,2025,1200\nMandalay,2025,900\n"
CONTENT_TYPES_XML = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ooxml_bytes(extension: str) -> bytes:
    """A minimal Office Open XML package: [Content_Types].xml and the main part of a DOCX, XLSX or PPTX."""
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES_XML, OOXML_PARTS[extension]: b"<?xml version='1.0'?><x/>"})


def odt_bytes() -> bytes:
    return zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


def odt_damaged(how: str) -> bytes:
    """An .odt whose "mimetype" entry zipfile cannot read: its compressed data "garbled" (deflated, or "garbled
    bzip2" or "garbled lzma"), an "unknown method" of compression (99, as WinZip's AES), or "encrypted"."""
    compression = {"garbled bzip2": zipfile.ZIP_BZIP2, "garbled lzma": zipfile.ZIP_LZMA}.get(how, zipfile.ZIP_DEFLATED)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text")
    data = bytearray(buffer.getvalue())
    central = data.rfind(b"PK\x01\x02")  # the entry's central directory record; its local header is at 0
    if how.startswith("garbled"):
        start = 30 + len("mimetype")
        data[start : start + 8] = b"\xff" * 8
    elif how == "unknown method":
        for offset in (8, central + 10):
            struct.pack_into("<H", data, offset, 99)
    elif how == "encrypted":
        for offset in (6, central + 8):
            struct.pack_into("<H", data, offset, struct.unpack_from("<H", data, offset)[0] | 1)
    return bytes(data)


VALID_FILES = {
    "report.pdf": PDF_BYTES,
    "chart.png": PNG_BYTES,
    "photo.jpg": JPEG_BYTES,
    "photo.jpeg": JPEG_BYTES,
    "headcount.csv": CSV_BYTES,
    "guidance.docx": ooxml_bytes("docx"),
    "budget.xlsx": ooxml_bytes("xlsx"),
    "slides.pptx": ooxml_bytes("pptx"),
    "minutes.odt": odt_bytes(),
}


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf_upload(name: str = "report.pdf") -> SimpleUploadedFile:
    return upload(name, PDF_BYTES, "application/pdf")


def stored_files(root) -> list:
    """Every file under MEDIA_ROOT (empty when nothing was written)."""
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
