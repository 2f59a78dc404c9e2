// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var SAFE_METHODS = ["GET", "HEAD", "OPTIONS"];

  // The session's CSRF token (from <meta name="csrf-token">) goes as X-CSRF-Token with
  // every unsafe htmx request; plain forms carry it as a hidden field instead.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && SAFE_METHODS.indexOf(event.detail.verb.toUpperCase()) === -1) {
      event.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });

  // A "Print" link prints the page (no inline handler: the CSP forbids them).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-print]");
    if (link) {
      event.preventDefault();
      window.print();
    }
  });

  // On paper, folded sections (<details>) are printed open.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.setAttribute("open", "");
      details.setAttribute("data-print-opened", "");
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-print-opened]").forEach(function (details) {
      details.removeAttribute("open");
      details.removeAttribute("data-print-opened");
    });
  });
})();
