"""Demo data for members: realistic, deterministic (a fixed random seed), and idempotent."""

import random

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from . import roles
from .models import Language, LocalCommunity, User
from .services import free_handle, handle_base, member_create_verified

DEMO_ACCOUNTS = [
    # email, full name, role groups, staff
    ("coordinator@example.org", "Thida Aung", [roles.COORDINATORS], True),
    ("viewer@example.org", "Daniel Okafor", [roles.REPORT_VIEWERS], False),
    ("leader@example.org", "Aigerim Nurlanovna", [], False),
    ("expert@example.org", "Dr. Somchai Wongsakul", [roles.EXPERTS], False),
    ("member@example.org", "Mya Thandar", [], False),
]
DEMO_ROLES = {
    "coordinator@example.org": "coordinator",
    "viewer@example.org": "report viewer",
    "leader@example.org": "community leader",
    "expert@example.org": "expert",
    "member@example.org": "member",
}

LOCAL_COMMUNITIES = [
    ("Hlaing Tharyar Township", "MM", "Yangon Region", 687_000),
    ("Mawlamyine District", "MM", "Mon State", 289_000),
    ("Pyin Oo Lwin Township", "MM", "Mandalay Region", 255_000),
    ("Battambang Province", "KH", "Battambang", 997_000),
    ("Luang Prabang District", "LA", "Luang Prabang", 90_000),
    ("Da Nang City", "VN", "South Central Coast", 1_220_000),
    ("Chiang Rai Province", "TH", "Northern Thailand", 1_298_000),
    ("Iloilo City", "PH", "Western Visayas", 457_000),
    ("Yogyakarta City", "ID", "Special Region of Yogyakarta", 373_000),
    ("Turkistan Region", "KZ", "South Kazakhstan", 2_100_000),
    ("Osh City", "KG", "Osh", 322_000),
    ("Samarkand Region", "UZ", "Samarkand", 4_100_000),
]

FIRST_NAMES = {
    "MM": ["Aung", "Thandar", "Kyaw", "Hnin", "Zaw", "Su", "Min", "Ei"],
    "KH": ["Sokha", "Dara", "Chenda", "Vannak", "Sreymom", "Bopha"],
    "LA": ["Souksavanh", "Keo", "Phonexay", "Manivanh", "Bounmy"],
    "VN": ["Minh", "Lan", "Huong", "Duc", "Thu", "Quang"],
    "TH": ["Somchai", "Nattaya", "Kittisak", "Siriporn", "Anan"],
    "PH": ["Maria", "Jose", "Andrea", "Paolo", "Kristine"],
    "ID": ["Budi", "Sri", "Dewi", "Agus", "Rina"],
    "MY": ["Aisyah", "Faizal", "Mei Ling", "Ravi", "Nurul"],
    "KZ": ["Aigerim", "Nursultan", "Dana", "Yerlan", "Saule"],
    "KG": ["Aibek", "Cholpon", "Nurlan", "Gulnara"],
    "UZ": ["Dilnoza", "Jasur", "Malika", "Rustam"],
}
LAST_NAMES = {
    "MM": ["Win", "Oo", "Htun", "Myint", "Aye", "Lwin"],
    "KH": ["Chan", "Sok", "Kim", "Vong", "Heng"],
    "LA": ["Phommachanh", "Sisavath", "Vongsa", "Keomany"],
    "VN": ["Nguyen", "Tran", "Le", "Pham", "Hoang"],
    "TH": ["Srisuk", "Chaiyaporn", "Boonmee", "Thongchai"],
    "PH": ["Santos", "Reyes", "Cruz", "Bautista"],
    "ID": ["Santoso", "Wijaya", "Rahmawati", "Hidayat"],
    "MY": ["Abdullah", "Tan", "Lim", "Ismail"],
    "KZ": ["Nurlanovna", "Bekov", "Akhmetova", "Seitkali"],
    "KG": ["Toktogulov", "Asanova", "Bakirov"],
    "UZ": ["Karimova", "Yusupov", "Rashidova"],
}
MINISTRIES = [
    "Ministry of Planning and Finance", "Ministry of Home Affairs", "Ministry of Health",
    "Ministry of Education", "Civil Service Commission", "Ministry of Labour", "Office of the Prime Minister",
    "Ministry of Digital Economy", "Provincial Administration Office", "Agency for Civil Service Affairs",
    "Ministry of Social Welfare", "National School of Public Administration",
]  # fmt: skip
INTERESTS = [
    "public service delivery", "digital government", "HR management", "public service motivation",
    "crisis response", "anti-corruption", "gender equality", "local governance", "e-procurement",
    "citizen feedback", "training", "policy evaluation",
]  # fmt: skip
COUNTRY_LANGUAGES = {
    "MM": "my", "KH": "km", "LA": "lo", "VN": "vi", "TH": "th", "PH": "fil", "ID": "id", "MY": "ms",
    "KZ": "kk", "KG": "ky", "UZ": "uz",
}  # fmt: skip
COUNTRY_TIME_ZONES = {
    "MM": "Asia/Yangon", "KH": "Asia/Phnom_Penh", "LA": "Asia/Vientiane", "VN": "Asia/Ho_Chi_Minh",
    "TH": "Asia/Bangkok", "PH": "Asia/Manila", "ID": "Asia/Jakarta", "MY": "Asia/Kuala_Lumpur", "KZ": "Asia/Almaty",
    "KG": "Asia/Bishkek", "UZ": "Asia/Tashkent",
}  # fmt: skip
# The site's languages other than English, by country (the members' language preference, members.User.language).
SITE_LANGUAGES = {"MM": "my", "KZ": "ru", "KG": "ru", "UZ": "ru"}
GENDER_WEIGHTS = [
    (User.Gender.FEMALE, 52),
    (User.Gender.MALE, 44),
    (User.Gender.OTHER, 1),
    (User.Gender.UNDISCLOSED, 3),
]
LEVEL_WEIGHTS = [(User.PositionLevel.SENIOR, 12), (User.PositionLevel.MIDDLE, 38), (User.PositionLevel.STAFF, 45),
                 (User.PositionLevel.OTHER, 5)]  # fmt: skip


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def seed_local_communities() -> dict[str, list[LocalCommunity]]:
    by_country: dict[str, list[LocalCommunity]] = {}
    for name, country, region, population in LOCAL_COMMUNITIES:
        community, _ = LocalCommunity.objects.get_or_create(
            name=name, country=country, defaults={"region": region, "population_covered": population}
        )
        by_country.setdefault(country, []).append(community)
    return by_country


def seed_demo_accounts(password: str) -> list[User]:
    accounts = []
    english = Language.objects.get(code="en")
    for index, (email, full_name, groups, staff) in enumerate(DEMO_ACCOUNTS):
        member = User.objects.filter(email=email).first()
        if member is None:
            member = member_create_verified(
                email=email,
                password=password,
                full_name=full_name,
                country=["MM", "KZ", "KZ", "TH", "MM"][index],
                organization=[
                    "UNDP Myanmar",
                    "UNDP",
                    "Agency for Civil Service Affairs",
                    "Chulalongkorn University",
                    "Ministry of Planning and Finance",
                ][index],
                position_level=User.PositionLevel.MIDDLE,
                gender=[User.Gender.FEMALE, User.Gender.MALE, User.Gender.FEMALE, User.Gender.MALE, User.Gender.FEMALE][
                    index
                ],
                city_region=["Yangon", "Astana", "Astana", "Bangkok", "Mandalay"][index],
                is_staff=staff,
                profile_completed_at=timezone.now(),
            )
            member.languages.add(english)
        member.groups.add(*Group.objects.filter(name__in=groups))
        accounts.append(member)
    return accounts


DEMO_DOMAIN = "demo.example.org"
CHUNK = 2000  # members written per transaction: a stopped run leaves whole members, never half-made ones


def seed_members(count: int, password: str) -> int:
    """Create demo members up to `count`; returns how many were created this time.

    In bulk, a few statements per chunk of members, so 100,000 take minutes rather than hours. Each member is
    what `member_create_verified` makes (a handle, a verified primary email address), with two languages and a
    few interests."""
    rng = random.Random(2026)
    local_communities = seed_local_communities()
    languages = {language.code: language.pk for language in Language.objects.all()}
    interests = _interest_tags()
    countries = list(FIRST_NAMES)
    existing = set(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True))
    # One hash for every demo member: hashing hundreds of passwords would take minutes.
    password_hash = make_password(password)
    handles = _HandleMaker()
    pending: list[tuple[User, list[int], list[int]]] = []  # the member, their language ids, their interest tag ids
    created = 0
    for number in range(1, count + 1):
        email = f"member{number:04d}@{DEMO_DOMAIN}"
        # Draw every member's attributes even when they exist, so the sequence (and the data) stays the same.
        country = countries[(number - 1) % len(countries)] if number <= len(countries) else rng.choice(countries)
        full_name = f"{rng.choice(FIRST_NAMES[country])} {rng.choice(LAST_NAMES[country])}"
        fields = {
            "full_name": full_name,
            "country": country,
            "organization": rng.choice(MINISTRIES),
            "position_level": _weighted(rng, LEVEL_WEIGHTS),
            "gender": _weighted(rng, GENDER_WEIGHTS),
            "city_region": rng.choice(local_communities.get(country, [None])).region
            if country in local_communities
            else "",
            "local_community": rng.choice(local_communities[country])
            if country in local_communities and rng.random() < 0.4
            else None,
            "hide_email": rng.random() < 0.2,
            "date_joined": timezone.now() - timezone.timedelta(days=rng.randint(0, 540)),
        }
        chosen = rng.sample(INTERESTS, k=rng.randint(1, 3))
        if email in existing:
            continue
        member = User(
            email=email, password=password_hash, handle=handles.make(full_name),
            # Most members set their time zone (from the number, not the random sequence, which stays as it was).
            time_zone=COUNTRY_TIME_ZONES[country] if number % 5 else "",
            # A third of Myanmar's members read the site in Burmese, of Central Asia's in Russian.
            language=SITE_LANGUAGES.get(country, "") if number % 3 == 0 else "",
            profile_completed_at=fields["date_joined"], **fields,
        )  # fmt: skip
        pending.append(
            (member, [languages["en"], languages[COUNTRY_LANGUAGES[country]]], [interests[i] for i in chosen])
        )
        if len(pending) >= CHUNK:
            created += _create_members(pending)
            pending = []
    if pending:
        created += _create_members(pending)
    return created


def _interest_tags() -> dict[str, int]:
    """The interest tags, made once (what `member.interests.add` would make)."""
    return {name: Tag.objects.get_or_create(name=name)[0].pk for name in INTERESTS}


class _HandleMaker:
    """Unique @handles for many new members at once, the way `services.unique_handle` makes one: the name's
    slug, then slug-2, slug-3… for the next member with that name. Reads the handles taken once."""

    def __init__(self):
        self.taken = set(User.objects.exclude(handle=None).values_list("handle", flat=True))
        self.next_number: dict[str, int] = {}

    def make(self, name: str) -> str:
        base = handle_base(name)
        handle = free_handle(base, self.taken, first_number=self.next_number.get(base, 2))
        if handle != base:  # the next member with this name starts counting after this one
            self.next_number[base] = int(handle.rsplit("-", 1)[1]) + 1
        self.taken.add(handle)
        return handle


@transaction.atomic
def _create_members(pending: list[tuple[User, list[int], list[int]]]) -> int:
    """Members with their verified primary email address, languages and interests, in one transaction."""
    members = [member for member, _languages, _interests in pending]
    User.objects.bulk_create(members, batch_size=500)
    ids = dict(User.objects.filter(email__in=[m.email for m in members]).values_list("email", "pk"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user_id=ids[m.email], email=m.email, verified=True, primary=True) for m in members],
        batch_size=1000,
    )
    Languages = User.languages.through
    Languages.objects.bulk_create(
        [Languages(user_id=ids[m.email], language_id=pk) for m, languages, _ in pending for pk in languages],
        batch_size=1000,
    )
    user_type = ContentType.objects.get_for_model(User)
    TaggedItem.objects.bulk_create(
        [
            TaggedItem(content_type=user_type, object_id=ids[m.email], tag_id=pk)
            for m, _, tags in pending
            for pk in tags
        ],
        batch_size=1000,
    )
    return len(members)


def demo_logins() -> list[tuple[str, str]]:
    return [(email, DEMO_ROLES[email]) for email, *_ in DEMO_ACCOUNTS]


def default_password() -> str:
    return settings.DEMO_PASSWORD
