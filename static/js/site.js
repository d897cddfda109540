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

  // <button data-print>: the browser's print dialog.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
