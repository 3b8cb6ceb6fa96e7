// The progress form's barriers (templates/adoption/progress_form.html): a barrier's note (and
// the assumption it challenges) shows once its barrier is ticked. Without JavaScript every note
// shows. A note that holds text, a chosen assumption or an error is never hidden, so nothing typed disappears (the server refuses a note
// on a barrier that is not ticked, and says so on the note).
"use strict";
(function () {
  document.querySelectorAll("[data-barrier-note]").forEach(function (note) {
    const box = document.getElementById(note.dataset.barrierNote);
    const text = note.querySelector("textarea");
    const choice = note.querySelector("select"); // the assumption it challenges, if offered
    if (!box || !text) {
      return;
    }
    function update() {
      const keep =
        text.value.trim() !== "" ||
        (choice !== null && choice.value !== "") ||
        note.querySelector(".is-invalid") !== null;
      note.hidden = !(box.checked || keep);
    }
    box.addEventListener("change", update);
    update();
  });
})();
