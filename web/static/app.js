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

// After an htmx answer: say what changed in the one live region (#announcer), and keep the focus
// somewhere useful when the element that had it was swapped away — the updated card, the first of
// the rows just loaded, or the updated part of the page.
(function () {
  "use strict";
  var pending = null;

  function text(el) { return el ? el.textContent.replace(/\s+/g, " ").trim() : ""; }

  function say(message) {
    var region = document.getElementById("announcer");
    if (!region || !message) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 60);
  }

  function messageIn(root) {
    if (!root) return "";
    var own = root.closest ? root.closest("[data-announce]") : null;
    var inside = root.querySelector ? root.querySelector("[role=alert], [role=status], [data-announce]") : null;
    var chosen = inside && inside.getAttribute("role") ? inside : own || inside;
    return chosen ? (chosen.getAttribute("data-announce") || text(chosen)) : "";
  }

  function focusable(el) {
    if (!el.hasAttribute("tabindex") && !el.matches("a[href], button, input, select, textarea, summary")) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus();
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var older = target && target.matches && target.matches("li.load-older");
    pending = {
      boosted: !!(event.detail.requestConfig && event.detail.requestConfig.boosted),
      id: target ? target.id : "",
      list: older ? target.parentElement : null,
      before: older ? target.previousElementSibling : null
    };
  });

  document.addEventListener("htmx:afterSettle", function () {
    var done = pending;
    pending = null;
    if (!done) return;
    if (done.boosted) {  // a page reached through hx-boost: its flash messages
      say(Array.prototype.map.call(document.querySelectorAll("main .flash"), text).join(" "));
      return;
    }
    if (done.list) {  // "Load older": the first new row takes the focus
      var first = done.before ? done.before.nextElementSibling : done.list.firstElementChild;
      var rows = 0;
      for (var row = first; row; row = row.nextElementSibling) if (row.matches(".event")) rows++;
      say(rows + (rows === 1 ? " older event loaded." : " older events loaded."));
      if (first && first.matches(".event") && focusLost()) focusable(first);
      return;
    }
    var updated = done.id ? document.getElementById(done.id) : null;
    if (!updated) return;
    say(messageIn(updated));
    if (focusLost() && updated.id !== "notices") focusable(updated);
  });
})();

// The navigation's menus: one open at a time; Escape or a click elsewhere closes them.
(function () {
  "use strict";
  function closeMenus(except) {
    var open = document.querySelectorAll("details.nav-menu[open]");
    for (var i = 0; i < open.length; i++) if (open[i] !== except) open[i].open = false;
  }
  document.addEventListener("toggle", function (event) {
    if (event.target.matches && event.target.matches("details.nav-menu") && event.target.open) closeMenus(event.target);
  }, true);
  document.addEventListener("click", function (event) {
    if (!(event.target.closest && event.target.closest("details.nav-menu"))) closeMenus(null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.activeElement && document.activeElement.closest ? document.activeElement.closest("details.nav-menu[open]") : null;
    closeMenus(null);
    if (menu) menu.querySelector("summary").focus();
  });
})();
