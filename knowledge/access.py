"""Every permission decision about knowledge products is made here.

Published products are readable by everyone, except products of private communities (only their members and
coordinators) — a product shared with an open community is public. Drafts and products in review are seen by
their authors and coordinators; archived ones by coordinators only.
"""

from django.db.models import Q
from django.http import Http404

from communities.access import shared_with_visible_community
from communities.models import Membership
from members import roles

from .models import KnowledgeProduct


def products_visible_to(user):
    if roles.is_coordinator(user):
        return KnowledgeProduct.objects.all()
    visible = Q(status=KnowledgeProduct.Status.PUBLISHED) & shared_with_visible_community(KnowledgeProduct, user)
    if user.is_authenticated:
        # A subquery rather than a join on the authors: no duplicate rows, so no DISTINCT over every column
        # (bodies included) of the whole library, and the planner can walk the listing index in order.
        authored = KnowledgeProduct.authors.through.objects.filter(user_id=user.pk).values("knowledgeproduct_id")
        visible |= Q(status__in=[KnowledgeProduct.Status.DRAFT, KnowledgeProduct.Status.IN_REVIEW], pk__in=authored)
    return KnowledgeProduct.objects.filter(visible)


def published_visible_to(user):
    return products_visible_to(user).filter(status=KnowledgeProduct.Status.PUBLISHED)


def get_product_for_viewer(user, slug: str) -> KnowledgeProduct:
    try:
        return products_visible_to(user).get(slug=slug)
    except KnowledgeProduct.DoesNotExist:
        raise Http404 from None


def can_edit(user, product: KnowledgeProduct) -> bool:
    """Authors edit while it is a draft (or sent back); coordinators always."""
    if roles.is_coordinator(user):
        return True
    return (
        user.is_authenticated
        and product.status == KnowledgeProduct.Status.DRAFT
        and product.authors.filter(pk=user.pk).exists()
    )


def can_submit(user, product: KnowledgeProduct) -> bool:
    return product.status == KnowledgeProduct.Status.DRAFT and can_edit(user, product)


def can_publish(user) -> bool:
    return roles.is_coordinator(user)


def can_create(user) -> bool:
    """Members of at least one community and coordinators draft products."""
    if roles.is_coordinator(user):
        return True
    return user.is_authenticated and Membership.objects.active().filter(member=user).exists()
