/* familjeapp's service worker: what it keeps on the phone, and why.

   - STATIC (one per version of the app): our own CSS, JavaScript and pictures, and the page
     "Du är inte ansluten". Served from the cache first: they hold nothing personal, and a new
     version of the app comes with a new sw.js (its version is a hash of the static files), so
     a new cache, and the old one is deleted when the new worker takes over.
   - PERSONAL: the plan page and the history page (with the network's commitments on the plan),
     and their photos, ONLY when the person has chosen "keep our plan readable offline" on this
     phone (offline.js creates the cache; leaving or turning it off deletes it). Refreshed on
     each visit with a connection, shown only when there is none, marked with when it was kept.
   - Nothing else. Pages always come from the network first, so one page never mixes the files
     of two versions. The offline outbox (outbox.js, IndexedDB) holds check-ins that could not
     be sent; the "sync" event sends them where the browser has Background Sync.
   - A family page that sends the browser to the start page means this phone is signed out
     (logged out, or the device was ended by the social worker): the personal cache and the
     outbox are deleted. */
"use strict";

const SETTINGS = /*SETTINGS*/{};
const STATIC = "familjeapp-static-" + SETTINGS.version;
const PERSONAL = "familjeapp-personal";
const KEPT_PAGES = /^\/familj\/\d+\/(plan|historik)$/;
const KEPT_PHOTOS = /^\/familj\/\d+\/foto\/\d+$/;
const SAVED_AT = "X-Familjeapp-Saved-At";

importScripts(SETTINGS.outbox);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC)
      .then((cache) => cache.addAll([SETTINGS.offline, ...SETTINGS.shell]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name !== STATIC && name !== PERSONAL)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === "navigate" || KEPT_PHOTOS.test(url.pathname)) {
    event.respondWith(fromNetworkFirst(request, url));
  }
});

async function fromCacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(STATIC).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function fromNetworkFirst(request, url) {
  const chosen = await caches.has(PERSONAL);
  const key = url.origin + url.pathname;  // the history's "?sparad=" does not make a new page
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    const kept = chosen && await (await caches.open(PERSONAL)).match(key);
    if (kept) return markedAsKept(kept);
    if (request.mode === "navigate") return (await caches.match(SETTINGS.offline)) || Response.error();
    return Response.error();
  }
  const landed = new URL(response.url || request.url);
  if (url.pathname.startsWith("/familj/") && response.redirected && landed.pathname === "/") {
    await forgetThisPhone();
  } else if (chosen && response.ok && !response.redirected
             && (KEPT_PAGES.test(url.pathname) || KEPT_PHOTOS.test(url.pathname))) {
    const headers = new Headers(response.headers);
    headers.set(SAVED_AT, new Date().toISOString());
    const copy = new Response(await response.clone().blob(), { status: 200, headers });
    await (await caches.open(PERSONAL)).put(key, copy);
  }
  return response;
}

/* A kept page tells offline.js when it was kept, on its <body>, so it can say so. */
async function markedAsKept(kept) {
  const savedAt = kept.headers.get(SAVED_AT);
  if (!(kept.headers.get("Content-Type") || "").startsWith("text/html")) return kept;
  const html = (await kept.text()).replace("<body ", '<body data-kept-at="' + savedAt + '" ');
  return new Response(html, { headers: kept.headers });
}

async function forgetThisPhone() {
  await caches.delete(PERSONAL);
  await self.familjeappOutbox.clear();
  await tellPages([]);
}

/* The pages say how many answers still wait, and which were just sent ([[entry, outcome]]). */
async function tellPages(sent) {
  const pages = await self.clients.matchAll({ type: "window" });
  pages.forEach((page) => page.postMessage({ outbox: "changed", sent: sent }));
}

/* Background Sync (Chromium): send what waits in the outbox once there is a connection. */
self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") {
    event.waitUntil(self.familjeappOutbox.sendAll().then(tellPages));
  }
});
