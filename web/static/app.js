// Progressive enhancement only: every page works without this file.
// Sends the session's CSRF token (from <meta name="csrf-token">) as X-CSRF-Token with every
// unsafe htmx request; plain forms carry it as a hidden field instead.
(function () {
  "use strict";
  var SAFE_METHODS = ["GET", "HEAD", "OPTIONS"];

  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && SAFE_METHODS.indexOf(event.detail.verb.toUpperCase()) === -1) {
      event.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });
})();
