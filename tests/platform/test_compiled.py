"""Queries compiled once per process with the viewer's pk as a placeholder (cop_platform/compiled.py): the
placeholder must be where the caller says, and each viewer gets their own answer."""

import pytest
from django.db import connection
from django.db.models import Value
from django.utils import timezone

from communities import selectors
from communities.models import Notification
from cop_platform.compiled import VIEWER, compiled_for_viewer, fetch_value, for_viewer
from members.models import User
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_viewer_must_appear_as_often_as_said():
    mine = User.objects.filter(pk=VIEWER)

    assert compiled_for_viewer(mine)[1].count(VIEWER) == 1
    with pytest.raises(RuntimeError):
        compiled_for_viewer(mine, times=0)
    with pytest.raises(RuntimeError):
        compiled_for_viewer(User.objects.filter(pk=VIEWER) | User.objects.filter(groups__user=VIEWER))
    with pytest.raises(RuntimeError):
        compiled_for_viewer(User.objects.filter(email="someone@example.org"))  # no viewer at all
    with pytest.raises(RuntimeError):  # a list, which a database driver would spell out
        compiled_for_viewer(User.objects.filter(pk=VIEWER).extra(where=["id <> ALL(%s)"], params=[[1, 2]]))
    assert compiled_for_viewer(User.objects.filter(email="someone@example.org"), times=0).viewer_at == ()


def test_only_the_viewer_s_places_are_replaced():
    # A number equal to the placeholder elsewhere (here a float) is the query's own and stays as it is.
    compiled = compiled_for_viewer(User.objects.filter(pk=VIEWER).annotate(marker=Value(float(VIEWER))))

    sql, params = for_viewer(compiled, 42)

    assert len(compiled.viewer_at) == 1 and params[compiled.viewer_at[0]] == 42
    assert params.count(42) == 1 and len(params) == len(compiled.params)


def test_each_viewer_gets_their_own_answer():
    first, second = MemberFactory(email="first@example.org"), MemberFactory(email="second@example.org")
    compiled = compiled_for_viewer(User.objects.filter(pk=VIEWER, is_active=True).values("email"))

    sql, params = for_viewer(compiled, first.pk)
    assert sql == compiled[0] and first.pk in params and VIEWER not in params and len(params) == len(compiled[1])
    assert fetch_value(compiled, first.pk) == "first@example.org"
    assert fetch_value(compiled, second.pk) == "second@example.org"
    assert fetch_value(compiled, 0) is None  # no row


def test_the_unread_count_is_each_member_s_own_in_one_query(django_assert_num_queries):
    reader, other = MemberFactory(), MemberFactory()
    for number in range(3):
        Notification.objects.create(recipient=reader, text=f"Reply {number}", url="/", kind="reply")
    Notification.objects.create(recipient=reader, text="Seen", url="/", kind="reply", read_at=timezone.now())
    Notification.objects.create(recipient=other, text="Another's", url="/", kind="reply")

    with django_assert_num_queries(1):
        assert selectors.unread_notification_count(reader) == 3
    assert selectors.unread_notification_count(other) == 1
    assert selectors.unread_notification_count(MemberFactory()) == 0
    assert selectors._unread_count_query(connection.vendor) is selectors._unread_count_query(connection.vendor)
