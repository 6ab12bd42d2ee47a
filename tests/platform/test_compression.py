from django.http import HttpResponse
from django.test import RequestFactory

from cop_platform.compression import TextGZipMiddleware


def _through_middleware(response):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    return TextGZipMiddleware(lambda request: response)(request)


def test_it_gzips_html_for_slow_connections():
    response = _through_middleware(HttpResponse("<p>A long discussion.</p>" * 200))
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 500


def test_it_leaves_already_compressed_downloads_alone():
    body = b"%PDF-1.7" + b"0" * 2000
    response = _through_middleware(HttpResponse(body, content_type="application/pdf"))
    assert not response.has_header("Content-Encoding")
    assert response.content == body
