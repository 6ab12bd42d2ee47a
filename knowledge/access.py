"""Every permission decision about knowledge products is made here.

Published products are readable by everyone, except products of private communities (only their members and
coordinators) — a product shared with an open community is public. Drafts and products in review are seen by
their authors and coordinators; archived ones by coordinators only.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from communities.models import Community, Membership
from members import roles

from .models import KnowledgeProduct


def products_visible_to(user):
    if roles.is_coordinator(user):
        return KnowledgeProduct.objects.all()
    links = KnowledgeProduct.communities.through.objects
    private_links = links.filter(knowledgeproduct_id=OuterRef("pk"), community__visibility=Community.Visibility.PRIVATE)
    open_links = links.filter(knowledgeproduct_id=OuterRef("pk")).exclude(
        community__visibility=Community.Visibility.PRIVATE
    )
    readable = Q(has_private=False) | Q(has_open=True)
    if user.is_authenticated:
        mine = Membership.objects.active().filter(member=user).values("community")
        readable |= Q(Exists(links.filter(knowledgeproduct_id=OuterRef("pk"), community__in=mine)))
    visible = Q(status=KnowledgeProduct.Status.PUBLISHED) & readable
    if user.is_authenticated:
        visible |= Q(status__in=[KnowledgeProduct.Status.DRAFT, KnowledgeProduct.Status.IN_REVIEW], authors=user)
    return (
        KnowledgeProduct.objects.annotate(has_private=Exists(private_links), has_open=Exists(open_links))
        .filter(visible)
        .distinct()
    )


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
