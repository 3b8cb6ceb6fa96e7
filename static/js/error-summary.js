// After a failed submission, move the focus to the summary of the errors
// (templates/organisations/_form_errors.html): screen readers read it out, and keyboard
// users continue from it to the links to each field. Loaded with `defer` after the summary.
"use strict";
(function () {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
