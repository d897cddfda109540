/* The admin's few controls that have no accessible name of their own (found by axe-core, see
   tests/test_accessibility_browser.py), named here: the Content-Security-Policy runs no inline
   script, and Django's and select2's widgets are drawn by their own scripts. */
(function () {
  "use strict";
  function labelText(id) {
    var label = id && document.querySelector('label[for="' + id + '"]');
    return label ? label.textContent.replace(/[:：*]\s*$/, "").trim() : "";
  }
  function name() {
    // The changelist's search box (its label is an icon).
    var search = document.getElementById("searchbar");
    if (search && !search.getAttribute("aria-label")) {
      var button = search.form && search.form.querySelector('input[type="submit"]');
      search.setAttribute("aria-label", button ? button.value : "Search");
    }
    // select2's combobox (autocomplete fields): named by the label of the select it replaces.
    document.querySelectorAll(".select2-selection[role='combobox']").forEach(function (box) {
      var container = box.closest(".select2");
      var select = container && container.previousElementSibling;
      var text = select && select.id ? labelText(select.id) : "";
      if (!text) {  // the label of the row the box sits in
        var row = box.closest(".form-row, .fieldBox, td, .flex-container");
        var label = row && row.querySelector("label");
        text = label ? label.textContent.replace(/[:：*]\s*$/, "").trim() : "";
      }
      if (text && !box.getAttribute("aria-label")) box.setAttribute("aria-label", text);
      var rendered = box.querySelector(".select2-selection__rendered");
      if (rendered && text && !rendered.getAttribute("aria-label")) rendered.setAttribute("aria-label", text);
    });
    // SelectFilter2's search icons: an aria-label is allowed on an image, not on a bare span.
    document.querySelectorAll("span[aria-label]:not([role])").forEach(function (span) {
      span.setAttribute("role", "img");
    });
    // A split date and time (its label points at the date part only).
    document.querySelectorAll("p.datetime input[id$='_0'], p.datetime input[id$='_1']").forEach(function (input) {
      if (input.getAttribute("aria-label") || document.querySelector('label[for="' + input.id + '"]')) return;
      var base = labelText(input.id.replace(/_[01]$/, "")) || labelText(input.id.replace(/_1$/, "_0"));
      if (base) input.setAttribute("aria-label", base + (input.id.slice(-2) === "_1" ? " (time)" : " (date)"));
    });
    // A link around an image without alternative text (the photo previews).
    document.querySelectorAll("a").forEach(function (link) {
      if (link.textContent.trim() || link.getAttribute("aria-label")) return;
      var image = link.querySelector("img");
      if (image && !image.getAttribute("alt")) link.setAttribute("aria-label", image.getAttribute("title") || (link.getAttribute("href") || "").split("/").filter(Boolean).slice(-3).join(" "));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setTimeout(name, 0); });
  else setTimeout(name, 0);
  window.addEventListener("load", name);
})();
