"""Playwright driving Debian's Chromium (/usr/bin/chromium) against pytest-django's live server.
No browser is ever downloaded: without /usr/bin/chromium these tests are skipped."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still
    # plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """`new_page(**context_options)`: a page in a fresh browser context (one per role in a journey), a phone by
    default. Every page doubles as a Content-Security-Policy check (the browser reports what the policy blocked), and
    when the test fails each page's screenshot goes to the artifacts folder."""
    pages, violations = [], []

    def make(**options):
        context = browser.new_context(**{"viewport": {"width": 390, "height": 844}, **options})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
        )
        pages.append(page)
        return page

    yield make
    failed = getattr(request.node, "rep_call", None)
    for n, page in enumerate(pages):
        if failed is not None and failed.failed and not page.is_closed():
            ARTIFACTS.mkdir(exist_ok=True)
            suffix = f"-{n + 1}" if len(pages) > 1 else ""
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}{suffix}.png"), full_page=True)
        page.context.close()
    assert violations == [], violations


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def a11y(request):
    """Call `a11y(page)` after each navigation; the test fails at its end if axe found a serious or critical
    violation on any page, at desktop or phone width. Every finding, blocking or not, is written to the artifacts
    folder for CI to keep."""
    from .a11y import A11yChecker

    findings = ARTIFACTS / f"{request.node.name}.axe.txt"
    findings.unlink(missing_ok=True)
    checker = A11yChecker()
    yield checker
    if checker.violations:
        ARTIFACTS.mkdir(exist_ok=True)
        findings.write_text(checker.report(checker.violations) + "\n")
    blocking = checker.blocking()
    if blocking:
        pytest.fail("Accessibility violations (axe-core):\n" + checker.report(blocking), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
