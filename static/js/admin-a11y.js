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

    // Django's autocomplete widgets (select2 4.0): a multiple choice's search box has no label, and the button that
    // clears the choices sits in the list of chosen items as a bare <span> (a list may hold items only). The box is
    // named after the field's label; the button, which takes no focus (the keyboard clears with Backspace), is
    // hidden from assistive technology. Select2 builds the button again whenever the choices change.
    function fixAutocompletes() {
        document.querySelectorAll(".select2-search__field:not([aria-label])").forEach(function (box) {
            var container = box.closest(".select2-container");
            var select = container && container.previousElementSibling;
            var label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
            if (label) {
                box.setAttribute("aria-label", label.textContent.trim().replace(/:$/, ""));
            }
        });
        document.querySelectorAll(".select2-selection__rendered > .select2-selection__clear").forEach(function (button) {
            button.setAttribute("aria-hidden", "true");
        });
    }

    function watchAutocompletes() {
        if (!document.querySelector("select.admin-autocomplete")) {
            return;
        }
        fixAutocompletes();
        new MutationObserver(fixAutocompletes).observe(document.body, {childList: true, subtree: true});
    }

    // After the admin's own "load" handlers (which build the filter boxes and the autocompletes).
    window.addEventListener("load", function () { window.setTimeout(function () { fix(); watchAutocompletes(); }, 0); });
    window.addEventListener("resize", fix);
}());
