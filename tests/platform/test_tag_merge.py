"""Merging tags in the admin (cop_platform.admin.TagAdmin, cop_platform.tagging.tags_merge): every use moves to the
tag named, once per object, nothing is lost, and the merged tags go. taggit's own merge deleted the uses of a tag
chosen and named as the target, and answered a 500 without a choice."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from cop_platform.tagging import tagged_objects, tags_changed, tags_merge
from knowledge.models import KnowledgeProduct
from tests.experts.factories import ExpertFactory
from tests.factories import CoordinatorFactory
from tests.knowledge.factories import KnowledgeProductFactory
from tests.support.together import postgresql_only, together

pytestmark = pytest.mark.django_db


def _tags(obj) -> set[str]:
    return set(obj.tags.names()) if hasattr(obj, "tags") else set(obj.expertise.names())


def _choose(client, tags) -> str:
    """Choose `tags` in the list and open the merge page: the ids it lists, as its form sends them back."""
    client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "merge_tags", "_selected_action": [tag.pk for tag in tags]},
    )
    return client.get(reverse("admin:taggit_tag_merge_tags")).context["form"]["chosen"].value()


def _merge(client, tags, into: str):
    chosen = _choose(client, tags)
    return client.post(reverse("admin:taggit_tag_merge_tags"), {"into": into, "chosen": chosen})


def test_merging_into_one_of_the_chosen_tags_keeps_every_use(coordinator_client):
    plural = KnowledgeProductFactory(tags=["budgets"])
    singular = KnowledgeProductFactory(tags=["budget"])
    both = KnowledgeProductFactory(tags=["budget", "budgets", "open data"])
    expert = ExpertFactory(expertise=["budget"])

    response = _merge(coordinator_client, Tag.objects.filter(name__in=["budget", "budgets"]), into="Budgets")

    assert response.status_code == 302
    assert [_tags(p) for p in (plural, singular, both)] == [{"budgets"}, {"budgets"}, {"budgets", "open data"}]
    assert _tags(expert) == {"budgets"}
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["budgets", "open data"]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Merged into “budgets”, which 2 more objects carry now."]


def test_merging_into_a_new_name_makes_the_tag(coordinator_client):
    product = KnowledgeProductFactory(tags=["e-gov", "egov"])

    _merge(coordinator_client, Tag.objects.all(), into="  digital   government ")

    assert _tags(product) == {"digital government"}
    assert TaggedItem.objects.count() == 1


def test_without_a_choice_or_a_name_nothing_changes_and_the_coordinator_is_told(coordinator_client):
    KnowledgeProductFactory(tags=["budget", "budgets"])

    no_choice = coordinator_client.get(reverse("admin:taggit_tag_merge_tags"))
    chosen = _choose(coordinator_client, Tag.objects.all())
    no_name = coordinator_client.post(reverse("admin:taggit_tag_merge_tags"), {"into": "  ", "chosen": chosen})

    assert no_choice.status_code == 302 and no_choice.url == reverse("admin:taggit_tag_changelist")
    assert no_name.status_code == 200 and no_name.context["form"].errors["into"] == ["This field is required."]
    page = no_name.content.decode()
    assert "budget <span" in page and "(1 use)" in page
    assert TaggedItem.objects.count() == 2


def test_only_those_who_may_change_tags_merge_them(client, member):
    tag = Tag.objects.create(name="budget")
    client.force_login(member)
    session = client.session
    session["tags_to_merge"] = [tag.pk]
    session.save()

    response = client.post(reverse("admin:taggit_tag_merge_tags"), {"into": "other", "chosen": str(tag.pk)})

    assert response.status_code == 302 and "/login/" in response.url  # the admin's sign-in, for a non-staff member
    assert list(Tag.objects.values_list("name", flat=True)) == ["budget"]


def test_the_objects_whose_tags_changed_are_told_after_the_commit(django_capture_on_commit_callbacks):
    product = KnowledgeProductFactory(tags=["budget"])
    told = []

    def receiver(sender, objects, **kwargs):
        told.append(objects)

    tags_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            tags_merge(tag_ids=list(Tag.objects.values_list("pk", flat=True)), into="budgets")
    finally:
        tags_changed.disconnect(receiver)

    assert told == [{ContentType.objects.get_for_model(KnowledgeProduct).pk: {product.pk}}]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search vector is PostgreSQL's")
def test_a_product_is_found_by_its_merged_tag(coordinator_client, django_capture_on_commit_callbacks):
    from django.contrib.postgres.search import SearchQuery

    from knowledge.services import product_index

    product = KnowledgeProductFactory(title="Notes", summary="", body="", tags=["procurement"])
    product_index(product)

    with django_capture_on_commit_callbacks(execute=True):
        _merge(coordinator_client, Tag.objects.all(), into="purchasing")

    found = KnowledgeProduct.objects.filter(search_vector=SearchQuery("purchasing", config="simple"))
    assert list(found) == [product]


def test_a_merge_page_left_open_does_not_merge_what_another_tab_chose_since(coordinator_client):
    a, b, c, d = (Tag.objects.create(name=name) for name in "abcd")
    listed = _choose(coordinator_client, [a, b])
    _choose(coordinator_client, [c, d])  # another tab

    response = coordinator_client.post(reverse("admin:taggit_tag_merge_tags"), {"into": "ab", "chosen": listed})

    assert response.status_code == 200
    assert "Other tags were chosen in another tab since" in response.content.decode()
    assert [tag.name for tag in response.context["tags"]] == ["c", "d"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["a", "b", "c", "d"]


def test_the_tag_named_exactly_is_the_target_before_one_in_another_case(coordinator_client):
    product = KnowledgeProductFactory(tags=["budget", "budgets"])
    capitalised = Tag.objects.create(name="Budget")  # not chosen

    _merge(coordinator_client, Tag.objects.filter(name__in=["budget", "budgets"]), into="budget")

    assert _tags(product) == {"budget"}
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Budget", "budget"] and capitalised.pk


def test_a_long_new_name_whose_address_is_taken_is_refused_at_the_field(coordinator_client):
    name = "x" * 95
    Tag.objects.create(name="X" * 95, slug=name)
    KnowledgeProductFactory(tags=["a", "b"])
    chosen = _choose(coordinator_client, Tag.objects.filter(name__in=["a", "b"]))

    response = coordinator_client.post(reverse("admin:taggit_tag_merge_tags"), {"into": name, "chosen": chosen})

    assert response.status_code == 200
    assert response.context["form"].errors["into"] == ["Ensure this value has at most 90 characters (it has 95)."]


def test_renaming_or_deleting_a_tag_tells_the_objects_that_carry_it(
    coordinator_client, django_capture_on_commit_callbacks
):
    product = KnowledgeProductFactory(tags=["budget", "audit"])
    budget, audit = Tag.objects.get(name="budget"), Tag.objects.get(name="audit")
    told = []
    tags_changed.connect(receiver := lambda sender, objects, **kwargs: told.append(objects))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            coordinator_client.post(
                reverse("admin:taggit_tag_change", args=[budget.pk]), {"name": "budgets", "slug": "budgets"}
            )
        with django_capture_on_commit_callbacks(execute=True):
            coordinator_client.post(reverse("admin:taggit_tag_delete", args=[audit.pk]), {"post": "yes"})
    finally:
        tags_changed.disconnect(receiver)

    product_type = ContentType.objects.get_for_model(KnowledgeProduct).pk
    assert told == [{product_type: {product.pk}}, {product_type: {product.pk}}]
    assert _tags(product) == {"budgets"}


def test_a_coordinator_without_the_right_to_delete_tags_does_not_merge_them(client, coordinator):
    from django.contrib.auth.models import Permission

    coordinator.groups.get().permissions.remove(Permission.objects.get(codename="delete_tag"))
    client.force_login(coordinator)
    session = client.session
    session["tags_to_merge"] = [Tag.objects.create(name="budget").pk]
    session.save()

    assert client.get(reverse("admin:taggit_tag_merge_tags")).status_code == 403


def test_the_products_whose_tags_changed_are_reindexed_by_a_worker(monkeypatch, coordinator_client):
    from knowledge import services, tasks

    product = KnowledgeProductFactory(tags=["procurement"])
    KnowledgeProductFactory(tags=["budgeting"])  # not merged: not re-indexed
    queued, in_request = [], []
    monkeypatch.setattr(tasks.reindex_products_task, "delay", queued.append)
    monkeypatch.setattr(services, "products_index", in_request.append)

    services.products_reindex_tagged(Tag, objects=tagged_objects(Tag.objects.filter(name="procurement")))

    assert queued == [[product.pk]]
    assert in_request == []


def test_with_the_broker_down_the_request_reindexes_them(monkeypatch):
    from kombu.exceptions import OperationalError

    from knowledge import services, tasks

    product = KnowledgeProductFactory(tags=["procurement"])
    in_request = []

    def broker_down(ids):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.reindex_products_task, "delay", broker_down)
    monkeypatch.setattr(services, "products_index", in_request.append)

    services.products_reindex_tagged(Tag, objects=tagged_objects(Tag.objects.all()))

    assert in_request == [[product.pk]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search vector is PostgreSQL's")
def test_products_are_reindexed_in_one_statement_by_each_of_their_tags(django_assert_num_queries):
    from django.contrib.postgres.search import SearchQuery

    from knowledge.services import products_index

    tagged = KnowledgeProductFactory(title="Notes", summary="", body="", tags=["procurement", "audit"])
    untagged = KnowledgeProductFactory(title="Budget notes", summary="", body="Plain", tags=[])
    KnowledgeProduct.objects.update(search_vector=None)

    with django_assert_num_queries(1):
        products_index([tagged.pk, untagged.pk])

    def found(word):
        return set(KnowledgeProduct.objects.filter(search_vector=SearchQuery(word, config="simple")))

    assert found("procurement") == found("audit") == {tagged}
    assert found("notes") == {tagged, untagged}
    assert found("plain") == {untagged}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search vector is PostgreSQL's")
def test_a_reindex_whose_task_was_lost_is_done_by_the_sweep(monkeypatch, coordinator_client):
    """A hand-off can succeed and the message still be lost (Redis without its append-only file): search kept the
    old tags until each product was edited."""
    from datetime import timedelta

    from django.contrib.postgres.search import SearchQuery
    from django.db.models import F

    from knowledge import services, tasks

    product = KnowledgeProductFactory(title="Notes", summary="", body="", tags=["procurement"])
    other = KnowledgeProductFactory(title="Other", summary="", body="", tags=["budgeting"])
    monkeypatch.setattr(tasks.reindex_products_task, "delay", lambda ids: None)  # taken, then dropped
    Tag.objects.filter(name="procurement").update(name="purchasing")

    services.products_reindex_tagged(Tag, objects=tagged_objects(Tag.objects.filter(name="purchasing")))

    def found(word):
        return list(KnowledgeProduct.objects.filter(search_vector=SearchQuery(word, config="simple")))

    assert found("purchasing") == []
    assert tasks.sweep_stale_search_task() == 0  # not before STALE_SEARCH_SWEEP_AFTER: its task may be on its way
    assert list(KnowledgeProduct.objects.filter(search_stale_since__isnull=False)) == [product]
    KnowledgeProduct.objects.update(
        search_stale_since=F("search_stale_since") - services.STALE_SEARCH_SWEEP_AFTER - timedelta(seconds=1)
    )
    assert tasks.sweep_stale_search_task() == 1
    assert found("purchasing") == [product]
    assert tasks.sweep_stale_search_task() == 0  # done: nothing left
    assert list(KnowledgeProduct.objects.filter(search_stale_since__isnull=False)) == []
    assert found("budgeting") == [other]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search vector is PostgreSQL's")
def test_a_reindex_done_by_its_worker_leaves_nothing_for_the_sweep(
    coordinator_client, django_capture_on_commit_callbacks
):
    product = KnowledgeProductFactory(tags=["procurement"])

    with django_capture_on_commit_callbacks(execute=True):
        _merge(coordinator_client, Tag.objects.all(), into="purchasing")

    assert KnowledgeProduct.objects.get(pk=product.pk).search_stale_since is None


def _ids(*names) -> list[int]:
    return list(Tag.objects.filter(name__in=names).values_list("pk", flat=True))


def _merge_at_once(*tag_ids, into: str) -> list:
    """tags_merge of each of `tag_ids` into `into`, all at once."""
    return together(*(lambda ids=ids: tags_merge(tag_ids=ids, into=into) for ids in tag_ids))


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_merges_into_a_new_name_at_once_make_one_tag_that_keeps_every_use():
    """A double submit of the merge page: both merges created the new tag, and the second failed on its unique name
    (an error page). Two merges of other tags into the same new name at once failed the same way."""
    for n in range(3):  # a race that loses only sometimes should still show up
        doubled = KnowledgeProductFactory(tags=[f"e-gov {n}", f"egov {n}"])
        one, other = KnowledgeProductFactory(tags=[f"budget {n}"]), KnowledgeProductFactory(tags=[f"budgets {n}"])
        same, first, second = _ids(f"e-gov {n}", f"egov {n}"), _ids(f"budget {n}"), _ids(f"budgets {n}")

        twice = _merge_at_once(same, same, into=f"digital government {n}")
        apart = _merge_at_once(first, second, into=f"public budgets {n}")

        assert not [result for result in [*twice, *apart] if isinstance(result, Exception)], [*twice, *apart]
        assert {tag.name for tag, _moved in twice} == {f"digital government {n}"}
        assert {tag.name for tag, _moved in apart} == {f"public budgets {n}"}
        assert _tags(doubled) == {f"digital government {n}"}
        assert (_tags(one), _tags(other)) == ({f"public budgets {n}"}, {f"public budgets {n}"})
        assert not Tag.objects.filter(pk__in=[*same, *first, *second]).exists()


def _post_twice_at_once(first, url: str, data: dict) -> list:
    """`first`'s request sent twice at once, as a double click sends it (the same session)."""
    second = Client()
    second.cookies = first.cookies
    return together(*(lambda each=each: each.post(url, data).status_code for each in (first, second)))


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_of_the_merge_page_merges_once_without_an_error_page():
    """The admin's page called the merge twice at once: the second answered 500."""
    coordinator = CoordinatorFactory()
    for n in range(3):  # a race that loses only sometimes should still show up
        product = KnowledgeProductFactory(tags=[f"budget {n}", f"budgets {n}"])
        client = Client()
        client.force_login(coordinator)
        chosen = _choose(client, Tag.objects.filter(name__in=[f"budget {n}", f"budgets {n}"]))
        data = {"into": f"public budgets {n}", "chosen": chosen}

        results = _post_twice_at_once(client, reverse("admin:taggit_tag_merge_tags"), data)

        assert results == [302, 302]
        assert _tags(product) == {f"public budgets {n}"}
