/* The site's few behaviours, bound here instead of inline handlers: the Content-Security-Policy
   (config/settings.py) runs no inline script. Markup asks for them with data attributes. */
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option sends its form (the language switcher).
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.submit();
  });

  // <form data-confirm="Question?">: sent only once the question is answered yes.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // <input data-submit-once> (core/once.py): a creating form's one-time token. Each token a
  // form is sent with is kept for this tab; when Back (or Forward) brings the form page again,
  // possibly fetched anew with a new token, the form gets the token it was sent with, so that
  // sending it again finds what the first sending saved instead of saving a copy.
  function tokenKey(input) {
    return "submit-once:" + location.pathname + ":" + (input.form ? input.form.getAttribute("action") || "" : "");
  }
  var navigation = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  if (navigation && navigation.type === "back_forward") {
    document.querySelectorAll("input[data-submit-once]").forEach(function (input) {
      try {
        var sent = window.sessionStorage.getItem(tokenKey(input));
        if (sent) input.value = sent;
      } catch (e) { /* no storage: the server's own checks still apply */ }
    });
  }
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll("input[data-submit-once]").forEach(function (input) {
      try { window.sessionStorage.setItem(tokenKey(input), input.value); } catch (e) { /* as above */ }
    });
  }, true);

  // <button data-print>: the browser's print dialog.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
