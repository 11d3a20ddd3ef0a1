// The one script of the portal. A claim QR code opens "/#/?claim=<code>&product=<id>" (the
// seed's URL); the fragment never reaches the server, so the landing page reads it here and
// continues to the claim page, which carries the code through sign-in or sign-up.
(function () {
  "use strict";
  if (document.body.getAttribute("data-page") !== "landing") {
    return;
  }
  var hash = window.location.hash || "";
  var query = hash.indexOf("?");
  if (query < 0) {
    return;
  }
  var params = new URLSearchParams(hash.substring(query + 1));
  if (!params.has("claim")) {
    return;
  }
  var target = "/claim";
  var parts = [];
  if (params.get("claim")) {
    parts.push("code=" + encodeURIComponent(params.get("claim")));
  }
  if (params.get("product")) {
    parts.push("product=" + encodeURIComponent(params.get("product")));
  }
  if (parts.length) {
    target += "?" + parts.join("&");
  }
  window.location.replace(target);
})();
