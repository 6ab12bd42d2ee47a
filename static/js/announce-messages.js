// The messages after an action (templates/base.html) are in the page when it loads, and a live region announces what
// changes in it, not what it held at first: a screen reader said nothing of "Your reply was posted.". Once the page has
// loaded, each role="status" region's content is put back as a copy, which it announces; it looks the same. Errors
// are role="alert", which screen readers announce when the page loads, and need none of this.
(function () {
    "use strict";

    // Screen readers read a new page's live regions only once they have taken it in.
    var SETTLE_MS = 500;

    window.addEventListener("load", function () {
        window.setTimeout(function () {
            document.querySelectorAll("[data-announce]").forEach(function (region) {
                var copies = Array.prototype.map.call(region.childNodes, function (node) {
                    return node.cloneNode(true);
                });
                region.replaceChildren.apply(region, copies);
            });
        }, SETTLE_MS);
    });
})();
