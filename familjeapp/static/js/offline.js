/* familjeapp offline: the service worker, the outbox on the page, and offline reading by
   choice. Every word shown comes translated in the page (data-* attributes); see sw.js for what
   the phone keeps and why. */
(function () {
  "use strict";
  var PERSONAL = "familjeapp-personal";
  var outbox = window.familjeappOutbox;
  var hasCaches = "caches" in window;

  function byModule(name) { return document.querySelector('[data-module="' + name + '"]'); }

  /* Signed out on this phone (logged out, or sent to the start page): nothing may stay. */
  function forgetEverything() {
    var done = [];
    if (hasCaches) {
      done.push(caches.keys().then(function (names) {
        return Promise.all(names.map(function (n) { return caches.delete(n); }));
      }));
    }
    if (outbox) { done.push(outbox.clear().catch(function () {})); }
    if ("serviceWorker" in navigator) {
      done.push(navigator.serviceWorker.getRegistrations().then(function (all) {
        return Promise.all(all.map(function (r) { return r.unregister(); }));
      }));
    }
    return Promise.all(done);
  }

  /* How many answers wait to be sent, said at the top of every family page. */
  function showOutbox(sentNow) {
    var status = byModule("outbox");
    if (!status || !outbox) { return Promise.resolve(); }
    return outbox.all().then(function (entries) {
      var waiting = entries.filter(function (e) { return !e.refused; }).length;
      var refused = entries.length - waiting;
      var text = [];
      if (sentNow) { text.push(status.getAttribute("data-sent")); }
      if (waiting) {
        var form = new Intl.PluralRules(document.documentElement.lang || "sv").select(waiting);
        var said = status.getAttribute("data-count-" + form) || status.getAttribute("data-count-other");
        text.push(said.replace("{n}", waiting));
      }
      if (refused) { text.push(status.getAttribute("data-refused")); }
      /* A status region only while there is something to say: a page has one status at a time. */
      if (text.length) { status.setAttribute("role", "status"); } else { status.removeAttribute("role"); }
      status.textContent = text.join(" ");
    }).catch(function () {});
  }

  function say(message, text) {
    message.textContent = "";
    /* Empty for a moment first, so that a second message is announced again. */
    setTimeout(function () {
      message.textContent = text;
      message.scrollIntoView({ block: "nearest" });
    }, 100);
  }

  function formOf(element) {
    return element && element.querySelector && element.querySelector('[data-module="not-saved"]')
      ? element : null;
  }

  /* An answer without a connection (Hur går det?, a view on a worry, Jag lovar): keep it in the
     outbox and say plainly that it waits to be sent. Where the phone cannot keep it, say that
     nothing was saved; what was chosen stays on the page, so pressing again later saves it,
     once (the form keeps its id). */
  function keep(form) {
    var message = form.querySelector('[data-module="not-saved"]');
    if (!outbox) { say(message, message.getAttribute("data-text")); return; }
    var fields = [];
    new FormData(form).forEach(function (value, name) { fields.push([name, String(value)]); });
    outbox.add(form.action, fields, window.location.pathname).then(function () {
      say(message, message.getAttribute("data-queued"));
      showOutbox(false);
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready.then(function (r) { return r.sync && r.sync.register("outbox"); })
          .catch(function () { /* no Background Sync (Safari): the online event sends it */ });
      }
    }, function () { say(message, message.getAttribute("data-text")); });
  }

  function setUpOutbox() {
    /* Capturing on the document runs before htmx's own submit handler on the form. */
    document.addEventListener("submit", function (event) {
      var form = formOf(event.target);
      if (!form) { return; }
      form.querySelector('[data-module="not-saved"]').textContent = "";
      if (navigator.onLine === false) {
        event.preventDefault();
        event.stopImmediatePropagation();
        keep(form);
      }
    }, true);
    /* Seemingly online, but the request got no answer (htmx sends the boosted form). */
    function failed(event) {
      var status = event.detail && event.detail.xhr ? event.detail.xhr.status : 0;
      var form = formOf(event.target);
      if (form && (event.type !== "htmx:responseError" || status === 0)) { keep(form); }
    }
    ["htmx:sendError", "htmx:timeout", "htmx:responseError"].forEach(function (name) {
      document.addEventListener(name, failed);
    });
    window.addEventListener("online", sendWaiting);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        afterSending((event.data && event.data.sent) || []);
      });
    }
  }

  /* Send what waits; when the answer on this very page was saved, show where it is. */
  function sendWaiting() {
    if (!outbox) { return; }
    outbox.sendAll().then(afterSending);
  }

  var goingToSaved = false;

  /* results: [entry, outcome] pairs, from this page or from the service worker. A check-in made
     on this page opens where it is saved; any other answer sent is said at the top. */
  function afterSending(results) {
    if (document.documentElement.classList.contains("leaving")) { return; }  /* Lämna snabbt */
    var here = document.querySelector("form[data-go-to-saved] input[name=client_id]");
    var sent = results.filter(function (r) { return r[1] === "sent"; });
    var mine = sent.filter(function (r) { return here && r[0].client_id === here.value; })[0];
    if (mine || goingToSaved) {
      /* Once: the page and the service worker may both have sent it. */
      if (!goingToSaved) { goingToSaved = true; window.location.assign(mine[0].saved_url); }
      return;
    }
    showOutbox(sent.length > 0);
  }

  /* The first page loads its files before the service worker takes over: hand it their
     addresses so the next page finds them in its cache (they come from the browser's cache). */
  function keepWhatThisPageUsed() {
    var used = performance.getEntriesByType("resource").map(function (e) { return e.name; })
      .filter(function (url) { return /^\/(static|bilder)\//.test(new URL(url).pathname); });
    navigator.serviceWorker.ready.then(function (registration) {
      registration.active.postMessage({ cache: used });
    }).catch(function () {});
  }

  /* A page shown from the phone's own copy (offline, or online when the server said it is
     unchanged: data-new-form-ids) carries the form ids it was kept with; each answer made on it
     gets an id of its own, made here, so it is not taken for an earlier one. */
  function newFormIds() {
    document.querySelectorAll("input[name=client_id]").forEach(function (input) {
      var bytes = new Uint8Array(18);
      crypto.getRandomValues(bytes);
      input.value = btoa(String.fromCharCode.apply(null, bytes))
        .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    });
  }

  /* Offline reading, by choice: the personal cache exists only while the box is ticked. The
     service worker fetches and keeps the pages (sw.js, keep). */
  function keepPages(urls) {
    return caches.open(PERSONAL).then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) { registration.active.postMessage({ keep: urls }); });
  }

  function setUpChoice(choice) {
    if (!hasCaches || !("serviceWorker" in navigator)) { return; }
    var box = choice.querySelector("input");
    var urls = (choice.getAttribute("data-pages") || "").split(" ").filter(Boolean)
      .map(function (path) { return new URL(path, window.location.href).href; });
    choice.hidden = false;
    caches.has(PERSONAL).then(function (chosen) { box.checked = chosen; });
    box.addEventListener("change", function () {
      if (box.checked) { keepPages(urls); } else { caches.delete(PERSONAL); }
    });
  }

  /* A page the service worker showed from the phone's own copy: say when it was kept. */
  function showKeptNote() {
    var keptAt = document.body.getAttribute("data-kept-at");
    var note = byModule("kept-note");
    if (!keptAt || !note) { return; }
    var when = new Date(keptAt).toLocaleString(document.documentElement.lang || "sv", {
      dateStyle: "long", timeStyle: "short"
    });
    note.textContent = note.getAttribute("data-text").replace("{time}", when);
    note.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (byModule("offline-forget")) { forgetEverything(); return; }
    var choice = byModule("offline-choice");
    if (choice && "serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
      keepWhatThisPageUsed();
      setUpChoice(choice);
    }
    if (document.body.hasAttribute("data-kept-at") || document.body.hasAttribute("data-new-form-ids")) {
      newFormIds();
    }
    showKeptNote();
    setUpOutbox();
    if (navigator.onLine !== false && !document.body.hasAttribute("data-kept-at")) {
      sendWaiting();
    } else {
      showOutbox(false);
    }
  });
})();
