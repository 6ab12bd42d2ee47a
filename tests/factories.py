import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from members import roles
from members.models import LocalCommunity, User

PASSWORD = "correct-horse-battery-42"


class LocalCommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalCommunity
        django_get_or_create = ("country", "name")

    name = factory.Sequence(lambda n: f"Township {n}")
    country = "MM"
    region = "Yangon Region"
    population_covered = 100_000


class MemberFactory(factory.django.DjangoModelFactory):
    """An onboarded member whose email is verified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@ministry.example.org")
    full_name = factory.Sequence(lambda n: f"Member Number{n}")
    handle = factory.Sequence(lambda n: f"member-number{n}")
    country = "MM"
    organization = "Ministry of Planning"
    position_level = User.PositionLevel.STAFF
    gender = User.Gender.FEMALE
    city_region = "Yangon"
    profile_completed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
            obj.save()


def _in_group(name):
    def add_to_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=name))

    return factory.PostGeneration(add_to_group)


class CoordinatorFactory(MemberFactory):
    email = factory.Sequence(lambda n: f"coordinator{n}@undp.example.org")
    is_staff = True
    role = _in_group(roles.COORDINATORS)


class ReportViewerFactory(MemberFactory):
    email = factory.Sequence(lambda n: f"viewer{n}@undp.example.org")
    role = _in_group(roles.REPORT_VIEWERS)


class ExpertFactory(MemberFactory):
    email = factory.Sequence(lambda n: f"expert{n}@university.example.org")
    role = _in_group(roles.EXPERTS)
