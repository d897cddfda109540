/* The admin's few controls that have no accessible name of their own (found by axe-core, see
   tests/test_accessibility_browser.py), named here: the Content-Security-Policy runs no inline
   script, and Django's and select2's widgets are drawn by their own scripts. */
(function () {
  "use strict";
  var counter = 0;
  function clean(text) {
    return (text || "").replace(/\s+/g, " ").replace(/[:：*]\s*$/, "").trim();
  }
  // The header of the column a cell's control sits in (a tabular inline's rows).
  function headerOf(el) {
    var cell = el.closest("td");
    var table = cell && cell.closest("table");
    if (!table || !table.tHead) return null;
    var index = Array.prototype.indexOf.call(cell.parentNode.children, cell);
    var row = table.tHead.rows[table.tHead.rows.length - 1];
    var th = row && row.cells[index];
    return th && clean(th.textContent) ? th : null;
  }
  function rowLabel(el) {
    var row = el.closest(".form-row, .fieldBox, .flex-container");
    return row && row.querySelector("label");
  }
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
    // select2's combobox (autocomplete fields): labelled by the label of the select it
    // replaces (select2's own aria-labelledby points at the chosen value, empty at first).
    document.querySelectorAll(".select2-selection[role='combobox']").forEach(function (box) {
      var container = box.closest(".select2");
      var select = container && container.previousElementSibling;
      var label = select && select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
      if (!label) label = headerOf(box) || rowLabel(box);
      if (!label) return;
      if (!label.id) label.id = "a11y-label-" + (++counter);
      var rendered = box.querySelector(".select2-selection__rendered");
      box.setAttribute("aria-labelledby", label.id + (rendered && rendered.id ? " " + rendered.id : ""));
      box.removeAttribute("aria-label");
      if (rendered) { rendered.setAttribute("aria-labelledby", label.id); rendered.removeAttribute("aria-label"); }
    });
    // A tabular inline's fields are named by their column's header (Django gives them none).
    document.querySelectorAll(".tabular td input:not([type='hidden']), .tabular td select, .tabular td textarea").forEach(function (field) {
      if (field.getAttribute("aria-label") || field.getAttribute("aria-labelledby")) return;
      if (field.id && document.querySelector('label[for="' + field.id + '"]')) return;
      var header = headerOf(field);
      if (header) field.setAttribute("aria-label", clean(header.textContent));
    });
    // SelectFilter2's search icons: an aria-label is allowed on an image, not on a bare span.
    document.querySelectorAll("span[aria-label]:not([role])").forEach(function (span) {
      span.setAttribute("role", "img");
    });
    // A split date and time: Django puts it in a fieldset whose legend names the field and
    // writes "Date:" and "Time:" as bare text before each part.
    document.querySelectorAll("p.datetime input").forEach(function (input) {
      if (input.getAttribute("aria-label") || document.querySelector('label[for="' + input.id + '"]')) return;
      var fieldset = input.closest("fieldset");
      var legend = fieldset && fieldset.querySelector("legend");
      var base = legend ? clean(legend.textContent) : (headerOf(input) ? clean(headerOf(input).textContent) : "");
      var part = input.previousSibling && input.previousSibling.nodeType === 3 ? clean(input.previousSibling.textContent) : "";
      var text = [base, part].filter(Boolean).join(" ");
      if (text) input.setAttribute("aria-label", text);
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
  // Widgets drawn later by their scripts (select2 when jQuery is ready, a row added to an
  // inline with "Add another") are named as soon as they are in the page.
  if (window.MutationObserver) {
    new MutationObserver(name).observe(document.documentElement, { childList: true, subtree: true });
  }
})();
