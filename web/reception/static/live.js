// Parts of a page that keep themselves current: each [data-live-events] listens to its
// server-sent events and, on "changed", fetches [data-live-src] again and swaps it in.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-live-events]").forEach(function (part) {
    var source = new EventSource(part.getAttribute("data-live-events"));
    source.addEventListener("changed", function () {
      fetch(part.getAttribute("data-live-src"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (reply) {
          if (reply.redirected || !reply.ok) { window.location.reload(); return null; }  // signed out: the login
          return reply.text();
        })
        .then(function (html) {
          if (html === null) return;
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById(part.id);
          part.innerHTML = fresh ? fresh.innerHTML : page.body.innerHTML;
        });
    });
  });
});
