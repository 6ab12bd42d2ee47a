"""A product's files as the admin lists them under the product: every column is named in the reader's language."""

import pytest

from knowledge.models import ProductFile
from tests.support.marked_translations import assert_named_for_translators

COLUMNS = {
    "product": "knowledge product",
    "file": "file",
    "original_name": "file name",
    "content_type": "content type",
    "size": "size (bytes)",
    "created_at": "uploaded",
}


@pytest.mark.parametrize(("field", "name"), COLUMNS.items())
def test_each_column_of_a_products_files_has_a_translatable_name(field, name, monkeypatch):
    assert_named_for_translators(ProductFile, field, name, monkeypatch)
