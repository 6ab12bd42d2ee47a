from django.db import migrations

ROLE_GROUPS = ["Coordinators", "Report viewers", "Experts"]

# Languages of the ASEAN and Central Asian civil services first, then widely used working languages.
LANGUAGES = [
    ("en", "English"), ("my", "Burmese"), ("ru", "Russian"), ("th", "Thai"), ("vi", "Vietnamese"),
    ("km", "Khmer"), ("lo", "Lao"), ("ms", "Malay"), ("id", "Indonesian"), ("fil", "Filipino"),
    ("tet", "Tetum"), ("pt", "Portuguese"), ("zh", "Chinese"), ("ta", "Tamil"), ("kk", "Kazakh"),
    ("ky", "Kyrgyz"), ("uz", "Uzbek"), ("tg", "Tajik"), ("tk", "Turkmen"), ("az", "Azerbaijani"),
    ("hy", "Armenian"), ("ka", "Georgian"), ("mn", "Mongolian"), ("fr", "French"), ("es", "Spanish"),
    ("ar", "Arabic"), ("hi", "Hindi"), ("bn", "Bengali"), ("ja", "Japanese"), ("ko", "Korean"),
    ("shn", "Shan"), ("kac", "Kachin"), ("ksw", "Karen"),
]  # fmt: skip


def create_roles_and_languages(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Language = apps.get_model("members", "Language")

    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)

    # The report viewers' permission is needed now, before post_migrate would create it.
    user_type, _ = ContentType.objects.get_or_create(app_label="members", model="user")
    view_indicators, _ = Permission.objects.get_or_create(
        content_type=user_type,
        codename="view_indicators",
        defaults={"name": "Can read indicators and download progress reports"},
    )
    Group.objects.get(name="Report viewers").permissions.add(view_indicators)

    for code, name in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles_and_languages, migrations.RunPython.noop)]
