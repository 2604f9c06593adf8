/* familjeapp: the offline outbox, used by the pages (offline.js) and by the service worker.

   A form that could not be sent (no connection) is kept in IndexedDB, under the id the server
   gave the form (client_id), with all its fields. sendAll() posts each one again and drops it
   only when the server has confirmed it (it answers with a redirect to the saved answer). The
   server stores each client_id once, so sending the same one twice is safe. */
(function (scope) {
  "use strict";
  var NAME = "familjeapp", STORE = "outbox";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "client_id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  /* Run fn(store) in one transaction; resolves with what fn's request gave. */
  function withStore(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function put(entry) { return withStore("readwrite", function (s) { return s.put(entry); }); }
  function remove(id) { return withStore("readwrite", function (s) { return s.delete(id); }); }
  function all() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function clear() { return withStore("readwrite", function (s) { return s.clear(); }); }

  /* Keep a form's fields to send later, with the page it was made on (for a fresh token). */
  function add(url, fields, page) {
    var clientId = fields.filter(function (f) { return f[0] === "client_id"; })[0][1];
    return put({
      client_id: clientId, url: url, page: page || url, fields: fields,
      queued_at: new Date().toISOString()
    });
  }

  function field(entry, name) {
    var found = entry.fields.filter(function (f) { return f[0] === name; })[0];
    return found ? found[1] : "";
  }

  /* A fresh CSRF token from the page the form was on (the one kept may be from an ended session,
     or from a page the phone kept for offline reading). */
  function freshToken(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); })
      .then(function (html) {
        var found = /name="csrf_token"[^>]*value="([^"]+)"/.exec(html);
        return found ? found[1] : null;
      });
  }

  function post(entry) {
    return fetch(entry.url, {
      method: "POST", credentials: "same-origin", body: new URLSearchParams(entry.fields),
      headers: { "X-CSRFToken": field(entry, "csrf_token") }
    });
  }

  /* Send one; resolves with what came of it: "sent", "signed-out", "locked", "refused" or
     "kept". A network error rejects (the entry stays). */
  function send(entry, retried) {
    return post(entry).then(function (response) {
      var landed = new URL(response.url || entry.url, entry.url).pathname;
      if (response.redirected && landed === "/") {
        return clear().then(function () { return "signed-out"; });
      }
      if (response.redirected && landed.indexOf("/kod") === 0) { return "locked"; }
      if (response.ok && response.redirected) {
        return remove(entry.client_id).then(function () {
          entry.saved_url = response.url;
          return "sent";
        });
      }
      if (response.status === 400 && !retried) {
        return freshToken(new URL(entry.page || entry.url, entry.url).href).then(function (token) {
          if (!token) { return "kept"; }
          entry.fields = entry.fields.map(function (f) {
            return f[0] === "csrf_token" ? ["csrf_token", token] : f;
          });
          return put(entry).then(function () { return send(entry, true); });
        });
      }
      if (response.status === 409 || response.status === 400) {
        /* Already saved with other answers (409), or refused again: keep it, and say so. */
        entry.refused = true;
        return put(entry).then(function () { return "refused"; });
      }
      return "kept";
    });
  }

  var sending = null;

  /* Send everything waiting, one at a time; resolves with [entry, outcome] pairs. */
  function sendAll() {
    if (sending) { return sending; }
    var results = [];
    sending = all().then(function (entries) {
      return entries.filter(function (e) { return !e.refused; }).reduce(function (chain, entry) {
        return chain.then(function () {
          return send(entry).then(function (outcome) { results.push([entry, outcome]); });
        });
      }, Promise.resolve());
    }).catch(function () { /* no connection yet: everything stays */ })
      .then(function () { sending = null; return results; });
    return sending;
  }

  scope.familjeappOutbox = { add: add, all: all, clear: clear, sendAll: sendAll };
})(self);
