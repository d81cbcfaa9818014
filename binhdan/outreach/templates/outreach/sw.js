/* Service worker of the team pages (scope /doi/): network first, the cache when offline. */
"use strict";
const CACHE = "bd-field";
const VERSION = "{{ version }}";
const STATIC = {{ static|safe|default:"[]" }};
const OFFLINE = "{{ offline }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(STATIC)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

function keep(request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // The queue's sync goes through here too, so that it meets the same network as the pages.
    if (url.pathname.startsWith("/api/outreach/")) event.respondWith(fetch(request));
    return;
  }
  const page = request.mode === "navigate" && url.pathname.startsWith(OFFLINE);
  const data = url.pathname.startsWith("/api/outreach/field/bundle");
  const asset = STATIC.includes(url.pathname);
  if (!page && !data && !asset) return;
  event.respondWith(
    fetch(request).then((response) => keep(request, response)).catch(() =>
      caches.match(request).then((hit) => hit ||
        caches.match(url.pathname).then((bare) => bare || (page ? caches.match(OFFLINE) : Response.error())))
    )
  );
});
// {{ version }}
