// The list keeps itself current: every so often it fetches this same page and swaps in the
// new counts and rows (the filters and whatever has focus stay as they are). A button pauses it.
document.addEventListener("DOMContentLoaded", function () {
  var live = document.querySelectorAll("[data-live]");
  var toggle = document.getElementById("refresh-toggle");
  var status = document.getElementById("refresh-status");
  if (!live.length || !toggle) return;
  var seconds = Number(live[0].getAttribute("data-refresh-seconds")) || 20;
  var paused = sessionStorage.getItem("reception-refresh-paused") === "1";

  function show() {
    toggle.textContent = paused ? "Resume updates" : "Pause updates";
    toggle.setAttribute("aria-pressed", paused ? "true" : "false");
  }
  function update() {
    if (paused || document.visibilityState !== "visible") return;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (reply) {
        if (reply.redirected || !reply.ok) { window.location.reload(); return null; }  // signed out: show the login
        return reply.text();
      })
      .then(function (html) {
        if (!html) return;
        var page = new DOMParser().parseFromString(html, "text/html");
        live.forEach(function (part) {
          var fresh = page.getElementById(part.id);
          if (fresh) part.innerHTML = fresh.innerHTML;
        });
        status.textContent = "Updated " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      })
      .catch(function () { status.textContent = "Could not update; retrying."; });
  }
  toggle.addEventListener("click", function () {
    paused = !paused;
    sessionStorage.setItem("reception-refresh-paused", paused ? "1" : "0");
    show();
    if (!paused) update();
  });
  show();
  toggle.hidden = false;
  window.setInterval(update, seconds * 1000);
});
