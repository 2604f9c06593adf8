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

  /* After htmx swaps a part of the page, move focus to what it says (a thank-you or the first
     error), so keyboard and screen reader users hear the result where they are. */
  document.addEventListener("htmx:afterSettle", function () {
    var target = document.querySelector("[data-focus-after-swap]");
    if (target) {
      target.removeAttribute("data-focus-after-swap");
      target.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpQuickExit();
    setUpSessionTimeout();
    focusErrorSummary();
  });
})();
