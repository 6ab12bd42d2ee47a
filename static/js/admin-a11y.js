// Accessibility fixes for markup Django's admin (5.2) builds in its own scripts, applied after they ran.
(function () {
    "use strict";

    function fix() {
        // SelectFilter2 puts aria-label on a bare <span> (the filter box's search icon): a label needs a role.
        document.querySelectorAll(".selector .help-tooltip[aria-label]").forEach(function (icon) {
            icon.setAttribute("role", "img");
        });
        // Inline tables scroll sideways on a phone in a box keyboard users cannot reach: make it focusable.
        document.querySelectorAll(".inline-group, .inline-group *").forEach(function (box) {
            var overflow = window.getComputedStyle(box).overflowX;
            if ((overflow === "auto" || overflow === "scroll") && !box.hasAttribute("tabindex")) {
                box.setAttribute("tabindex", "0");
            }
        });
    }

    // After the admin's own "load" handlers (which build the filter boxes).
    window.addEventListener("load", function () { window.setTimeout(fix, 0); });
    window.addEventListener("resize", fix);
}());
