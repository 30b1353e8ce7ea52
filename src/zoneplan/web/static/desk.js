/* zoneplan desk: small behaviours without inline scripts (CSP: script-src 'self'). */
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    // filter a list of check boxes by the text typed
    document.querySelectorAll("input.filter[data-filter]").forEach(function (box) {
      var list = document.querySelector(box.getAttribute("data-filter"));
      if (!list) return;
      box.addEventListener("input", function () {
        var q = box.value.trim().toLowerCase();
        list.querySelectorAll("label").forEach(function (el) {
          el.hidden = q && el.textContent.toLowerCase().indexOf(q) < 0;
        });
      });
    });
    // ask before cancelling or publishing
    document.body.addEventListener("submit", function (ev) {
      var b = ev.submitter;
      if (b && b.id === "publish" && !window.confirm("发布后此方案成为正式方案，确定发布？")) ev.preventDefault();
    });
  });
})();
