"""The msgids makemessages finds in one Python source file: xgettext run with the options Django gives it. For
tests that a user-facing string can be translated at all (a gettext call inside an f-string is never found)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from tests.platform.i18n_support import read_po

# django.core.management.commands.makemessages, for the "django" domain.
DJANGO_PYTHON_KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]


def extracted_msgids(relative_path: str) -> set[str]:
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is not installed (xgettext missing): apt-get install gettext")
    source = Path(settings.BASE_DIR) / relative_path
    with tempfile.TemporaryDirectory() as folder:
        extracted = Path(folder) / "extracted.po"
        subprocess.run(
            ["xgettext", "--language=Python", "--from-code=UTF-8", *DJANGO_PYTHON_KEYWORDS, "-o", str(extracted),
             str(source)],
            check=True, capture_output=True,
        )  # fmt: skip
        return {entry.msgid for entry in read_po(extracted)} if extracted.exists() else set()
