"""Forged values in the admin's queries and forms get the admin's own "invalid" answers, not a 500
(cop_platform.admin_site: every registered admin and its inlines are guarded). Runs on both databases in CI."""

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.urls import reverse

from communities import services
from communities.models import Community, Membership
from cop_platform.admin_site import ForgedInputGuard, FormFieldGuard
from tests.communities.factories import CommunityFactory
from tests.factories import MemberFactory
from tests.support.together import postgresql_only, together

pytestmark = pytest.mark.django_db

NOT_KEYS = ["abc", "99999999999999999999", "²"]


def test_every_registered_admin_and_its_inlines_are_guarded():
    for model_admin in admin.site._registry.values():
        assert isinstance(model_admin, ForgedInputGuard), type(model_admin)
        for inline in model_admin.inlines:
            assert issubclass(inline, InlineModelAdmin) and issubclass(inline, FormFieldGuard), inline


@pytest.mark.parametrize(
    "query",
    [
        "starts_at__year=99999999999999999999",
        "starts_at__year=9999",  # Django adds a year past its check
        "starts_at__year=9999&starts_at__month=12",
        "starts_at__year=2026&starts_at__month=99999999999999999999",
        "starts_at__year=2026&starts_at__month=1&starts_at__day=99999999999999999999",
        "starts_at__year=-3",
        "starts_at__year=abc",
    ],
)
def test_a_date_drill_down_out_of_range_is_an_invalid_lookup(client, coordinator, query):
    client.force_login(coordinator)

    response = client.get(f"{reverse('admin:events_event_changelist')}?{query}")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:events_event_changelist')}?e=1"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/event/?starts_at__year__gte=-1",  # the drill-down's field, past its own parameters
        "/admin/events/event/?ends_at__year=99999999999999999999",
        "/admin/cop_platform/outboxemail/?created_at__year=-1",
        "/admin/taggit/tag/?knowledgeproduct__exact=abc",  # a generic relation's integer column (PostgreSQL)
        "/admin/auth/group/?id__in=1,99999999999999999999",  # 20 digits (SQLite)
        "/admin/auth/group/?user__exact=99999999999999999999",
    ],
)
def test_a_filter_value_no_query_could_run_with_is_an_invalid_lookup(client, url):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{url.split('?')[0]}?e=1"


def test_a_list_filter_of_our_own_judges_its_own_values(client, coordinator):
    client.force_login(coordinator)

    response = client.get("/admin/events/registration/?event=99999999999999999999")

    assert response.status_code == 200
    assert "0 registrations" in response.content.decode()


def test_a_reverse_many_to_many_named_as_to_field_is_refused(client):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))

    assert client.get("/admin/auth/group/?_to_field=user").status_code == 400  # Django's AttributeError: a 500


def test_a_date_drill_down_in_range_still_lists(client, coordinator):
    client.force_login(coordinator)

    response = client.get(f"{reverse('admin:events_event_changelist')}?starts_at__year=9998&starts_at__month=11")

    assert response.status_code == 200


def test_an_action_acts_on_the_rows_that_are_keys_and_ignores_the_rest(client, coordinator):
    community = CommunityFactory(visibility=Community.Visibility.REQUEST)
    request = services.community_join(member=MemberFactory(), community=community)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:communities_membership_changelist"),
        {"action": "approve_requests", "_selected_action": [*NOT_KEYS, request.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["1 request approved; the member was told."]
    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE


def test_an_action_on_no_key_at_all_says_nothing_was_selected(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:communities_membership_changelist"),
        {"action": "approve_requests", "_selected_action": NOT_KEYS},
        follow=True,
    )

    assert response.status_code == 200
    assert "Items must be selected" in str(list(response.context["messages"])[0])


@pytest.mark.parametrize("value", NOT_KEYS)
def test_a_form_sent_back_with_an_autocomplete_value_that_is_no_key_shows_its_error(client, coordinator, value):
    client.force_login(coordinator)

    response = client.post(reverse("admin:communities_membership_add"), {"member": value, "community": value})

    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors["member"])


def test_a_many_to_many_autocomplete_value_that_is_no_key_shows_its_error(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("admin:knowledge_knowledgeproduct_add"), {"authors": NOT_KEYS, "title": "A"})

    assert response.status_code == 200
    assert "authors" in response.context["adminform"].form.errors


def _community_form(**fields) -> dict:
    """The admin's community form, with its inline of local action teams empty unless `fields` fill it."""
    return {
        "name": "Public finance", "slug": "public-finance", "visibility": "open",
        "teams-TOTAL_FORMS": "0", "teams-INITIAL_FORMS": "0", **fields,
    }  # fmt: skip


def test_an_inline_autocomplete_value_that_is_no_key_shows_its_error(client, coordinator):
    client.force_login(coordinator)
    team = {
        "teams-TOTAL_FORMS": "1", "teams-0-name": "Yangon team", "teams-0-leader": "abc",
        "teams-0-local_community": "99999999999999999999",
    }  # fmt: skip

    response = client.post(reverse("admin:communities_community_add"), _community_form(**team))

    assert response.status_code == 200
    team_errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    assert {"leader", "local_community"} <= set(team_errors)


def _save_themes(client, themes: str):
    community = CommunityFactory()
    return client.post(
        reverse("admin:communities_community_change", args=[community.pk]),
        _community_form(name=community.name, slug=community.slug, themes=themes),
    )


def test_a_tag_too_long_for_its_column_is_refused_at_the_admins_field(client, coordinator):
    """taggit's own field took it: a 500 on PostgreSQL (DataError), stored whole on SQLite."""
    from taggit.models import Tag

    client.force_login(coordinator)

    response = _save_themes(
        client, "budgeting, Public financial management " + "medium-term expenditure frameworks " * 3
    )

    assert response.status_code == 200
    assert "Each tag can have at most 90 characters" in str(response.context["adminform"].form.errors["themes"])
    assert not Tag.objects.filter(name__startswith="Public financial").exists()


def test_a_stored_tag_over_the_limit_does_not_block_saving_the_object_that_carries_it(client, coordinator):
    """A tag stored before the limit (or up to the column's 100 on PostgreSQL) keeps its slug: naming it is safe."""
    from taggit.models import Tag

    long_name = "Public financial management " + "medium-term expenditure frameworks " * 2  # 98 characters
    community = CommunityFactory()
    community.themes.add(Tag.objects.create(name=long_name.strip(), slug="public-financial-management-mtef"))
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:communities_community_change", args=[community.pk]),
        _community_form(name=community.name, slug=community.slug, themes=f'"{long_name.strip()}", budgeting'),
    )

    assert response.status_code == 302
    assert sorted(community.themes.names()) == sorted([long_name.strip(), "budgeting"])
    assert Tag.objects.filter(name__startswith="Public financial").count() == 1


def test_a_tag_whose_slug_is_taken_fits_its_column_with_taggits_suffix(client, coordinator):
    """A new tag whose slug is taken gets "_1" added: a name of 100 characters overflowed the slug's column."""
    from taggit.models import Tag

    Tag.objects.create(name="x" * 89 + "!")
    client.force_login(coordinator)

    response = _save_themes(client, "x" * 89 + "?")

    assert response.status_code == 302
    assert Tag.objects.get(name="x" * 89 + "?").slug == "x" * 89 + "_1"


@pytest.mark.parametrize(("day", "time"), [("0001-01-01", "00:00:00"), ("9999-12-31", "23:00:00")])
def test_a_date_outside_the_years_an_event_can_have_is_refused_at_the_field(client, coordinator, day, time):
    """Year 1 in Yangon is year 0 in UTC: SQLite failed the save; PostgreSQL took it, and then every page that
    read the event failed, the admin's own included."""
    from tests.events.test_admin_and_validation import _event_form

    client.force_login(coordinator)
    data = _event_form()
    data.update({"starts_at_0": day, "starts_at_1": time, "ends_at_0": day, "ends_at_1": time})

    response = client.post(reverse("admin:events_event_add"), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["starts_at"] == ["Enter a date between the years 1900 and 2199."]


def test_a_many_to_many_value_of_20_digits_is_refused_at_the_field(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:knowledge_knowledgeproduct_add"), {"authors": "99999999999999999999", "title": "A"}
    )

    assert response.status_code == 200
    assert "is not a valid value" in str(response.context["adminform"].form.errors["authors"])


def _list_edit(client, *rows, follow=False):
    """The FAQ list's edit of `rows`, each (id, position) and published."""
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows)), "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "_save": "Save"}  # fmt: skip
    for index, (row, position) in enumerate(rows):
        data.update(
            {f"form-{index}-id": str(row), f"form-{index}-position": position, f"form-{index}-is_published": "on"}
        )
    return client.post(reverse("admin:knowledge_faqitem_changelist"), data, follow=follow)


@pytest.mark.parametrize("row", ["abc", "99999999999999999999"])
def test_a_list_edit_with_a_row_that_is_no_key_saves_nothing_and_says_so(client, coordinator, row):
    """Django made a new object of such a row's few fields, and saving it failed (a 500: the FAQ's community)."""
    from knowledge.models import FAQItem
    from tests.knowledge.factories import FAQItemFactory

    kept = FAQItemFactory(community=CommunityFactory(), position=1)
    client.force_login(coordinator)

    response = _list_edit(client, (kept.pk, "7"), (row, "8"))

    assert response.status_code == 302
    assert "Some of these rows are not on the list, so nothing was saved." in str(
        list(client.get(response["Location"]).context["messages"])
    )
    assert list(FAQItem.objects.values_list("pk", "position")) == [(kept.pk, 1)]


def test_a_list_edit_with_a_row_deleted_meanwhile_saves_the_others_and_says_why(client, coordinator):
    """Django refused the whole edit by an error on a hidden field, said nothing, and refused it again on every save
    until the page was reloaded and the changes typed again."""
    from knowledge.models import FAQItem
    from tests.knowledge.factories import FAQItemFactory

    community = CommunityFactory()
    kept, gone = FAQItemFactory(community=community, position=1), FAQItemFactory(community=community, position=2)
    gone_pk = gone.pk
    gone.delete()
    client.force_login(coordinator)

    response = _list_edit(client, (gone_pk, "8"), (kept.pk, "7"), follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "1 of the rows you edited was deleted meanwhile by someone else, so its changes could not be saved.",
        "1 FAQ item was changed successfully.",
    ]
    assert list(FAQItem.objects.values_list("pk", "position", "is_published")) == [(kept.pk, 7, True)]


def test_a_list_edit_with_a_row_deleted_meanwhile_shows_the_others_errors_as_they_were_typed(client, coordinator):
    from knowledge.models import FAQItem
    from tests.knowledge.factories import FAQItemFactory

    community = CommunityFactory()
    kept, gone = FAQItemFactory(community=community, position=1), FAQItemFactory(community=community, position=2)
    gone_pk = gone.pk
    gone.delete()
    client.force_login(coordinator)

    response = _list_edit(client, (kept.pk, "seven"), (gone_pk, "8"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 of the rows you edited was deleted meanwhile" in page
    assert 'name="form-0-position" value="seven"' in page
    assert f'name="form-0-id" value="{kept.pk}"' in page
    assert 'name="form-TOTAL_FORMS" value="1"' in page  # so that saving again, once corrected, saves
    assert list(FAQItem.objects.values_list("pk", "position")) == [(kept.pk, 1)]


def test_a_list_edit_of_rows_all_there_is_saved(client, coordinator):
    from knowledge.models import FAQItem
    from tests.knowledge.factories import FAQItemFactory

    item = FAQItemFactory(community=CommunityFactory(), position=1, is_published=True)
    client.force_login(coordinator)

    _list_edit(client, (item.pk, "7"))

    assert FAQItem.objects.get(pk=item.pk).position == 7


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_add_form_saved_twice_at_once_saves_once_and_says_the_value_is_taken():
    """Both forms were valid; the second insert failed on the unique month: a 500."""
    from django.test import Client

    from indicators.models import MonthlyNarrative
    from tests.factories import CoordinatorFactory

    coordinator = CoordinatorFactory()
    url = reverse("admin:indicators_monthlynarrative_add")
    for month in ("2026-08-01", "2026-09-01", "2026-10-01"):  # a race that loses only sometimes should show up
        data = {"month": month, "highlights": "Two new communities.", "lessons_learned": "", "next_steps": ""}
        clients = [Client(raise_request_exception=False), Client(raise_request_exception=False)]
        for each in clients:
            each.force_login(coordinator)

        responses = together(*(lambda each=each, data=data: each.post(url, data) for each in clients))

        assert sorted(response.status_code for response in responses) == [200, 302]
        refused = next(response for response in responses if response.status_code == 200)
        assert "already exists" in str(refused.context["adminform"].form.errors["month"])
        assert MonthlyNarrative.objects.filter(month=month).count() == 1


def test_what_a_save_rolled_back_said_it_did_is_not_said(client, coordinator, monkeypatch):
    """The save that found its unique values taken had said what it did (a waitlist moved, say): rolled back, it was
    still said, above the form's errors."""
    from django.db import IntegrityError

    from indicators.admin import MonthlyNarrativeAdmin
    from indicators.models import MonthlyNarrative

    save, calls = MonthlyNarrativeAdmin.save_model, []

    def said_then_refused_by_the_database_once(self, request, obj, form, change):
        calls.append(obj.month)
        if len(calls) == 1:
            self.message_user(request, "3 members moved from the waitlist and emailed.")
            raise IntegrityError("duplicate key value violates unique constraint")
        return save(self, request, obj, form, change)

    monkeypatch.setattr(MonthlyNarrativeAdmin, "save_model", said_then_refused_by_the_database_once)
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:indicators_monthlynarrative_add"),
        {"month": "2026-10-01", "highlights": "", "lessons_learned": "", "next_steps": ""},
        follow=True,
    )

    told = [str(message) for message in response.context["messages"]]
    assert not [message for message in told if "waitlist" in message], told
    assert len(calls) == 2 and MonthlyNarrative.objects.count() == 1
