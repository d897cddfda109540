/* Long texts that must not be lost (the half-year report's account).

   <textarea maxlength>: a counter under it shows how much of the limit is used, announced to
   screen readers once the limit is near.

   <form data-draft-url data-draft-key>: what is typed is kept in this browser at once and
   saved to the server as a draft a moment after typing stops, so that leaving the page, a lost
   network or an expired session loses nothing: the next visit restores what the server did not
   get. Leaving with unsaved text asks first. The messages come translated in data attributes. */
(function () {
  "use strict";

  var body = document.body;

  function counterFor(area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    if (!max) return;
    var counter = document.createElement("div");
    counter.className = "form-text text-end draft-counter";
    counter.id = (area.id || area.name) + "-counter";
    counter.setAttribute("aria-live", "off");
    area.insertAdjacentElement("afterend", counter);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      var n = area.value.length;
      counter.textContent = (body.dataset.countText || "{n} / {max}").replace("{n}", n).replace("{max}", max);
      var near = n >= max * 0.9;
      counter.classList.toggle("text-danger", near);
      counter.setAttribute("aria-live", near ? "polite" : "off");
    }
    area.addEventListener("input", update);
    update();
  }
  document.querySelectorAll("textarea[maxlength]").forEach(counterFor);

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // A page showing a report that can no longer be edited forgets what this browser kept of it.
  document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
    var store = storage();
    if (store) store.removeItem("draft:" + el.dataset.draftClear);
  });

  document.querySelectorAll("form[data-draft-url]").forEach(function (form) {
    var store = storage();
    var key = "draft:" + form.dataset.draftKey;
    var status = form.querySelector("[data-draft-status]");
    var fields = Array.prototype.slice.call(form.querySelectorAll("textarea[name]"));
    var dirty = false;
    var timer = null;
    var sending = false;

    function say(text) { if (status) status.textContent = text; }
    function values() {
      var out = {};
      fields.forEach(function (f) { out[f.name] = f.value; });
      return JSON.stringify(out);
    }
    function keep() { if (store) store.setItem(key, values()); }

    function save() {
      timer = null;
      if (sending) { schedule(); return; }
      sending = true;
      var sent = values();
      fetch(form.dataset.draftUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
        redirect: "manual"
      }).then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 403) throw new Error("expired");
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.error || "failed");
          return data;
        });
      }).then(function (data) {
        if (values() === sent) {
          dirty = false;
          if (store) store.removeItem(key);
        }
        say(form.dataset.draftSaved.replace("{time}", data.saved_at));
      }).catch(function (error) {
        var message = error.message;
        if (message === "expired") say(form.dataset.draftExpired);
        else if (message === "failed" || message.indexOf("Failed") === 0 || message.indexOf("NetworkError") === 0) say(form.dataset.draftFailed);
        else say(message);
      }).then(function () { sending = false; });
    }
    function schedule() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(save, 1500);
    }

    // What this browser kept and the server did not get comes back.
    var kept = store ? store.getItem(key) : null;
    if (kept && kept !== values()) {
      try {
        var old = JSON.parse(kept);
        fields.forEach(function (f) { if (typeof old[f.name] === "string") f.value = old[f.name]; });
        fields.forEach(function (f) { f.dispatchEvent(new Event("input", { bubbles: false })); });
        dirty = true;
        say(form.dataset.draftRestored);
        schedule();
      } catch (e) { store.removeItem(key); }
    } else if (kept && store) {
      store.removeItem(key);
    }

    form.addEventListener("input", function () {
      dirty = true;
      keep();
      say(form.dataset.draftTyping || "");
      schedule();
    });
    form.addEventListener("submit", function () {
      dirty = false;
      if (timer) window.clearTimeout(timer);
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = "";
    });
  });
})();
