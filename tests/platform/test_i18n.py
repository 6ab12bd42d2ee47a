"""English, Russian and Burmese: every template string marked, catalogs complete and compiled, the switcher,
the member's remembered language (pages, sign-in, emails), localized dates, and Burmese in the PDF report."""

import gettext as gnu_gettext
import io
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from tests.factories import PASSWORD, MemberFactory
from tests.support.marked_translations import marked, marked_translations

from .i18n_support import read_po, unmarked_text

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATES = BASE_DIR / "templates"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# The options the catalogs are made with (README, "Translations").
MAKEMESSAGES_IGNORES = [".venv", "bench", "tests", "var"]
# "Ministry of Education: training doubled". Chosen so that no glyph is drawn in two different clusters (see
# the report test): "ရန်ကုန် ... တက်ရောက်" reads back as "တက်ရာက်", its "ေ" lost.
BURMESE = "ပညာရေးဝန်ကြီးဌာန သင်တန်း နှစ်ဆတိုးလာသည်"


# --- Every visible template string is marked -----------------------------------------------------------------


def test_every_visible_template_string_is_marked_for_translation():
    unmarked = [
        f"{path.relative_to(BASE_DIR)}:{line}: {text[:120]}"
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and path.suffix in (".html", ".txt")
        for line, text in unmarked_text(path)
    ]
    assert not unmarked, "Wrap these in {% translate %} or {% blocktranslate %}:\n" + "\n".join(unmarked)


def test_the_template_check_finds_text_and_read_attributes_and_ignores_syntax(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<p title="Look here">Hello {{ name }}</p><img alt="{% translate \'Logo\' %}">'
        "{% blocktranslate %}Fine {{ x }}{% endblocktranslate %}{# Not shown #}<script>var ok = 1;</script>"
        '<span class="badge">CoP · 3</span><input placeholder="Search">'
    )
    letter = tmp_path / "letter.txt"
    letter.write_text("{% load i18n %}{% translate 'Dear' %} {{ name }},\nThanks for joining.\n{{ url }}\n")

    assert [text for _line, text in unmarked_text(page)] == ['title="Look here"', "Hello", 'placeholder="Search"']
    assert [text for _line, text in unmarked_text(letter)] == ["Thanks for joining."]


# --- Catalogs: complete, translated and compiled -------------------------------------------------------------


def _gettext_tools_or_skip():
    missing = [tool for tool in ("msgfmt", "xgettext", "msgmerge") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"GNU gettext is not installed ({', '.join(missing)} missing): apt-get install gettext")


def _fresh_catalogs(tmp_path: Path) -> Path:
    """A copy of the project's sources with the committed locale/, where makemessages runs as it does for the
    translators, so the committed catalogs are never touched."""
    copy = tmp_path / "project"
    shutil.copytree(
        BASE_DIR, copy, ignore=shutil.ignore_patterns(".git", ".venv", "var", "bench", "tests", "__pycache__", "*.mo")
    )
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-v", "0"]
    command += [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORES]
    command += [arg for code in LANGUAGES for arg in ("-l", code)]
    subprocess.run(command, cwd=copy, check=True, capture_output=True, env=_env(copy))
    return copy / "locale"


def _env(root: Path) -> dict:
    import os

    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["VAR_DIR"] = str(root / "var")  # the copy's settings create folders there, not in the project
    return env


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalog_is_complete_translated_and_compiled(language, tmp_path):
    """Fails until the translators have caught up with the code: run makemessages, translate, compilemessages
    (README, "Translations")."""
    _gettext_tools_or_skip()
    committed_po = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    assert committed_po.is_file(), f"No catalog for {language}: run makemessages -l {language}"
    fresh = read_po(_fresh_catalogs(tmp_path) / language / "LC_MESSAGES" / "django.po")
    committed = read_po(committed_po)
    where = f"locale/{language}/LC_MESSAGES/django.po"

    known = {entry.key for entry in committed}
    missing = [entry.msgid for entry in fresh if entry.key not in known]
    assert not missing, f"{where}: {len(missing)} strings missing (run makemessages), e.g. {missing[:8]}"
    untranslated = [entry.msgid for entry in committed if entry.msgid and not entry.translated]
    assert not untranslated, f"{where}: {len(untranslated)} untranslated, e.g. {untranslated[:8]}"
    fuzzy = [entry.msgid or "(the header)" for entry in committed if entry.fuzzy]
    assert not fuzzy, f"{where}: {len(fuzzy)} marked fuzzy (check them, remove the flag), e.g. {fuzzy[:8]}"

    # The committed .mo says what the .po says (we commit .mo so nobody needs gettext to run the site).
    compiled = committed_po.with_suffix(".mo")
    assert compiled.is_file(), f"{where}: no django.mo next to it; run compilemessages"
    expected = tmp_path / "expected.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(expected), str(committed_po)], check=True)
    with compiled.open("rb") as ours, expected.open("rb") as theirs:
        assert gnu_gettext.GNUTranslations(ours)._catalog == gnu_gettext.GNUTranslations(theirs)._catalog, (
            f"{compiled.relative_to(BASE_DIR)} is out of date with django.po: run compilemessages"
        )


# --- Pages in each language, and the switcher ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_a_page_is_served_in_the_language_the_browser_asks_for(client, language):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'<html lang="{language}"' in html
    assert f'action="{reverse("set_language")}"' in html  # the switcher, on every page through base.html
    for code, name in settings.LANGUAGES:  # each language listed under its own name
        assert f'value="{code}"' in html and name in html


@pytest.mark.django_db
def test_the_language_cookie_wins_over_the_browser(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    html = client.get(reverse("communities:list"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="my"' in html
    assert re.search(r'<option value="my"[^>]*selected', html)


@pytest.mark.django_db
def test_an_anonymous_visitor_switches_language_and_returns_to_the_page(client):
    page = reverse("communities:list") + "?page=1"
    response = client.post(reverse("set_language"), {"language": "ru", "next": page})

    assert response.status_code == 302 and response.url == page
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert '<html lang="ru"' in client.get(page).content.decode()


@pytest.mark.django_db
def test_the_switcher_ignores_a_language_the_site_does_not_offer(client, member):
    client.force_login(member)
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"})

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    member.refresh_from_db()
    assert member.language == ""


@pytest.mark.django_db
def test_a_signed_in_member_who_switches_has_it_saved_to_their_profile(client, member):
    client.force_login(member)
    response = client.post(reverse("set_language"), {"language": "my", "next": "/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "my"
    member.refresh_from_db()
    assert member.language == "my"


@pytest.mark.django_db
def test_signing_in_switches_to_the_members_saved_language(client):
    member = MemberFactory(language="ru")
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert '<html lang="ru"' in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db
def test_signing_in_without_a_saved_language_keeps_the_current_one(client):
    member = MemberFactory()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="my"' in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_the_profile_form_sets_the_language_and_applies_it_at_once(client, member):
    from members.forms import ProfileForm

    client.force_login(member)
    data = {name: value for name, value in ProfileForm(instance=member).initial.items() if value is not None}
    data.update(languages=[], interests="", language="ru")
    response = client.post(reverse("members:profile_edit"), data)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "ru"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"


# --- Emails in the member's language ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_email_helper_renders_subject_and_body_in_the_recipients_language(monkeypatch):
    from cop_platform import mail

    seen = {}

    def fake_render(template, context):
        seen["body"] = translation.get_language()
        return "body"

    monkeypatch.setattr(mail, "render_to_string", fake_render)
    monkeypatch.setattr(mail, "queue_email", lambda message: message)
    russian, undecided = MemberFactory(language="ru"), MemberFactory()

    with translation.override("my"):  # whatever the sender's page is in
        message = mail.queue_email_to(russian, subject=translation.get_language, template="x", context={})
        assert (message.subject, seen["body"]) == ("ru", "ru")
        message = mail.queue_email_to(undecided, subject=translation.get_language, template="x", context={})
        assert (message.subject, seen["body"]) == (settings.LANGUAGE_CODE, settings.LANGUAGE_CODE)


@pytest.mark.django_db
def test_an_event_email_to_a_russian_reader_has_russian_dates(django_capture_on_commit_callbacks, mailoutbox):
    from events.services import registration_cancel
    from tests.events.factories import EventFactory, RegistrationFactory

    starts = datetime(timezone.now().year + 1, 12, 1, 3, 0, tzinfo=UTC)
    event = EventFactory(title="Budget clinic", starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=1)
    holder = RegistrationFactory(event=event)
    RegistrationFactory(event=event, member=MemberFactory(language="ru"), status="waitlisted")

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=holder)

    # Django's own Russian catalog and formats: the day, then the month in the genitive, then "г.".
    assert f"1 декабря {starts.year} г. 3:00" in mailoutbox[0].body
    assert "Budget clinic" in mailoutbox[0].subject


@pytest.mark.django_db
def test_a_cancellation_tells_when_the_event_was_planned_in_one_sentence(
    django_capture_on_commit_callbacks, mailoutbox
):
    """One sentence for the translators ("It was planned for %(day)s %(when)s (%(zone)s)."), not three pieces
    glued in English order."""
    from events.services import event_cancel
    from tests.events.factories import EventFactory, RegistrationFactory

    starts = datetime(timezone.now().year + 1, 12, 1, 3, 0, tzinfo=UTC)
    event = EventFactory(title="Budget clinic", starts_at=starts, ends_at=starts + timedelta(hours=2))
    RegistrationFactory(event=event, member=MemberFactory(language="ru", time_zone="Asia/Almaty"))

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event)

    weekday = ["понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"][starts.weekday()]
    # The weekday as the sentence needs it: lower case, and after "на" in the accusative ("среду", not "Среда").
    assert f"Планировалось на {weekday}, 1 декабря {starts.year} г. 8:00 (Asia/Almaty)." in mailoutbox[0].body
    assert "Другие предстоящие мероприятия: http" in mailoutbox[0].body


def test_russian_sentences_that_end_in_a_date_end_once():
    """Russian dates end in "г.": a sentence around one adds no second full stop ("до 10 декабря 2026 г..")."""
    from django.utils.formats import date_format

    day = datetime(2026, 12, 10)
    with translation.override("ru"):
        due = translation.gettext("We would be grateful for an answer by %(due)s.") % {"due": date_format(day)}
        sent = translation.gettext("Last digest sent on %(when)s.") % {"when": date_format(day)}
        replied = translation.gettext("%(member)s replied in “%(thread)s”") % {"member": "Иван", "thread": "Бюджет"}

    assert (due, sent) == (
        "Будем признательны за ответ до 10 декабря 2026 г.",
        "Последний дайджест отправлен 10 декабря 2026 г.",
    )
    assert replied == "Новый ответ в теме «Бюджет» (автор: Иван)"  # a name after "от" would need a case it has not


def test_russian_emails_address_their_reader_as_a_letter_does_subjects_and_bodies_alike():
    """Emails are letters to one person: "Вы" with a capital, the subjects too (the digest's said "для вас", its
    body "для Вас"); the site's pages keep the lower case."""
    with translation.override("ru"):
        subject = translation.ngettext(
            "%(site)s: %(count)d new item for you", "%(site)s: %(count)d new items for you", 5
        ) % {"site": "CoP", "count": 5}
        opening = translation.gettext("Here is what is new for you in the network.")
        other_subjects = [
            translation.gettext("A seat opened for you: %(event)s"),
            translation.gettext("Your expertise is requested: “%(thread)s”"),
            translation.gettext("Reminder: a question is waiting for your answer: “%(thread)s”"),
        ]

    assert subject == "CoP: 5 новых материалов для Вас"
    assert "для Вас" in opening
    assert [re.findall(r"\b[Вв]а?[сш]\w*", text) for text in other_subjects] == [["Вас"], ["Ваша"], ["Вашего"]]


def test_allauths_russian_is_corrected_where_it_reads_wrong():
    with translation.override("ru"):
        assert translation.gettext("Password Changed") == "Пароль изменён"
        thanks = translation.gettext("Thank you for using %(site_name)s!\n%(site_domain)s")
        assert thanks % {"site_name": "CoP", "site_domain": "x"} == "Благодарим Вас за использование сайта «CoP»!\nx"


@pytest.mark.django_db
def test_allauths_russian_emails_address_the_reader_as_vy_as_their_subjects_do(
    client, mailoutbox, member, django_capture_on_commit_callbacks
):
    """The subject said «Подтвердите Ваш адрес», the body «вы или кто-то другой… для вашей учетной записи»."""
    from django.urls import reverse

    type(member).objects.filter(pk=member.pk).update(language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})

    (email,) = mailoutbox
    assert "потому что Вы или кто-то другой" in email.body
    assert not re.findall(r"\b(вы|вас|вам|ваш\w*)\b", email.body), email.body


@pytest.mark.django_db
def test_a_reminders_when_is_one_sentence_with_the_weekday_in_its_case(django_capture_on_commit_callbacks, mailoutbox):
    """ "When: {{ weekday }} {{ date }}" was glued in English order, with Russian's capitalised "Среда" mid-line."""
    from events.services import send_reminders
    from tests.events.factories import EventFactory, RegistrationFactory

    now = timezone.now()
    starts = (now + timedelta(hours=20)).replace(second=0, microsecond=0)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=1))
    RegistrationFactory(event=event, member=MemberFactory(language="ru", time_zone="Asia/Almaty"))
    RegistrationFactory(event=event, member=MemberFactory(language="en", time_zone="Asia/Yangon"))

    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(now=now)

    almaty, yangon = starts.astimezone(ZoneInfo("Asia/Almaty")), starts.astimezone(ZoneInfo("Asia/Yangon"))
    ru_day = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"][almaty.weekday()]
    bodies = sorted(message.body for message in mailoutbox)
    assert any(f"Когда: {ru_day}, {almaty.day} " in body and "(Asia/Almaty)" in body for body in bodies), bodies
    assert any(f"When: {yangon:%A} {yangon.day} " in body and "(Asia/Yangon)" in body for body in bodies), bodies


@pytest.mark.django_db
def test_the_planned_weekday_is_the_members_own(django_capture_on_commit_callbacks, mailoutbox):
    """23:00 UTC on a Tuesday is already Wednesday in Yangon: the weekday and the date agree."""
    from events.services import event_cancel
    from tests.events.factories import EventFactory, RegistrationFactory

    starts = datetime(timezone.now().year + 1, 1, 1, 23, 0, tzinfo=UTC)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=1))
    RegistrationFactory(event=event, member=MemberFactory(language="en", time_zone="Asia/Yangon"))

    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(event=event)

    local = starts.astimezone(ZoneInfo("Asia/Yangon"))
    assert f"It was planned for {local:%A} {local.day} January" in mailoutbox[0].body


# --- Dates and numbers -----------------------------------------------------------------------------------------


def test_dates_and_numbers_follow_the_language():
    from django.utils.formats import date_format

    from indicators.charts import format_value

    day = datetime(2026, 3, 5, 14, 30)
    expected = {
        "en": ("5 March 2026", "5 March 2026, 14:30", "5 March", "12,345.5"),
        # After a day the month takes the genitive (Django's own MONTH_DAY_FORMAT gives "5 Март").
        "ru": ("5 марта 2026 г.", "5 марта 2026 г. 14:30", "5 марта", "12\xa0345,5"),
        "my": ("2026၊ မတ် 5", "2026၊ မတ် 5 14:30", "မတ် 5", "12,345.5"),  # month names from our catalog
    }
    for language, (date_text, datetime_text, month_day, number) in expected.items():
        with translation.override(language):
            assert date_format(day) == date_text
            assert date_format(day, "DATETIME_FORMAT") == datetime_text
            assert date_format(day, "MONTH_DAY_FORMAT") == month_day
            assert format_value(12345.5) == number


# --- Burmese in the PDF report ---------------------------------------------------------------------------------


def _pdf_text_and_fonts(pdf: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    text = unicodedata.normalize("NFC", re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages)))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).get_object().values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return text, fonts


def _font_families() -> list[str]:
    if not shutil.which("fc-list"):
        return []
    return subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout.splitlines()


@pytest.mark.django_db
def test_the_report_prints_burmese_with_a_font_that_has_it(settings, tmp_path):
    """A Burmese narrative is drawn with Noto Sans Myanmar and reads back as written.

    Reading back is exact only while each shaped glyph stands for one piece of text: the PDF maps a glyph to
    the text of the first cluster it was drawn for, so once other Burmese text (headings in Burmese) reuses a
    glyph inside a different cluster, extraction can print, say, "မြ" for "မ". NFC normalization does not
    repair that, so the Burmese-language render is checked for its font and script, not letter by letter."""
    from indicators.compute import freeze_month
    from indicators.models import MonthlyNarrative
    from indicators.report import render_report

    if not any("Myanmar" in family for family in _font_families()):
        pytest.skip("No Myanmar font: apt-get install fonts-noto-core (Noto Sans Myanmar)")
    settings.MEDIA_ROOT = tmp_path
    month = datetime(2026, 10, 1).date()
    MonthlyNarrative.objects.create(month=month, highlights=BURMESE)
    freeze_month(month)

    text, fonts = _pdf_text_and_fonts(render_report(month, language="en").pdf)
    assert unicodedata.normalize("NFC", BURMESE) in text
    assert "Noto-Sans-Myanmar" in fonts

    text, fonts = _pdf_text_and_fonts(render_report(month, language="my").pdf)
    assert "Noto-Sans-Myanmar" in fonts
    assert len(re.findall(r"[\u1000-\u109f]", text)) > len(BURMESE)  # the narrative and the translated headings
    # The cover's title is drawn first, so its glyphs map to its own text: it reads back exactly, in Burmese.
    with translation.override("my"):
        title = translation.gettext("Progress report")
    assert re.search(r"[\u1000-\u109f]", title) and title in text


@pytest.mark.django_db
def test_a_report_asked_for_by_a_member_is_rendered_in_their_language():
    from indicators.models import ProgressReport
    from indicators.services import report_request

    month = datetime(2026, 10, 1).date()
    report, queued = report_request(month=month, requested_by=MemberFactory(language="my"))
    assert queued and ProgressReport.objects.get(pk=report.pk).language == "my"

    # Beat re-queues it later (a worker died): it keeps the language it was asked for in.
    ProgressReport.objects.filter(pk=report.pk).update(job=ProgressReport.Job.FAILED)
    report_request(month=month)
    assert ProgressReport.objects.get(pk=report.pk).language == "my"


def test_burmese_readers_get_weekdays_time_since_and_their_regions_countries_in_burmese():
    """Django's Burmese catalog names only Monday and leaves "2 weeks, 5 days" in English; django-countries has
    no Burmese (cop_platform/formats/calendar_names.py and country_names.py fill both in our catalog)."""
    from datetime import UTC, datetime, timedelta

    from django.utils import translation
    from django.utils.formats import date_format
    from django.utils.timesince import timesince
    from django_countries import countries

    friday = datetime(2026, 11, 27, 9, tzinfo=UTC)
    with translation.override("my"):
        assert date_format(friday, "l") == "သောကြာနေ့" and date_format(friday, "D") == "သောကြာ"
        assert timesince(friday - timedelta(days=19), friday) == "2\xa0ပတ်, 5\xa0ရက်"  # Django joins with NBSPs
        assert [countries.name(code) for code in ("KH", "KZ", "LA")] == ["ကမ္ဘောဒီးယား", "ကာဇက်စတန်", "လာအို"]
    with translation.override("ru"):  # django-countries' own Russian names, repeated as they are
        assert countries.name("KG") == "Киргизия"


# --- Burmese for allauth's and Django's own strings (locale_libraries/) -----------------------------------------

LIBRARY_CATALOG = BASE_DIR / "locale_libraries" / "my" / "LC_MESSAGES" / "django.po"
# Latin-script words a Burmese account page may show: the platform's name, the switcher's "English" and its codes.
BURMESE_PAGE_ALLOWED = {*settings.SITE_NAME.split(), "English", "en", "ru", "my", "IP"}


def _library_entries() -> dict:
    """(context, msgid) → msgid_plural of every string in the installed allauth's, taggit's and Django's catalogs."""
    import allauth
    import django
    import taggit

    catalogs = [
        Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po",
        Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        Path(django.__file__).parent / "contrib" / "auth" / "locale" / "en" / "LC_MESSAGES" / "django.po",
        Path(taggit.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po",
    ]
    return {entry.key: entry.msgid_plural for catalog in catalogs for entry in read_po(catalog) if entry.msgid}


@pytest.mark.parametrize(
    "catalog", [LIBRARY_CATALOG, BASE_DIR / "locale_libraries" / "ru" / "LC_MESSAGES" / "django.po"]
)
def test_the_library_catalog_translates_strings_the_libraries_still_have_and_is_compiled(tmp_path, catalog):
    """Its msgids are copied from allauth and Django by hand: one that an upgrade reworded would silently stop
    translating anything. (Burmese for what the libraries leave in English; Russian corrections to theirs.)"""
    committed = [entry for entry in read_po(catalog) if entry.msgid]
    library = _library_entries()

    gone = [entry.msgid for entry in committed if library.get(entry.key) != entry.msgid_plural]
    assert not gone, f"no longer in allauth or Django (reworded upstream?): {gone[:8]}"
    assert all(entry.translated and not entry.fuzzy for entry in committed)
    if shutil.which("msgfmt"):
        expected = tmp_path / "expected.mo"
        subprocess.run(["msgfmt", "--check-format", "-o", str(expected), str(catalog)], check=True)
        with catalog.with_suffix(".mo").open("rb") as ours, expected.open("rb") as theirs:
            assert gnu_gettext.GNUTranslations(ours)._catalog == gnu_gettext.GNUTranslations(theirs)._catalog, (
                f"{catalog.with_suffix('.mo')} is out of date: run compilemessages"
            )


def _english_on(html: str, *known: str) -> list[str]:
    """Pieces of visible text (and of placeholder/title/value attributes) with a Latin-script word that is not a
    name: the platform's, a language's, or one of `known` (the member's email and name)."""
    from html.parser import HTMLParser

    class Visible(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.pieces, self.hidden = [], 0

        def handle_starttag(self, tag, attrs):
            self.hidden += tag in ("script", "style")
            if tag in ("script", "style"):
                return
            attributes = dict(attrs)
            if attributes.get("type") != "hidden":
                self.pieces += [value for name, value in attrs if name in ("title", "placeholder", "value") and value]

        def handle_endtag(self, tag):
            self.hidden -= tag in ("script", "style") and self.hidden > 0

        def handle_data(self, data):
            if not self.hidden:
                self.pieces.append(data)

    parser = Visible()
    parser.feed(html)
    english = []
    for piece in parser.pieces:
        for name in known:
            piece = piece.replace(name, "")
        if any(word not in BURMESE_PAGE_ALLOWED for word in re.findall(r"[A-Za-z]{2,}", piece)):
            english.append(" ".join(piece.split()))
    return english


@pytest.mark.django_db
def test_the_account_pages_their_errors_and_messages_read_in_burmese(client):
    """allauth ships no Burmese, and Django's leaves form errors and password rules in English: a member who
    reads the site in Burmese met English at the door (sign-in, sign-up, password reset)."""
    member = MemberFactory(language="my", full_name="Aung Kyaw")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    known = (member.email, "Aung Kyaw", "new@example.org", "new@")
    visits = {
        "sign-in page": client.get(reverse("account_login")),
        "sign-up page": client.get(reverse("account_signup")),
        "password reset": client.get(reverse("account_reset_password")),
        "reset sent": client.get(reverse("account_reset_password_done")),
        "check your email": client.get(reverse("account_email_verification_sent")),
        "expired confirmation link": client.get(reverse("account_confirm_email", args=["expired"])),
        "used reset link": client.get(reverse("account_reset_password_from_key", args=["1", "used"]), follow=True),
        "wrong password": client.post(reverse("account_login"), {"login": member.email, "password": "wrong"}),
        "empty sign-in": client.post(reverse("account_login"), {"login": "", "password": ""}),
        "bad sign-up": client.post(
            reverse("account_signup"), {"email": "new@", "password1": "short", "password2": "other"}
        ),
        "weak password": client.post(
            reverse("account_signup"),
            {"email": "new@example.org", "password1": "1234567890", "password2": "1234567890"},
        ),
    }
    client.force_login(member)
    visits |= {
        "email page": client.get(reverse("account_email")),
        "password change": client.get(reverse("account_change_password")),
        "bad password change": client.post(
            reverse("account_change_password"), {"oldpassword": "x", "password1": "a", "password2": "b"}
        ),
        "email change sent": client.post(
            reverse("account_email"), {"action_add": "", "email": "new@example.org"}, follow=True
        ),
        "sign-out page": client.get(reverse("account_logout")),
        "signed out": client.post(reverse("account_logout"), follow=True),
    }

    english = {page: found for page, response in visits.items() if (found := _english_on(response.text, *known))}
    assert english == {}
    # The pages did what they say (the test saw errors and messages, not only empty forms).
    assert "အီးမေးလ်လိပ်စာ နှင့်/သို့မဟုတ် စကားဝှက် မမှန်ကန်ပါ" in visits["wrong password"].text
    assert "ဤစကားဝှက်တွင် ဂဏန်းများသာ ပါဝင်ပါသည်" in visits["weak password"].text
    assert "သင် ထွက်ပြီးပါပြီ" in visits["signed out"].text


@pytest.mark.django_db
def test_the_account_emails_read_in_burmese(client, mailoutbox, django_capture_on_commit_callbacks):
    """Sign-up confirmation and password reset, for a visitor reading the site in Burmese."""
    member = MemberFactory(language="my")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "my"
    with django_capture_on_commit_callbacks(execute=True):  # emails leave through the outbox, on commit
        client.post(reverse("account_reset_password"), {"email": member.email})
        client.post(
            reverse("account_signup"), {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}
        )

    assert [message.to for message in mailoutbox] == [[member.email], ["new@example.org"]]
    for message in mailoutbox:
        text = re.sub(r"https?://\S+", "", f"{message.subject}\n{message.body}")
        for name in (member.email, "new@example.org", settings.SITE_NAME):
            text = text.replace(name, "")
        assert re.findall(r"[A-Za-z]{2,}", text) == [], text


def test_the_tag_fields_help_is_burmese_for_a_burmese_reader():
    """taggit ships no Burmese: its help under every tag field ("A comma-separated list of tags.") read in English."""
    from django.utils import translation

    from knowledge.models import KnowledgeProduct

    with translation.override("my"):
        help_text = str(KnowledgeProduct._meta.get_field("tags").formfield().help_text)

    assert help_text and not re.search(r"[A-Za-z]", help_text)


@pytest.mark.django_db
def test_the_admin_index_names_the_site_and_every_app_in_the_readers_language(client, monkeypatch):
    """The admin's index title ("Coordination") was plain English, and five apps had no verbose name (the admin
    showed their labels, "Communities", "Knowledge"…) while Digests' was plain English: none reached the catalogs."""
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    marked_translations(monkeypatch)

    text = client.get(reverse("admin:index")).text

    assert f"<h1>{marked('Coordination')}</h1>" in text
    for name in ("Communities", "Experts", "Events", "Knowledge library", "Indicators", "Digests", "Members"):
        assert re.search(r'<a [^>]*class="section"[^>]*>' + re.escape(marked(name)) + "</a>", text), name
