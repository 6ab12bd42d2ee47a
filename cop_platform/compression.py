"""Gzip for text responses only."""

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/", "application/json", "application/xml", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH padding) for HTML, CSV, calendar files and JSON, which shrink several
    times over. PDFs, spreadsheets and images are compressed already: they keep their Content-Length, so a download on
    a slow connection shows its progress, and the server spends no CPU on them."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
