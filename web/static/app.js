/* News search: progressive enhancement of server-rendered pages. No framework.
   - suggestions while typing (entities first, then words), keyboard navigable
   - timeline brushing: drag over months to set since/until in the URL
   Every element is built with textContent: nothing from the server becomes HTML. */
(function () {
  "use strict";

  var TYPE_LABELS = { person: "Person", system: "System", org: "Org", place: "Place",
                      source: "Source", word: "Word" };

  function addParam(url, key, value) {
    var u = new URL(url, window.location.href);
    u.searchParams.append(key, value);
    return u.pathname + u.search;
  }

  /* ---------- suggestions ---------- */
  function setupSuggestions() {
    var input = document.getElementById("q");
    var list = document.getElementById("suggestions");
    if (!input || !list || !window.fetch) return;
    var form = input.form;
    var items = [];
    var active = -1;
    var timer = null;
    var lastAsked = "";
    var controller = null;

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function formUrl(q) {
      var params = new URLSearchParams(new FormData(form));
      params.set("q", q);
      params.delete("page");
      return form.getAttribute("action") + "?" + params.toString();
    }

    function choose(item) {
      if (!item) return;
      if (item.type === "word") {
        input.value = item.value;
        close();
        remember("results");
        window.location.assign(formUrl(item.value));
        return;
      }
      var text = input.value.replace(/\s+$/, "");
      var cut = (item.replaces || "").toLowerCase();
      if (cut) {
        // The suggestion stands for the last words typed when it was asked for; letters typed
        // since (the list may be a keystroke old) belong to the same words.
        var words = text.split(/\s+/);
        var n = cut.split(/\s+/).length;
        var tail = words.slice(-n).join(" ").toLowerCase();
        if (words.length >= n && tail.slice(0, cut.length) === cut) {
          text = words.slice(0, words.length - n).join(" ");
        }
      }
      input.value = text;
      close();
      remember("results");
      window.location.assign(addParam(formUrl(text), item.type, item.value));
    }

    function render(suggestions) {
      list.textContent = "";
      items = suggestions;
      active = -1;
      if (!suggestions.length) { close(); return; }
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = "suggestion-" + i;
        li.className = "suggestion";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.type = s.type;
        var type = document.createElement("span");
        type.className = "s-type s-" + s.type;
        type.textContent = TYPE_LABELS[s.type] || s.type;
        var value = document.createElement("span");
        value.className = "s-value";
        value.textContent = s.type === "word" ? s.value : s.value;
        var count = document.createElement("span");
        count.className = "s-count";
        count.textContent = s.count != null ? String(s.count) : "";
        li.appendChild(type); li.appendChild(value); li.appendChild(count);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(items[i]); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function ask() {
      var text = input.value;
      if (text.trim().length < 2) { close(); return; }
      if (text === lastAsked && !list.hidden) return;
      lastAsked = text;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(text);
      fetch(url, { signal: controller ? controller.signal : undefined,
                   headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          if (input.value === text && document.activeElement === input) render(data.suggestions || []);
        })
        .catch(function () { /* aborted or offline: no suggestions */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        if (event.key === "ArrowDown" && input.value.trim().length >= 2) { lastAsked = ""; ask(); event.preventDefault(); }
        return;
      }
      if (event.key === "ArrowDown") {
        highlight(Math.min(items.length - 1, active + 1));
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        highlight(Math.max(-1, active - 1));
        event.preventDefault();
      } else if (event.key === "Enter") {
        if (active >= 0) { event.preventDefault(); choose(items[active]); }
        else close();
      } else if (event.key === "Escape") {
        close();
        event.preventDefault();
      } else if (event.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  /* ---------- timeline brushing ---------- */
  function setupTimeline() {
    var svg = document.querySelector(".timeline-chart");
    if (!svg) return;
    var bars = Array.prototype.map.call(svg.querySelectorAll(".timeline-bar"), function (a) {
      return { el: a, month: a.dataset.month, x: parseFloat(a.dataset.x),
               w: parseFloat(a.dataset.width), bar: a.querySelector(".bar") };
    });
    if (bars.length < 2) return;
    var brush = svg.querySelector(".brush");
    var start = null, dragged = false, range = null, suppressClick = false;

    function toX(clientX) {
      var rect = svg.getBoundingClientRect();
      return (clientX - rect.left) * 100 / rect.width;  /* percent, like the bars */
    }
    function indexAt(x) {
      for (var i = 0; i < bars.length; i++) {
        if (x < bars[i].x + bars[i].w) return i;
      }
      return bars.length - 1;
    }
    function paint(a, b) {
      var lo = Math.min(a, b), hi = Math.max(a, b);
      brush.setAttribute("x", bars[lo].x + "%");
      brush.setAttribute("width", (bars[hi].x + bars[hi].w - bars[lo].x) + "%");
      brush.setAttribute("visibility", "visible");
      bars.forEach(function (bar, i) { bar.bar.classList.toggle("in-brush", i >= lo && i <= hi); });
      range = [lo, hi];
    }

    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      start = { x: event.clientX, index: indexAt(toX(event.clientX)), id: event.pointerId };
      dragged = false;
    });
    svg.addEventListener("pointermove", function (event) {
      if (!start) return;
      if (!dragged && Math.abs(event.clientX - start.x) < 4) return;
      if (!dragged) {
        /* Capture only once a drag starts: captured from pointerdown, a plain click would
           land on the svg instead of the bar's link, and do nothing. */
        try { svg.setPointerCapture(start.id); } catch (e) { /* old browsers */ }
      }
      dragged = true;
      svg.classList.add("is-brushing");
      paint(start.index, indexAt(toX(event.clientX)));
      event.preventDefault();
    });
    function finish(event) {
      if (!start) return;
      var wasDragged = dragged;
      start = null;
      dragged = false;
      svg.classList.remove("is-brushing");
      if (!wasDragged || !range) return;
      suppressClick = true;
      setTimeout(function () { suppressClick = false; }, 0);
      var url = new URL(svg.dataset.url, window.location.href);
      url.searchParams.delete("since");
      url.searchParams.delete("until");
      url.searchParams.delete("page");
      url.searchParams.set("since", bars[range[0]].month);
      url.searchParams.set("until", bars[range[1]].month);
      window.location.assign(url.pathname + url.search);
      event.preventDefault();
    }
    svg.addEventListener("pointerup", finish);
    svg.addEventListener("pointercancel", function () {
      start = null; dragged = false; svg.classList.remove("is-brushing");
      brush.setAttribute("visibility", "hidden");
    });
    svg.addEventListener("click", function (event) {
      if (suppressClick) { event.preventDefault(); event.stopPropagation(); }
    }, true);
  }

  /* ---------- small screens: filters start folded ---------- */
  function setupFilters() {
    var details = document.querySelector(".filters-toggle");
    if (details && window.matchMedia && window.matchMedia("(max-width: 820px)").matches) {
      details.open = false;
    }
  }

  /* ---------- facets: real checkboxes; a change loads the new state, focus comes back ---------- */
  var FOCUS_KEY = "news-search-focus";

  function remember(value) {
    try { window.sessionStorage.setItem(FOCUS_KEY, value); } catch (e) { /* private mode */ }
  }

  function setupFacets() {
    var form = document.querySelector("form.facets");
    if (!form) return;
    form.classList.add("is-live");  /* the Apply button is for pages without JavaScript */
    form.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.classList || !box.classList.contains("facet-check")) return;
      remember(JSON.stringify({ facet: box.name, value: box.value }));
      window.location.assign(box.dataset.url);
    });
    form.addEventListener("keydown", function (event) {
      var box = event.target;
      if (event.key === "Enter" && box.classList && box.classList.contains("facet-check")) {
        event.preventDefault();
        box.click();  /* Enter toggles like Space instead of submitting the form */
      }
    });
    form.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.facet-not") : null;
      if (link) remember("results");
    });
  }

  function restoreFocus() {
    var saved = null;
    try {
      saved = window.sessionStorage.getItem(FOCUS_KEY);
      window.sessionStorage.removeItem(FOCUS_KEY);
    } catch (e) { return; }
    if (!saved) return;
    var target = null;
    if (saved === "results") {
      target = document.getElementById("results-heading");
    } else {
      try {
        var want = JSON.parse(saved);
        var boxes = document.querySelectorAll("input.facet-check");
        for (var i = 0; i < boxes.length; i++) {
          if (boxes[i].name === want.facet && boxes[i].value === want.value) {
            target = boxes[i];
            break;
          }
        }
        if (!target) target = document.getElementById("facet-" + want.facet);
      } catch (e) { target = null; }
    }
    if (target) {
      var details = target.closest ? target.closest("details") : null;
      if (details && !details.open) details.open = true;
      target.focus({ preventScroll: false });
    }
  }

  /* ---------- after a search, focus goes to the results; "/" jumps to the search box ---------- */
  function setupSearchFocus() {
    var input = document.getElementById("q");
    if (!input) return;
    if (input.form) input.form.addEventListener("submit", function () { remember("results"); });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var el = document.activeElement;
      var tag = el ? el.tagName : "";
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (el && el.isContentEditable)) return;
      event.preventDefault();
      input.focus();
      input.select();
    });
  }

  /* ---------- top terms beside the results, fetched after the page shows ---------- */
  function setupTerms() {
    var section = document.getElementById("top-terms");
    if (!section || !window.fetch || section.querySelector(".term-list")) return;
    var link = section.querySelector(".terms-show");
    if (!link) return;
    fetch(section.dataset.url, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var holder = section.querySelector(".terms-placeholder");
        var list = document.createElement("ul");
        list.className = "term-list";
        var base = new URL(window.location.href);
        var q = (base.searchParams.get("q") || "").trim();
        data.terms.slice(0, 15).forEach(function (t) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          var u = new URL(base.href);
          u.searchParams.set("q", (q + " " + t.term).trim());
          u.searchParams.delete("page");
          a.href = u.pathname + u.search;
          a.textContent = t.term;
          a.title = t.ratio.toFixed(1) + "\u00d7 as frequent as in all articles";
          li.appendChild(a);
          list.appendChild(li);
        });
        if (!data.terms.length) {
          var p = document.createElement("p");
          p.className = "muted";
          p.textContent = "No distinctive words.";
          holder.replaceWith(p);
        } else {
          holder.replaceWith(list);
        }
      })
      .catch(function () { /* keep the link */ });
  }

  function init() {
    setupSuggestions();
    setupTimeline();
    setupFilters();
    setupFacets();
    setupSearchFocus();
    restoreFocus();
    setupTerms();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
