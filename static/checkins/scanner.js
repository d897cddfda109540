/* The host's scanner: a USB or Bluetooth scanner types the member's code (or the URL of its
   QR) into the big field and presses Enter; a person may type it too. Each scan carries a
   nonce, so a retry counts once. Without a network the scan is queued in IndexedDB and sent
   when the network returns (as having happened at its time); a masked roster kept in the
   browser says whose code it was. No inline script: the page's data-* attributes configure it. */
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form) return;
  var input = form.querySelector("[name=code]");
  var token = form.querySelector("[name=token]").value;
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var resultBox = document.getElementById("scan-result");
  var queueBox = document.getElementById("queue-state");
  var net = document.getElementById("net-state");
  var offset = Number(form.dataset.serverTime || Date.now()) - Date.now();
  var venueKey = form.action;
  var roster = {};
  var flushing = false;
  var BATCH = 100;

  function nonce() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  // IndexedDB -----------------------------------------------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var open = indexedDB.open("checkins-scanner", 1);
        open.onupgradeneeded = function () {
          open.result.createObjectStore("queue", { keyPath: "nonce" });
          open.result.createObjectStore("roster", { keyPath: "venue" });
        };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return dbPromise;
  }
  function store(name, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(name, mode);
        var result = work(tx.objectStore(name));
        tx.oncomplete = function () { resolve(result instanceof IDBRequest ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function queueAdd(item) { return store("queue", "readwrite", function (s) { s.put(item); }); }
  function queueAll() {
    return store("queue", "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).filter(function (r) { return r.venue === venueKey; });
    });
  }
  function queueDelete(nonces) {
    return store("queue", "readwrite", function (s) { nonces.forEach(function (n) { s.delete(n); }); });
  }

  // Feedback --------------------------------------------------------------------------------
  var audio = null;
  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = ok ? 880 : 220;
      gain.gain.value = 0.2;
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (ok ? 0.15 : 0.4));
    } catch (e) { /* no sound: the text says it */ }
  }
  function show(text, css) {
    resultBox.textContent = text;
    resultBox.className = "scan-result mt-3 " + css;
  }
  function setNet() {
    var online = navigator.onLine;
    net.textContent = online ? net.dataset.online : net.dataset.offline;
    net.className = "badge " + (online ? "text-bg-secondary" : "text-bg-warning");
  }
  function updateQueueState() {
    queueAll().then(function (rows) {
      queueBox.textContent = rows.length ? rows.length + " " + form.dataset.pendingText : "";
      queueBox.dataset.pending = String(rows.length);
    });
  }
  function scanned() {
    if (window.htmx) window.htmx.trigger(document.body, "scanned");
  }

  // The code in what was typed, as the server reads it.
  function secretFrom(text) {
    text = (text || "").trim();
    if (text.indexOf("/") >= 0) {
      var parts = text.split("?")[0].split("/").filter(Boolean);
      text = parts.length ? parts[parts.length - 1] : "";
    }
    return text.replace(/\s+/g, "").toUpperCase();
  }
  function hashOf(secret) {
    if (!(window.crypto && crypto.subtle)) return Promise.resolve("");
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)).then(function (buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("").slice(0, 16);
    });
  }

  // Scanning --------------------------------------------------------------------------------
  function queue(item) {
    return queueAdd(item).then(function () {
      return hashOf(secretFrom(item.code));
    }).then(function (h) {
      var who = roster[h];
      if (h && !who) {
        show(form.dataset.unknownText + " · " + form.dataset.queuedText, "warn");
        beep(false);
      } else {
        show((who ? who.n + " " + (who.u || "") + " · " : "") + form.dataset.queuedText, "queued");
        beep(true);
      }
      updateQueueState();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = input.value.trim();
    if (!code) return;
    var kind = form.querySelector("[name=kind]:checked").value;
    var item = { nonce: nonce(), code: code, kind: kind, time: Date.now() + offset, venue: venueKey };
    input.value = "";
    input.focus();
    if (!navigator.onLine) { queue(item); return; }
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ code: code, kind: kind, nonce: item.nonce, token: token })
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (data) {
      show((data.name ? data.name + " " : "") + data.message, data.ok ? "ok" : "warn");
      beep(data.ok);
      scanned();
    }).catch(function () { queue(item); });
  });

  function flush() {
    if (flushing || !navigator.onLine) return;
    flushing = true;
    queueAll().then(function (rows) {
      if (!rows.length) { flushing = false; return; }
      rows.sort(function (a, b) { return a.time - b.time; });
      var batch = rows.slice(0, BATCH);
      return fetch(form.dataset.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ token: token, scans: batch })
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      }).then(function (data) {
        var done = (data.results || []).map(function (r) { return r.nonce; });
        return queueDelete(done).then(function () {
          flushing = false;
          show(form.dataset.syncedText + " (" + done.length + ")", "ok");
          updateQueueState();
          scanned();
          if (rows.length > batch.length) flush();
        });
      });
    }).catch(function () { flushing = false; });
  }

  // The masked roster, kept for the day -------------------------------------------------------
  function today() { return new Date(Date.now() + offset).toDateString(); }
  function loadRoster() {
    store("roster", "readonly", function (s) { return s.get(venueKey); }).then(function (row) {
      if (row && row.day === today()) roster = row.members;
      else if (row) store("roster", "readwrite", function (s) { s.delete(venueKey); });
    }).catch(function () {});
    if (!navigator.onLine) return;
    fetch(form.dataset.rosterUrl, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (data) {
      if (!data) return;
      var map = {};
      data.members.forEach(function (m) { map[m.h] = m; });
      roster = map;
      store("roster", "readwrite", function (s) { s.put({ venue: venueKey, day: today(), members: map }); });
    }).catch(function () {});
  }

  window.addEventListener("online", function () { setNet(); flush(); });
  window.addEventListener("offline", setNet);
  setInterval(flush, 15000);
  setNet();
  loadRoster();
  updateQueueState();
  flush();
  if ("serviceWorker" in navigator && window.isSecureContext && form.dataset.swUrl) {
    navigator.serviceWorker.register(form.dataset.swUrl).catch(function () {});
  }
})();
