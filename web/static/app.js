// Small behaviours under a strict CSP: no inline scripts, no eval.
(function () {
  "use strict";

  // Every htmx request carries the CSRF token: the form's own field when there is one,
  // else the page's meta tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail.elt;
    var form = source && source.closest ? source.closest("form") : null;
    var field = form ? form.querySelector("input[name=csrf_token]") : null;
    var meta = document.querySelector("meta[name=csrf-token]");
    var token = field ? field.value : meta ? meta.content : null;
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  // Notices can be dismissed.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-dismiss]") : null;
    if (button) {
      var notice = button.closest(".notice");
      if (notice) notice.remove();
    }
  });

  // Clear old notices before a new request.
  document.addEventListener("htmx:beforeRequest", function () {
    var notices = document.getElementById("notices");
    if (notices) notices.innerHTML = "";
  });
})();

// Print buttons (the progress report): shown only when JavaScript runs, since only it can print.
(function () {
  "use strict";
  function reveal(root) {
    var buttons = root.querySelectorAll ? root.querySelectorAll("[data-print][hidden]") : [];
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  }
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) window.print();
  });
})();
