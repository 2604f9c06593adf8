/* familjeapp's service worker: what it keeps on the phone, and why.

   - STATIC (one per version of the app): our own CSS, JavaScript and pictures (and the pages'
     picture sheets, /bilder/), and the page "Du är inte ansluten". Served from the cache first: they hold nothing personal, and a new
     version of the app comes with a new sw.js (its version is a hash of the static files), so
     a new cache, and the old one is deleted when the new worker takes over.
   - PERSONAL: the plan page, the history page and Hur går det? (with the network's commitments
     on the plan, so that an answer can be made offline and wait in the outbox), and their
     photos, ONLY when the person has chosen "keep our plan readable offline" on this
     phone (offline.js creates the cache; leaving or turning it off deletes it). Refreshed on
     each visit with a connection, shown only when there is none, marked with when it was kept.
     A kept page with an ETag (the plan) is asked for with If-None-Match: on 304 Not Modified
     the kept copy is the current page, shown (with new form ids) and kept again, no body sent.
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
const KEPT_PAGES = /^\/familj\/\d+\/(plan|historik|hur-gar-det)$/;
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
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/bilder/")) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === "navigate" || KEPT_PHOTOS.test(url.pathname)) {
    event.respondWith(fromNetworkFirst(event, url));
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

async function fromNetworkFirst(event, url) {
  const request = event.request;
  const chosen = await caches.has(PERSONAL);
  const key = url.origin + url.pathname;  // the history's "?sparad=" does not make a new page
  const kept = chosen ? await (await caches.open(PERSONAL)).match(key) : undefined;
  const tag = kept && request.mode === "navigate" && kept.headers.get("ETag");
  let response;
  try {
    response = await fetch(tag ? ifNoneMatch(request, tag) : request);
  } catch (offline) {
    if (kept) return markedAsKept(kept);
    if (request.mode === "navigate") return (await caches.match(SETTINGS.offline)) || Response.error();
    return Response.error();
  }
  if (tag && response.status === 304) {
    // No body comes with a 304: read it to its end all the same, so the request ends finished.
    const again = kept.clone();
    event.waitUntil(response.arrayBuffer().then(() => keptAgain(key, again)).catch(() => null));
    return withNewFormIds(kept);
  }
  const landed = new URL(response.url || request.url);
  if (url.pathname.startsWith("/familj/") && response.redirected && landed.pathname === "/") {
    await forgetThisPhone();
  } else if (chosen) {
    event.waitUntil(keep(key, response.clone()).catch(() => null));
  }
  return response;
}

/* Keep a page (or photo) the person chose to read offline, marked with when it was kept, and
   the pictures it shows (its picture sheet, and photos), which the phone may not have yet. */
async function keep(key, response) {
  const path = new URL(key).pathname;
  if (!response.ok || response.redirected || !(KEPT_PAGES.test(path) || KEPT_PHOTOS.test(path))) return;
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT, new Date().toISOString());
  // The body is kept as the page got it, already uncompressed.
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  const body = await response.blob();
  await (await caches.open(PERSONAL)).put(key, new Response(body, { status: 200, headers }));
  if (!(headers.get("Content-Type") || "").startsWith("text/html")) return;
  const pictures = new Set();
  for (const found of (await body.text()).matchAll(/src="(\/(?:static|bilder|familj)\/[^"#]+)/g)) {
    pictures.add(new URL(found[1], key).href);
  }
  const staticCache = await caches.open(STATIC);
  await Promise.all([...pictures].map(async (picture) => {
    if (await caches.match(picture)) return;
    const got = await fetch(picture, { credentials: "same-origin" }).catch(() => null);
    if (!got || !got.ok) return;
    const photo = KEPT_PHOTOS.test(new URL(picture).pathname);
    await (photo ? keep(picture, got) : staticCache.put(picture, got));
  }));
}

/* The page asked for again with the tag of the copy kept of it: the server answers 304 and no
   body when the copy is still the page it would send (family/plan_etag.py). A copy of the
   request as it is, its header added after: new Request(request, { headers }) would make it a
   request of our own page (Sec-Fetch-Site: same-origin) even when another site sent the person
   here, and the server compresses only pages our own site asked for (compression.py). */
function ifNoneMatch(request, tag) {
  try {
    const asking = new Request(request);
    asking.headers.set("If-None-Match", tag);
    return asking;
  } catch (notAllowed) {
    return request;  // a browser that does not allow it gets the whole page, as before
  }
}

/* The server said the kept copy is still the current page: it is kept again, now. */
async function keptAgain(key, kept) {
  const headers = new Headers(kept.headers);
  headers.set(SAVED_AT, new Date().toISOString());
  const body = await kept.blob();
  await (await caches.open(PERSONAL)).put(key, new Response(body, { status: 200, headers }));
}

/* The kept copy shown as the current page: its forms carry the ids of the page it was kept
   from, so offline.js gives them new ones (as on a page shown offline): no answer is sent
   twice under the same id. */
async function withNewFormIds(kept) {
  const html = (await kept.text()).replace("<body ", "<body data-new-form-ids ");
  return new Response(html, { headers: kept.headers });
}

/* offline.js asks for the pages when the person ticks "keep our plan readable offline" (keep),
   and hands over the app's files a page loaded before this worker took over (cache). */
self.addEventListener("message", (event) => {
  const pages = (event.data && event.data.keep) || [];
  const files = ((event.data && event.data.cache) || [])
    .filter((url) => /^\/(static|bilder)\//.test(new URL(url).pathname));
  event.waitUntil(Promise.all([
    caches.has(PERSONAL).then((chosen) => chosen && Promise.all(pages.map(
      (page) => fetch(page, { credentials: "same-origin" }).then((r) => keep(page, r), () => null)
    ))),
    caches.open(STATIC).then((cache) => Promise.all(files.map(async (url) => {
      if (!(await cache.match(url))) await cache.add(url).catch(() => null);
    }))),
  ]));
});

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
