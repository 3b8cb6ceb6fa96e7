/*
 * Accessibility repairs for Django's own admin widgets, loaded on every admin page by
 * templates/admin/base_site.html (an external file: the CSP allows no inline script).
 *
 * The filter_horizontal widget (admin/js/SelectFilter2.js, Django 6.0) labels each of its
 * filter boxes with an empty <span aria-label="…">. A plain span may not carry aria-label
 * (WCAG 4.1.2; axe "aria-prohibited-attr"), so the label's text never reaches the box.
 * Giving the span role="img" makes its aria-label the box's accessible name, as meant.
 * The widget is built on window "load", so new nodes are repaired as they appear.
 */
(function () {
  "use strict";

  var SELECTOR = "span.help-tooltip[aria-label]:not([role])";

  function repair(root) {
    if (!root.querySelectorAll) {
      return;
    }
    Array.prototype.forEach.call(root.querySelectorAll(SELECTOR), function (span) {
      span.setAttribute("role", "img");
    });
  }

  function start() {
    repair(document);
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        Array.prototype.forEach.call(record.addedNodes, function (node) {
          if (node.nodeType === 1) {
            if (node.matches(SELECTOR)) {
              node.setAttribute("role", "img");
            }
            repair(node);
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
