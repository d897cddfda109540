/* The scanner's Service Worker: the scanner page and the site's static files are kept, so the
   page opens again without a network; scans themselves are queued by scanner.js in IndexedDB. */
var CACHE = "checkins-scanner-v1";
var SCANNER = /\/checkins\/host\/venues\/\d+\/scanner\/$/;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var scanner = SCANNER.test(url.pathname);
  if (!scanner && url.pathname.indexOf("/static/") !== 0) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request, { ignoreSearch: scanner });
    })
  );
});
