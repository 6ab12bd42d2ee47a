"""Saves that come second in a race: an edit writes only its own columns (the row was read at the start of
the request, and writing it whole undid what happened meanwhile), and a new handle or product address taken
by someone else meanwhile is replaced by the next free one rather than an error page."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from communities.models import Community
from knowledge import services as knowledge_services
from knowledge.forms import ProductForm
from knowledge.models import KnowledgeProduct
from members import services as member_services
from members.forms import ProfileForm
from members.models import User
from tests.factories import MemberFactory
from tests.knowledge.factories import KnowledgeProductFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "full_name": "Hnin Wai", "country": "MM", "organization": "Ministry of Health", "position_level": "middle",
    "gender": "female", "city_region": "Mandalay", "interests": "public health", "time_zone": "Asia/Yangon",
}  # fmt: skip


def test_a_profile_save_does_not_bring_back_an_account_deactivated_meanwhile():
    member = MemberFactory()
    read_at_the_start = User.objects.get(pk=member.pk)
    User.objects.filter(pk=member.pk).update(is_active=False)

    with pytest.raises(PermissionDenied):
        member_services.member_profile_update(
            member=read_at_the_start, form=ProfileForm(PROFILE, instance=read_at_the_start)
        )

    assert not User.objects.get(pk=member.pk).is_active


def test_a_profile_save_writes_only_the_profile():
    member = MemberFactory()
    read_at_the_start = User.objects.get(pk=member.pk)
    User.objects.filter(pk=member.pk).update(email="changed.meanwhile@example.org", is_staff=True)

    form = ProfileForm(PROFILE, instance=read_at_the_start)
    assert form.is_valid(), form.errors
    member_services.member_profile_update(member=read_at_the_start, form=form)

    saved = User.objects.get(pk=member.pk)
    assert (saved.full_name, saved.email, saved.is_staff) == ("Hnin Wai", "changed.meanwhile@example.org", True)


def test_a_handle_taken_meanwhile_is_replaced_by_the_next_free_one():
    MemberFactory(handle="member")
    newcomer = MemberFactory(handle=None, profile_completed_at=None)
    form = ProfileForm({**PROFILE, "full_name": "ဟင်းနွဲ့ဝေ"}, instance=newcomer)
    assert form.is_valid(), form.errors
    real = member_services.unique_handle
    answers = iter(["member"])  # what a request that read the handles before the other's commit was given

    with mock.patch.object(member_services, "unique_handle", lambda name: next(answers, None) or real(name)):
        member_services.member_profile_update(member=newcomer, form=form)

    assert User.objects.get(pk=newcomer.pk).handle == "member-2"


def test_a_product_edit_does_not_undo_a_publication_meanwhile():
    product = KnowledgeProductFactory(status=KnowledgeProduct.Status.IN_REVIEW, title="Draft guidance")
    author = product.authors.first() or MemberFactory()
    read_at_the_start = KnowledgeProduct.objects.get(pk=product.pk)
    KnowledgeProduct.objects.filter(pk=product.pk).update(status=KnowledgeProduct.Status.PUBLISHED, download_count=7)

    form = ProductForm(
        {"type": product.type, "title": "Better guidance", "summary": "", "body": "", "language": "",
         "version_note": ""},
        instance=read_at_the_start, communities=Community.objects.all(),
    )  # fmt: skip
    assert form.is_valid(), form.errors
    knowledge_services.product_save(form=form, author=author)

    saved = KnowledgeProduct.objects.get(pk=product.pk)
    assert (saved.title, saved.status, saved.download_count) == ("Better guidance", "published", 7)


def test_a_product_address_taken_meanwhile_is_replaced_by_the_next_free_one():
    KnowledgeProductFactory(slug="product")
    author = MemberFactory()
    form = ProductForm({"type": "guidance", "title": "ရသုံးငွေ"}, communities=Community.objects.all())
    assert form.is_valid(), form.errors
    real = knowledge_services.unique_slug
    answers = iter(["product"])

    with mock.patch.object(knowledge_services, "unique_slug", lambda title, **kw: next(answers, None) or real(title)):
        product = knowledge_services.product_save(form=form, author=author)

    assert product.slug == "product-2" and product.authors.get() == author
