/* familjeapp: the little JavaScript there is. Every page works without it. */
(function () {
  "use strict";

  /* Lämna snabbt: blank the page at once, end the session in the background, and replace this
     page in the history with a neutral site so that Back does not bring the plan back. */
  function leave(exit) {
    document.documentElement.classList.add("leaving");
    var form = exit.querySelector("form");
    try {
      navigator.sendBeacon(form.action + "?via=beacon", new FormData(form));
    } catch (e) { /* the redirect below is what matters */ }
    if (window.caches && caches.keys) {
      caches.keys().then(function (names) { names.forEach(function (n) { caches.delete(n); }); });
    }
    /* The offline outbox and the service worker go too (Clear-Site-Data does the same). */
    if (window.familjeappOutbox) { window.familjeappOutbox.clear().catch(function () {}); }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      navigator.serviceWorker.getRegistrations().then(function (all) {
        all.forEach(function (r) { r.unregister(); });
      });
    }
    window.location.replace(exit.getAttribute("data-exit-url"));
  }

  function setUpQuickExit() {
    var exit = document.querySelector('[data-module="quick-exit"]');
    if (!exit) { return; }
    exit.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      leave(exit);
    });
    /* Shift pressed three times within two seconds. Escape is not used: it stops page loads. */
    var presses = [];
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Shift" || event.repeat) { return; }
      var now = Date.now();
      presses = presses.filter(function (t) { return now - t < 2000; });
      presses.push(now);
      if (presses.length >= 3) { leave(exit); }
    });
  }

  /* An error summary takes focus, so a screen reader reads what must be fixed first. */
  function focusErrorSummary() {
    var summary = document.querySelector('[data-module="error-summary"]');
    if (summary) { summary.focus(); }
  }

  /* A wait after too many wrong tries: count the time left down from the seconds the page was
     made with (data-seconds), then say that the person can try again. */
  function setUpCountdowns() {
    document.querySelectorAll('[data-module="countdown"]').forEach(function (countdown) {
      var ends = Date.now() + parseInt(countdown.getAttribute("data-seconds"), 10) * 1000;
      var time = countdown.querySelector(".countdown__time");
      var timer = setInterval(show, 1000);
      function show() {
        var left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
        time.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
        if (left === 0) {
          clearInterval(timer);
          countdown.querySelector(".countdown__left").hidden = true;
          countdown.querySelector(".countdown__done").hidden = false;
        }
      }
    });
  }

  /* Staff: warn before the inactivity sign-out, with a way to stay signed in (WCAG 2.2.1). */
  function setUpSessionTimeout() {
    var warning = document.querySelector('[data-module="session-timeout"]');
    if (!warning) { return; }
    var idle = parseInt(warning.getAttribute("data-idle-seconds"), 10) * 1000;
    var warn = parseInt(warning.getAttribute("data-warn-seconds"), 10) * 1000;
    var form = warning.querySelector("form");
    var warnTimer, endTimer;
    function start() {
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      warnTimer = setTimeout(function () {
        warning.hidden = false;
        form.querySelector("button").focus();
      }, Math.max(idle - warn, 0));
      endTimer = setTimeout(function () { window.location.reload(); }, idle + 1000);
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST", body: new FormData(form), headers: { "HX-Request": "true" },
        credentials: "same-origin"
      }).then(function (response) {
        if (response.ok) { warning.hidden = true; start(); } else { window.location.reload(); }
      });
    });
    start();
  }

  /* The invite page: copy the link or the text message with one press, and say so. Without
     JavaScript or the clipboard the fields are still there to select and copy by hand. */
  function setUpCopyButtons() {
    var status = document.querySelector("[data-copy-status]");
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      function say(attribute) {
        status.textContent = "";
        status.textContent = button.getAttribute(attribute);
      }
      function byHand() {
        field.focus();
        field.select();
        say(document.execCommand && document.execCommand("copy") ? "data-copied" : "data-copy-failed");
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(function () { say("data-copied"); }, byHand);
        } else {
          byHand();
        }
      });
    });
  }

  /* Hur går det? without a connection: offline.js keeps it in the outbox (or says it was not
     saved where the phone cannot keep it). */

  /* After htmx swaps a part of the page, move focus to what it says (a thank-you or the first
     error), so keyboard and screen reader users hear the result where they are. */
  document.addEventListener("htmx:afterSettle", function () {
    var target = document.querySelector("[data-focus-after-swap]");
    if (target) {
      target.removeAttribute("data-focus-after-swap");
      target.focus();
    }
  });

  /* Read-aloud (components/macros.html): the browser's own speech reads a block (data-target)
     in the page's language (or a part's own lang), a line at a time (Chrome's online voices stop an utterance after
     about 15 seconds), and marks the block while it is read; the page's button (empty
     data-target) reads every block that has a button, in page order. A second press stops.
     The buttons show only where the browser has a voice for the page's language ("sv-SE" for
     "sv"); Chromium lists its voices late, with voiceschanged. */
  function setUpReadAloud() {
    var buttons = document.querySelectorAll('[data-module="read-aloud"]');
    var speech = window.speechSynthesis;
    if (!buttons.length || !speech || typeof window.SpeechSynthesisUtterance !== "function") return;
    var lang = document.documentElement.lang || "sv";
    var reading = null;
    function primary(tag) { return String(tag).toLowerCase().split(/[-_]/)[0]; }
    function show() {
      if (speech.getVoices().some(function (v) { return primary(v.lang) === primary(lang); })) {
        buttons.forEach(function (b) { b.hidden = false; });
      }
    }
    /* What is seen, line by line, a new line where the language changes (a plan item still
       only in Swedish on an Arabic page is lang="sv"): not the buttons, nor what is hidden (a closed
       <details> too), said only to screen readers (visually-hidden) or only drawn
       (aria-hidden, svg). A row of a table is one line. */
    function seen(e) { return e.checkVisibility ? e.checkVisibility() : e.getClientRects().length; }
    function linesOf(block) {
      var lines = [], line = null;
      (function walk(parent) {
        parent.childNodes.forEach(function (node) {
          if (node.nodeType === 3) {
            var of = node.parentNode.closest("[lang]").lang;
            if (/\S/.test(node.data) && (!line || line.lang !== of)) lines.push(line = { text: "", lang: of });
            if (line) line.text += node.data;
          }
          if (node.nodeType !== 1 || !seen(node) ||
              node.matches('button, summary, textarea, select, svg, [hidden], [aria-hidden="true"], .visually-hidden')) return;
          var inline = /^(inline|table-cell)/.test(getComputedStyle(node).display);
          if (!inline) line = null;
          walk(node);
          if (!inline) line = null;
        });
      })(block);
      return lines.filter(function (l) { return (l.text = l.text.replace(/\s+/g, " ").trim()); });
    }
    function blocksOf(button) {
      var id = button.getAttribute("data-target");
      var ids = id ? [id] : Array.prototype.map.call(buttons, function (b) { return b.getAttribute("data-target"); });
      var blocks = [];
      ids.forEach(function (each) {
        var block = each && document.getElementById(each);
        if (block && blocks.indexOf(block) < 0) blocks.push(block);
      });
      return blocks.length || id ? blocks : [document.getElementById("main")];
    }
    function stop() {
      var was = reading;
      reading = null;
      speech.cancel();
      document.querySelectorAll(".is-being-read").forEach(function (e) { e.classList.remove("is-being-read"); });
      if (was) was.setAttribute("aria-pressed", "false");
      return was;
    }
    function next(button, blocks) {
      if (reading !== button) return;  // stopped, or another button took over
      var block = blocks.shift();
      if (!block) { stop(); return; }
      var lines = linesOf(block);
      if (!lines.length) { next(button, blocks); return; }
      block.classList.add("is-being-read");
      lines.forEach(function (line, i) {
        var utterance = new window.SpeechSynthesisUtterance(line.text);
        utterance.lang = line.lang;
        utterance.onerror = function () { if (reading === button) stop(); };
        if (i === lines.length - 1) {
          utterance.onend = function () {
            block.classList.remove("is-being-read");
            next(button, blocks);
          };
        }
        speech.speak(utterance);
      });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        if (stop() === button) return;
        reading = button;
        button.setAttribute("aria-pressed", "true");
        next(button, blocksOf(button));
      });
    });
    show();
    if (speech.addEventListener) speech.addEventListener("voiceschanged", show);
  }

  /* Skriv ut eller spara som PDF: the browser's own print, where the print CSS leaves only what
     the person sees (app.css, @media print). Without JavaScript the button stays hidden. */
  function setUpPrint() {
    document.querySelectorAll('[data-module="print"]').forEach(function (button) {
      if (typeof window.print !== "function") return;
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpPrint();
    setUpQuickExit();
    setUpReadAloud();
    setUpSessionTimeout();
    setUpCopyButtons();
    setUpCountdowns();
    focusErrorSummary();
  });
})();
