// The catalogue's "Adopt N selected" bar (templates/adoption/_catalogue_adopt_bar.html):
// the button says how many actions are ticked, and a polite live region tells screen
// readers each time the number changes. Without JavaScript the button says "Adopt selected"
// and submits the same form. The texts come translated in the bar's data attributes.
"use strict";
(function () {
  const form = document.querySelector("[data-adopt-form]");
  const bar = document.getElementById("adopt-bar");
  if (!form || !bar) {
    return;
  }
  const button = bar.querySelector("[data-adopt-button]");
  const status = bar.querySelector("[data-adopt-status]");

  function ticked() {
    return form.querySelectorAll('input[name="actions"]:checked').length;
  }

  function update(announce) {
    const count = ticked();
    button.textContent = count
      ? button.dataset.labelSome.replace("{count}", String(count))
      : button.dataset.labelNone;
    if (announce && status) {
      status.textContent = status.dataset.template.replace("{count}", String(count));
    }
  }

  // While the bar sticks to the bottom of the screen, the browser keeps what it scrolls to
  // (a checkbox reached with Tab) above the bar, not under it.
  function keepFocusClear() {
    const sticky = window.getComputedStyle(bar).position === "sticky";
    document.documentElement.style.scrollPaddingBottom = sticky ? bar.offsetHeight + "px" : "";
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "actions") {
      update(true);
    }
  });
  window.addEventListener("resize", keepFocusClear);
  update(false);
  keepFocusClear();
})();
