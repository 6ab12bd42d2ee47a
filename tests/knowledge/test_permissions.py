"""Who may open each knowledge URL: the status code for every role on every page and action.

The world: an open community (the author is a member of it) and a private one, each with a published product
and its file; the author's draft with a file and products in review; a discussion in the open community.
302 for an anonymous visitor is the way to the login page; for a signed-in one, the page it leads to.
"""

import pytest
from django.urls import reverse

from communities.models import Community, Notification
from knowledge.models import KnowledgeProduct
from tests.communities.factories import CommunityFactory, ThreadFactory, member_of
from tests.factories import MemberFactory

from .factories import FAQItemFactory, KnowledgeProductFactory, ProductFileFactory

pytestmark = pytest.mark.django_db

Status = KnowledgeProduct.Status
ROLES = ["anonymous", "member", "private_member", "author", "coordinator", "report_viewer"]

# case: (method, what to build the URL from, expected status per role in ROLES order)
EXPECTED = {
    "library": ("get", "library", (200, 200, 200, 200, 200, 200)),
    "new": ("get", "create", (302, 302, 200, 200, 200, 302)),
    "drafts": ("get", "drafts", (302, 200, 200, 200, 200, 200)),
    "faq of the open community": ("get", "faq open", (200, 200, 200, 200, 200, 200)),
    "faq of the private community": ("get", "faq private", (404, 404, 200, 404, 200, 404)),
    "summarize (GET)": ("get", "summarize", (405, 405, 405, 405, 405, 405)),
    "detail: published": ("get", "detail public", (200, 200, 200, 200, 200, 200)),
    "detail: private community": ("get", "detail private", (404, 404, 200, 404, 200, 404)),
    "detail: draft": ("get", "detail draft", (404, 404, 404, 200, 200, 404)),
    "detail: in review": ("get", "detail in_review", (404, 404, 404, 200, 200, 404)),
    "detail: archived": ("get", "detail archived", (404, 404, 404, 404, 200, 404)),
    "edit: draft": ("get", "edit draft", (302, 404, 404, 200, 200, 404)),
    "edit: in review": ("get", "edit in_review", (302, 404, 404, 404, 200, 404)),
    "edit: published": ("get", "edit public", (302, 404, 404, 404, 200, 404)),
    "edit: private community": ("get", "edit private", (302, 404, 404, 404, 200, 404)),
    "download: published": ("get", "download public", (200, 200, 200, 200, 200, 200)),
    "download: private community": ("get", "download private", (404, 404, 200, 404, 200, 404)),
    "download: draft": ("get", "download draft", (404, 404, 404, 200, 200, 404)),
    "transition (GET)": ("get", "submit draft", (405, 405, 405, 405, 405, 405)),
    # State-changing actions run last, each on a product of its own.
    "summarize": ("post", "summarize", (302, 404, 404, 404, 302, 404)),
    "submit": ("post", "submit draft_to_submit", (302, 404, 404, 302, 302, 404)),
    "publish": ("post", "publish in_review", (302, 404, 404, 404, 302, 404)),
    "publish: private community": ("post", "publish private_in_review", (302, 404, 404, 404, 302, 404)),
    "return": ("post", "return to_return", (302, 404, 404, 404, 302, 404)),
    "archive": ("post", "archive to_archive", (302, 404, 404, 404, 302, 404)),
    "unknown action": ("post", "delete draft", (302, 404, 404, 404, 404, 404)),
}


@pytest.fixture
def world(coordinator, report_viewer):
    open_community = CommunityFactory(slug="open-cop")
    private = CommunityFactory(slug="private-cop", visibility=Community.Visibility.PRIVATE)
    author = member_of(open_community)
    FAQItemFactory(community=open_community)
    FAQItemFactory(community=private)

    def product(status=Status.PUBLISHED, communities=(open_community,), **kwargs):
        return KnowledgeProductFactory(status=status, communities=list(communities), authors=[author], **kwargs)

    products = {
        "public": product(),
        "private": product(communities=[private]),
        "draft": product(status=Status.DRAFT),
        "in_review": product(status=Status.IN_REVIEW),
        "archived": product(status=Status.ARCHIVED),
        "draft_to_submit": product(status=Status.DRAFT),
        "private_in_review": product(status=Status.IN_REVIEW, communities=[private]),
        "to_return": product(status=Status.IN_REVIEW),
        "to_archive": product(),
    }
    files = {name: ProductFileFactory(product=products[name]) for name in ("public", "private", "draft")}
    return {
        "users": {
            "anonymous": None, "member": MemberFactory(), "private_member": member_of(private), "author": author,
            "coordinator": coordinator, "report_viewer": report_viewer,
        },
        "communities": {"open": open_community, "private": private},
        "thread": ThreadFactory(community=open_community),
        "products": products,
        "files": files,
    }  # fmt: skip


def _url(world, target: str) -> str:
    what, _, name = target.partition(" ")
    if what in ("library", "create", "drafts"):
        return reverse(f"knowledge:{what}")
    if what == "faq":
        return reverse("knowledge:faq", args=[world["communities"][name].slug])
    if what == "summarize":
        return reverse("knowledge:summarize", args=[world["thread"].community.slug, world["thread"].pk])
    if what == "download":
        product_file = world["files"][name]
        return reverse("knowledge:download", args=[product_file.product.slug, product_file.pk])
    slug = world["products"][name].slug
    if what in ("detail", "edit"):
        return reverse(f"knowledge:{what}", args=[slug])
    return reverse("knowledge:transition", args=[slug, what])


def _status(client, method: str, url: str) -> int:
    response = getattr(client, method)(url, {"note": "Please add sources."} if method == "post" else None)
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end: the test client's wrapper closes the file
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_knowledge_url(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    column = ROLES.index(role)

    actual = {case: _status(client, method, _url(world, target)) for case, (method, target, _) in EXPECTED.items()}

    assert actual == {case: statuses[column] for case, (_, _, statuses) in EXPECTED.items()}


@pytest.mark.parametrize("name", ["create", "drafts", "edit", "submit", "summarize"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, name):
    target = {"create": "create", "drafts": "drafts", "edit": "edit draft", "submit": "submit draft"}.get(name, name)
    method = "post" if name in ("submit", "summarize") else "get"

    response = getattr(client, method)(_url(world, target))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_members_without_a_community_are_sent_to_the_library(client, world):
    for role in ("member", "report_viewer"):
        client.force_login(world["users"][role])
        assert client.get(reverse("knowledge:create")).url == reverse("knowledge:library")


def test_only_the_allowed_actions_changed_anything(client, world):
    client.force_login(world["users"]["author"])
    for action, name in (("publish", "in_review"), ("archive", "to_archive"), ("return", "to_return")):
        client.post(_url(world, f"{action} {name}"), {"note": "x"})

    for name, status in (
        ("in_review", Status.IN_REVIEW),
        ("to_archive", Status.PUBLISHED),
        ("to_return", Status.IN_REVIEW),
    ):
        world["products"][name].refresh_from_db()
        assert world["products"][name].status == status, name
    assert not Notification.objects.exists()


def test_the_library_offers_writing_only_to_those_who_may(client, world):
    for role, may_write in (("anonymous", False), ("member", False), ("author", True), ("coordinator", True)):
        if world["users"][role]:
            client.force_login(world["users"][role])
        page = client.get(reverse("knowledge:library")).content.decode()
        assert (f'href="{reverse("knowledge:create")}"' in page) is may_write, role


def test_the_detail_page_offers_only_the_allowed_workflow_buttons(client, world):
    products = world["products"]
    client.force_login(world["users"]["author"])
    page = client.get(products["draft"].get_absolute_url()).content.decode()
    assert _url(world, "submit draft") in page
    assert _url(world, "edit draft") in page
    assert _url(world, "publish draft") not in page

    client.force_login(world["users"]["coordinator"])
    page = client.get(products["in_review"].get_absolute_url()).content.decode()
    assert _url(world, "publish in_review") in page
    assert _url(world, "return in_review") in page
    assert _url(world, "archive in_review") not in page

    client.force_login(world["users"]["member"])
    page = client.get(products["public"].get_absolute_url()).content.decode()
    assert "Workflow" not in page


def test_the_detail_page_names_only_the_source_events_the_viewer_may_see(client, world):
    from django.utils import timezone

    from events.models import Event

    def event(title, status, communities=()):
        starts = timezone.now() + timezone.timedelta(days=7)
        created = Event.objects.create(
            title=title, slug=title.lower().replace(" ", "-"), status=status, starts_at=starts,
            ends_at=starts + timezone.timedelta(hours=1),
        )  # fmt: skip
        created.communities.set(communities)
        return created

    product = world["products"]["public"]
    product.source_events.add(
        event("Open webinar", Event.Status.PUBLISHED),
        event("Leaders retreat", Event.Status.PUBLISHED, [world["communities"]["private"]]),
        event("Unannounced workshop", Event.Status.DRAFT),
    )
    client.force_login(world["users"]["member"])

    page = client.get(product.get_absolute_url()).content.decode()

    assert "Open webinar" in page
    assert "Leaders retreat" not in page
    assert "Unannounced workshop" not in page
