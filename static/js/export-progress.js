/*
 * Export progress: a progressive enhancement of the export pages.
 *
 * Each element with data-export-status-url holds a job's status as the server rendered
 * it (a message, a progress bar with its percentage as text, a Refresh link, a hidden
 * download link). Without JavaScript the Refresh link reloads the page. With it, this
 * script polls the JSON status and updates the bar (role="progressbar", aria-valuenow),
 * the percentage and the message (role="status", a polite live region, so screen readers
 * hear "The export is ready."), then shows the download link, or the error in place of
 * the bar. It stops polling when the job has finished.
 */
(function () {
  "use strict";

  var FIRST_DELAY = 1500;
  var MAX_DELAY = 10000;
  var FINISHED = ["done", "failed", "expired"];

  function setProgress(box, value) {
    var bar = box.querySelector(".export-progress");
    var inner = bar && bar.querySelector(".progress-bar");
    var text = box.querySelector(".export-percent");
    var percent = Math.max(0, Math.min(100, Math.round(value)));
    if (bar) {
      bar.setAttribute("aria-valuenow", String(percent));
      bar.setAttribute("aria-valuetext", percent + "%");
    }
    if (inner) {
      // Widths come from classes (w-pct-0 … w-pct-100): the CSP allows no inline styles.
      inner.className = inner.className.replace(/\bw-pct-\d+\b/, "").trim() + " w-pct-" + percent;
    }
    if (text) {
      text.textContent = percent + "%";
    }
  }

  function setMessage(box, data) {
    var message = box.querySelector(".export-message");
    if (!message || !data.message || message.textContent === data.message) {
      return;
    }
    message.className = "export-message";
    if (data.status === "failed" || data.status === "expired") {
      message.className += " alert alert-danger";
    }
    message.textContent = data.message;
  }

  function finish(box, data) {
    var running = box.querySelector(".export-running");
    var progress = box.querySelector(".export-progress-box");
    var download = box.querySelector(".export-download");
    if (running) {
      running.hidden = true;
    }
    if (data.status === "done") {
      setProgress(box, 100);
    } else if (progress) {
      progress.hidden = true;
    }
    if (download && data.download_url) {
      var link = download.querySelector("a");
      if (link) {
        link.setAttribute("href", data.download_url);
      }
      download.hidden = false;
    }
  }

  function poll(box, delay) {
    var url = box.getAttribute("data-export-status-url");
    window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          setProgress(box, data.progress || 0);
          setMessage(box, data);
          if (FINISHED.indexOf(data.status) !== -1) {
            finish(box, data);
          } else {
            poll(box, Math.min(delay * 1.5, MAX_DELAY));
          }
        })
        .catch(function () {
          // The server or the network is briefly away: try again, more slowly. The
          // Refresh link still works.
          poll(box, MAX_DELAY);
        });
    }, delay);
  }

  function start() {
    var boxes = document.querySelectorAll("[data-export-status-url]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.querySelector(".export-running")) {
        poll(box, FIRST_DELAY);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
