// Zikong's own script: CSRF for htmx requests, character counters, dismissable messages.
// Everything works without it; it only makes pages quicker to use.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // Live character count for fields that carry data-maxlength (the server still checks).
  function updateCounter(field) {
    var out = document.getElementById(field.id + "-count");
    if (!out) { return; }
    var max = parseInt(field.getAttribute("data-maxlength"), 10);
    var n = field.value.trim().length;
    out.textContent = n + " / " + max;
    out.classList.toggle("over", n > max);
  }
  function initCounters(root) {
    root.querySelectorAll("[data-maxlength]").forEach(updateCounter);
  }
  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-maxlength")) {
      updateCounter(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { initCounters(document); });
  document.addEventListener("htmx:afterSwap", function (event) { initCounters(event.target); });

  // Messages fade after a while; errors stay until clicked.
  document.addEventListener("click", function (event) {
    var flash = event.target.closest && event.target.closest(".flash");
    if (flash) { flash.remove(); }
  });
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll(".flash.success").forEach(function (el) {
      setTimeout(function () { el.remove(); }, 6000);
    });
  });

  // Live countdowns: <span data-deadline="2026-11-23T10:00:00Z" data-left="… {h} … {m} …">.
  function refreshCountdowns() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-deadline"));
      if (isNaN(due)) { return; }
      var minutes = Math.floor((due - now) / 60000);
      var over = minutes < 0;
      var m = Math.abs(minutes);
      var template = el.getAttribute(over ? "data-over" : "data-left") || "";
      el.textContent = template.replace("{h}", Math.floor(m / 60)).replace("{m}", m % 60);
      el.classList.toggle("late", over);
      el.classList.toggle("soon", !over && minutes < parseInt(el.getAttribute("data-soon") || "30", 10));
    });
  }
  setInterval(refreshCountdowns, 30000);

  // A refused action: the error summary at the top of its form (the action_form macro) gets
  // the focus and the screen, on a full page (the #refusal fragment already scrolls there
  // without JavaScript) and after an htmx swap.
  // Each summary once: a poll swapping something else in later never takes the focus back.
  function showRefusal() {
    var summary = document.querySelector("[data-refusal]:not([data-shown])");
    if (!summary) { return; }
    summary.setAttribute("data-shown", "");
    for (var el = summary.parentElement; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") { el.open = true; }
    }
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "center" });
  }
  document.addEventListener("DOMContentLoaded", showRefusal);
  document.addEventListener("htmx:afterSettle", showRefusal);

  // Print buttons (no inline handlers: the CSP forbids them).
  document.addEventListener("click", function (event) {
    var btn = event.target.closest && event.target.closest("[data-print]");
    if (btn) { event.preventDefault(); window.print(); }
  });
})();

// The menu's groups (<details>): one open at a time, closed by Escape or a click elsewhere.
(function () {
  "use strict";
  function groups() { return document.querySelectorAll(".navgroup"); }
  document.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.classList || !opened.classList.contains("navgroup") || !opened.open) { return; }
    groups().forEach(function (g) { if (g !== opened) { g.open = false; } });
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".navgroup")) { return; }
    groups().forEach(function (g) { g.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector(".navgroup[open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
})();
