// The print view's "Print" button (a file of its own: the page's CSP allows no inline script).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-now");
  if (button) button.addEventListener("click", function () { window.print(); });
});
