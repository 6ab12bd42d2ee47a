import pytest
from django.db import transaction
from django.test import override_settings

from tests.platform import matrix_world as mw


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The URL matrix's world (tests/platform/matrix_world.py), built once for the module inside a transaction
    rolled back at its end; each test runs in a savepoint of it, so what a test changes is undone after it (as
    tests/communities/test_permissions.py does)."""
    media = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("matrix-world-media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), media, transaction.atomic():
        yield mw.build_world()
        transaction.set_rollback(True)
