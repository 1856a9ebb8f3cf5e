// @mention suggestions in the notes, progress notes, roadblocks, resolutions, reasons and
// celebrations of a page that lists its members (the #active-members datalist). Without
// JavaScript, typing @lead.it (an e-mail address's local part) works just the same.
(function () {
  "use strict";
  var FIELDS = "textarea, input[name=reason]";
  var MENTION = /(^|\s)@([\w.+-]*)$/;
  var box = null, field = null, start = 0, chosen = 0;

  function members() {
    var list = document.getElementById("active-members");
    if (!list) { return []; }
    return Array.prototype.map.call(list.options, function (o) {
      return { handle: o.value.split("@")[0], name: o.textContent || o.value };
    });
  }

  function close() {
    if (box) { box.remove(); }
    box = null;
    if (field) { field.removeAttribute("aria-activedescendant"); field.setAttribute("aria-expanded", "false"); }
  }

  function pick(handle) {
    var before = field.value.slice(0, start), after = field.value.slice(field.selectionStart);
    field.value = before + "@" + handle + " " + after;
    var caret = (before + "@" + handle + " ").length;
    field.setSelectionRange(caret, caret);
    close();
    field.focus();
  }

  function mark() {
    Array.prototype.forEach.call(box.children, function (li, i) {
      li.setAttribute("aria-selected", i === chosen ? "true" : "false");
      if (i === chosen) { field.setAttribute("aria-activedescendant", li.id); }
    });
  }

  function suggest(target) {
    var typed = MENTION.exec(target.value.slice(0, target.selectionStart));
    close();
    if (!typed) { return; }
    var query = typed[2].toLowerCase();
    var found = members().filter(function (m) {
      return m.handle.toLowerCase().indexOf(query) === 0 || m.name.toLowerCase().indexOf(query) === 0;
    }).slice(0, 6);
    if (!found.length) { return; }
    field = target;
    start = target.selectionStart - typed[2].length - 1;
    chosen = 0;
    box = document.createElement("ul");
    box.className = "mention-suggestions";
    box.id = "mention-suggestions";
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-label", "Members to mention");
    found.forEach(function (m, i) {
      var li = document.createElement("li");
      li.id = "mention-" + i;
      li.setAttribute("role", "option");
      li.dataset.handle = m.handle;
      li.textContent = m.name + " (@" + m.handle + ")";
      li.addEventListener("mousedown", function (event) { event.preventDefault(); pick(m.handle); });
      box.appendChild(li);
    });
    target.setAttribute("aria-controls", box.id);
    target.setAttribute("aria-expanded", "true");
    target.insertAdjacentElement("afterend", box);
    mark();
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(FIELDS)) { suggest(event.target); }
  });
  document.addEventListener("keydown", function (event) {
    if (!box || event.target !== field) { return; }
    var count = box.children.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      chosen = (chosen + (event.key === "ArrowDown" ? 1 : count - 1)) % count;
      mark();
      event.preventDefault();
    } else if (event.key === "Enter" || event.key === "Tab") {
      pick(box.children[chosen].dataset.handle);
      event.preventDefault();
    } else if (event.key === "Escape") {
      close();
    }
  });
  document.addEventListener("focusout", function (event) {
    if (event.target === field) { close(); }
  });
}());
