"""Accessibility checks for the browser journeys: axe-core on each page a journey visits, at a desktop and a phone
width. axe-core comes inside the axe-playwright-python wheel (axe.min.js), so nothing is downloaded at run time.

A journey calls `a11y(page)` after each navigation; the `a11y` fixture collects what axe finds and fails the test at
its end with one readable list (rule, impact, page, viewport, selectors), so a run shows every problem at once."""

import re
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The bar from issue #9: no serious or critical violation. Moderate and minor ones are listed but do not fail.
BLOCKING = ("critical", "serious")
# WCAG 2.1 A/AA plus axe's best practices (landmarks, heading order, one h1); not the experimental rules.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    # Preloading fetches each stylesheet and re-inserts it as an inline <style>, which our CSP rightly refuses.
    "preload": False,
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
}
# Django's own admin (5.2) has three problems, fixed by static/css/admin-a11y.css and static/js/admin-a11y.js
# (loaded by templates/admin/base_site.html): SelectFilter2.js puts an aria-label on a bare <span>
# (aria-prohibited-attr), the changelist filter links sit 20px apart (target-size) and, on a phone, an inline's
# table scrolls sideways in a box that takes no focus (scrollable-region-focusable). Admin pages are checked whole.
# Pages already checked in this run, by their shape: a path with its numbers blanked, the title, whether a form
# shows errors and whether someone is signed in. The same page shape is checked once per run, which keeps the suite
# fast while every template and state the journeys reach is still checked.
_checked = set()


class A11yChecker:
    def __init__(self):
        self.violations = []  # (url, viewport name, violation dict from axe)

    def __call__(self, page):
        page.wait_for_load_state("load")
        shape = page.evaluate(
            """() => [document.title,
                      document.querySelectorAll('[aria-invalid=true], .form-errors').length > 0,
                      document.querySelector('form[action$="/logout/"]') !== null]"""
        )
        url = urlsplit(page.url)
        key = (re.sub(r"\d+", "N", url.path + "?" + url.query), *shape)
        if key in _checked:
            return
        _checked.add(key)
        original = page.viewport_size
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE_SCRIPT)
        context = {"exclude": []}
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            # The page handles the resize (admin-a11y.js makes a box that now scrolls focusable) before axe looks:
            # resize events are dispatched before the next frame's callbacks. Without this, axe sometimes ran first.
            page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
            results = page.evaluate("([context, options]) => axe.run(context, options)", [context, AXE_OPTIONS])
            self.violations += [(page.url, name, violation) for violation in results["violations"]]
        page.set_viewport_size(original)

    def blocking(self):
        return [v for v in self.violations if v[2]["impact"] in BLOCKING]

    def report(self, violations):
        lines = []
        for url, viewport, violation in violations:
            lines.append(f"{violation['id']} ({violation['impact']}) on {url} at {viewport}: {violation['help']}")
            for node in violation["nodes"][:10]:
                target = " ".join(str(part) for part in node["target"])
                summary = [
                    line.strip()
                    for line in (node.get("failureSummary") or "").splitlines()
                    if line.strip() and not line.startswith("Fix ")
                ]
                lines.append(f"    {target}  {'; '.join(summary)[:300]}")
        return "\n".join(lines)
