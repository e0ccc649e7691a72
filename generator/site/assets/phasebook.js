/* Phasebook in the browser. Every page reads fully without this script; it adds what a
 * static site cannot know at build time: the visitor's clock, their ticks, their filters. */
(function () {
  "use strict";

  var STORE = "phasebook.progress.v1";

  /* -- storage: ticks per phase and list, in this browser only ------------------------- */

  function load() {
    try {
      var data = JSON.parse(localStorage.getItem(storeKey()) || "{}");
      return data && typeof data === "object" ? data : {};
    } catch (e) {
      return {};
    }
  }

  function save(data) {
    try {
      localStorage.setItem(storeKey(), JSON.stringify(data));
    } catch (e) {
      /* private mode or full storage: ticks simply do not persist */
    }
  }

  // Material scopes its own storage to the site root; do the same so two portals on one
  // host keep separate progress.
  function storeKey() {
    var scope = window.__md_scope ? window.__md_scope.pathname : "/";
    return scope + ":" + STORE;
  }

  function ticked(data, phase, list) {
    return ((data[phase] || {})[list] || []).slice();
  }

  function keysOf(value) {
    return (value || "").split(" ").filter(Boolean);
  }

  function count(done, keys) {
    return keys.filter(function (k) { return done.indexOf(k) >= 0; }).length;
  }

  function format(template, args) {
    return template.replace(/\{(\d)\}/g, function (_, i) { return args[+i]; });
  }

  /* -- sessions: the visitor's clock decides what is past ------------------------------ */

  // Every list of sessions (`data-pb-limit`: show the first N) was rendered with the
  // sessions not over at build time, the page's language first. Past ones by the
  // visitor's clock are hidden and the next ones take their places; a list left empty
  // gives way to its group's empty state (`data-pb-none`).
  function hidePastSessions(root) {
    var now = Date.now();
    root.querySelectorAll("[data-pb-session] time[data-pb-end]").forEach(function (time) {
      var row = time.closest("[data-pb-session]");
      if (Date.parse(time.getAttribute("data-pb-end")) <= now) {
        row.classList.add("pb-past-row");
        row.hidden = true;
      }
    });
    root.querySelectorAll("[data-pb-limit]").forEach(function (list) {
      var shown = 0;
      var limit = +list.getAttribute("data-pb-limit");
      list.querySelectorAll("[data-pb-session]").forEach(function (item) {
        if (item.classList.contains("pb-past-row")) return;
        item.hidden = shown >= limit;
        shown += 1;
      });
      list.hidden = shown === 0;
      var group = list.closest("[data-pb-group]");
      var none = group && group.querySelector("[data-pb-none]");
      if (none) none.hidden = shown > 0;
    });
  }

  /* -- phase page: tasks checklist and the exit self-check ----------------------------- */

  function checklists(root) {
    root.querySelectorAll(".pb-checklist[data-pb-phase]").forEach(function (list) {
      var phase = list.getAttribute("data-pb-phase");
      var name = list.getAttribute("data-pb-list");
      var boxes = Array.prototype.slice.call(list.querySelectorAll("input[data-pb-key]"));
      var done = ticked(load(), phase, name);
      boxes.forEach(function (box) {
        box.checked = done.indexOf(box.getAttribute("data-pb-key")) >= 0;
        box.addEventListener("change", function () {
          var data = load();
          data[phase] = data[phase] || {};
          data[phase][name] = boxes
            .filter(function (b) { return b.checked; })
            .map(function (b) { return b.getAttribute("data-pb-key"); });
          save(data);
          showProgress(root, phase);
        });
      });
      showProgress(root, phase);
    });
  }

  function showProgress(root, phase) {
    root.querySelectorAll('.pb-progress[data-pb-phase="' + phase + '"]').forEach(function (p) {
      var boxes = root.querySelectorAll(
        '.pb-checklist[data-pb-phase="' + phase + '"][data-pb-list="' +
        p.getAttribute("data-pb-list") + '"] input'
      );
      var done = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
      p.querySelector("progress").value = done;
      p.querySelector(".pb-progress__text").textContent =
        format(p.getAttribute("data-pb-format"), [done, boxes.length]);
      p.hidden = false;
    });
    root.querySelectorAll('[data-pb-ready="' + phase + '"]').forEach(function (ready) {
      var boxes = root.querySelectorAll(
        '.pb-checklist[data-pb-phase="' + phase + '"][data-pb-list="exit"] input'
      );
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      ready.hidden = !(boxes.length && all);
    });
  }

  /* -- start page: progress on the loop, "where am I?" --------------------------------- */

  function startPage(root) {
    var steps = Array.prototype.slice.call(root.querySelectorAll(".pb-route__step"));
    if (!steps.length) return;
    var data = load();
    var here = null;
    root.querySelectorAll(".pb-loop__phase").forEach(function (link) {
      var phase = link.getAttribute("data-pb-phase");
      var tasks = keysOf(link.getAttribute("data-pb-tasks"));
      var exit = keysOf(link.getAttribute("data-pb-exit"));
      var taskDone = count(ticked(data, phase, "tasks"), tasks);
      var exitDone = count(ticked(data, phase, "exit"), exit);
      var label = link.querySelector(".pb-loop__progress");
      if (taskDone || exitDone) {
        label.textContent = exit.length && exitDone === exit.length ? "✓" :
          taskDone + "/" + tasks.length;
      }
      var complete = exit.length ? exitDone === exit.length : tasks.length && taskDone === tasks.length;
      if (!here && !complete) here = link;
      link.classList.remove("pb-here");
    });
    var note = root.querySelector(".pb-here-note");
    if (here && Object.keys(data).length) {
      here.classList.add("pb-here");
      var title = here.querySelector(".pb-loop__name").textContent;
      note.textContent = format(note.getAttribute("data-pb-format"), [title]);
      note.hidden = false;
    }
    route(root, steps);
  }

  // One question at a time: the first phase whose criteria do not hold yet is yours.
  function route(root, steps) {
    var done = root.querySelector(".pb-route__done");
    function show(index) {
      steps.forEach(function (step, i) { step.hidden = i !== index; });
      done.hidden = index < steps.length;
    }
    steps.forEach(function (step, i) {
      var yes = step.querySelector(".pb-route__yes");
      yes.hidden = false;
      yes.addEventListener("click", function () {
        show(i + 1);
        var next = steps[i + 1] || done;
        (next.querySelector("button, a") || next).focus();
      });
    });
    done.querySelector(".pb-route__restart").addEventListener("click", function () { show(0); });
    root.querySelector(".pb-route").classList.add("pb-route--stepwise");
    show(0);
  }

  /* -- catalogues: filters whose state lives in the URL -------------------------------- */

  var FILTERS = ["phase", "tier", "level", "lang"]; // the form's fields and URL parameters

  function filters(root) {
    var form = root.querySelector("form[data-pb-filters]");
    if (!form) return;
    var table = root.getElementById(form.getAttribute("data-pb-filters"));
    var body = table.tBodies[0];
    var own = body.innerHTML; // this page's rows, as built
    var rows = Array.prototype.slice.call(body.rows);
    var none = root.querySelector(".pb-filters__none");
    var pager = root.querySelector(".pb-pager-pages");
    var total = +form.getAttribute("data-pb-total");
    // A long catalogue is split into pages; filtering looks at every row, loaded on demand.
    var source = form.getAttribute("data-pb-rows");
    var firstPage = form.getAttribute("data-pb-page") === "1";
    var loaded = null;
    var limit = rows.length;
    var more = document.createElement("button");
    more.type = "button";
    more.className = "md-button pb-filters__more";
    more.textContent = form.getAttribute("data-pb-more");
    more.hidden = true;
    table.parentNode.insertBefore(more, none);
    var params = new URLSearchParams(location.search);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && params.has(field.name)) field.value = params.get(field.name);
      if (field.selectedIndex === -1) field.value = ""; // a stale link: show everything
    });

    function wanted() {
      var want = {};
      FILTERS.forEach(function (name) {
        want[name] = form.elements[name].value;
      });
      var tier = form.elements.tier;
      want.rank = tier.value ? +tier.options[tier.selectedIndex].getAttribute("data-pb-rank") : 99;
      return want;
    }

    function matches(want, d) {
      return (!want.phase || d.phase === want.phase) &&
        +d.rank <= want.rank && // a plan includes every lower plan
        (!want.level || d.level === want.level) &&
        (!want.lang || keysOf(d.lang).indexOf(want.lang) >= 0);
    }

    function show(count) {
      none.hidden = count > 0;
      form.querySelector("output").textContent =
        format(form.getAttribute("data-pb-format"), [total, count]);
    }

    function showAll(want) {
      // Every row of every page: the filtered rows replace this page's, `limit` at a time.
      var found = loaded.filter(function (d) { return matches(want, d); });
      body.innerHTML = found.slice(0, limit).map(function (d) { return d.html; }).join("");
      hidePastSessions(body);
      more.hidden = found.length <= limit;
      if (pager) pager.hidden = true;
      show(found.length);
    }

    function apply() {
      var want = wanted();
      var query = new URLSearchParams(location.search);
      FILTERS.forEach(function (name) {
        if (want[name]) query.set(name, want[name]); else query.delete(name);
      });
      var search = query.toString();
      var active = FILTERS.some(function (n) { return want[n]; });
      if (source && active && !firstPage) { // filtered results start on the first page
        location.href = form.getAttribute("data-pb-first") + "?" + search;
        return;
      }
      history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
      if (source && active) {
        if (!loaded) {
          fetch(source).then(function (r) { return r.json(); }).then(function (data) {
            loaded = data.map(function (d) { d.lang = d.lang.join(" "); return d; });
            apply();
          });
          return;
        }
        showAll(want);
        return;
      }
      if (source && body.innerHTML !== own) { // back to this page's own rows
        body.innerHTML = own;
        hidePastSessions(body);
        rows = Array.prototype.slice.call(body.rows);
        more.hidden = true;
        if (pager) pager.hidden = false;
      }
      var shown = 0;
      rows.forEach(function (row) {
        var match = matches(want, row.dataset);
        row.hidden = !match;
        if (match) shown += 1;
      });
      show(shown);
    }

    more.addEventListener("click", function () {
      limit += rows.length;
      showAll(wanted());
    });
    form.addEventListener("change", function () { limit = rows.length; apply(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.hidden = false;
    apply();
  }

  /* -- language selector ------------------------------------------------------------- */

  // Each of its links already goes to this page in that language. Material's own click
  // handler would look the page up in the other language's sitemap and, failing that, go
  // to its start page: keep the click from reaching it (it listens on the body).
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target instanceof Element && target.closest(".md-select__link[hreflang]")) {
      event.stopPropagation();
    }
  }, true);

  // Material's search is a dialog with no name: give it the name of its search box.
  function nameSearchDialog(root) {
    var dialog = root.querySelector(".md-search[role=dialog]");
    var input = root.querySelector(".md-search__input");
    if (dialog && input && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || input.placeholder);
    }
  }

  /* -- questions customers ask: a link to one opens it ------------------------------- */

  // An e-mail or a search result links to #faq-<id>: show that answer, not a closed line.
  function openLinkedQuestion() {
    var id;
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (error) {
      return; // not percent-encoding (#%E0%A4%A): no question of ours
    }
    var target = id ? document.getElementById(id) : null;
    if (target && target.matches("details.pb-faq") && !target.open) {
      target.open = true;
      target.scrollIntoView();
    }
  }

  window.addEventListener("hashchange", openLinkedQuestion);

  /* -- feed links: copy, or select for the visitor to copy ---------------------------- */

  // The link's text becomes the absolute address an app needs. Copying asks the clipboard;
  // where it is refused (no permission, an insecure page, an old browser) the address is
  // selected instead and the visitor is told to copy it, so the button never just fails.
  function copyLinks(root) {
    root.querySelectorAll(".pb-copy").forEach(function (box) {
      var link = box.querySelector("[data-pb-feed]");
      var button = box.querySelector("[data-pb-copy]");
      var status = box.querySelector(".pb-copy__done");
      if (!link || !button || button.getAttribute("data-pb-ready")) return;
      button.setAttribute("data-pb-ready", "1");
      link.textContent = link.href;
      button.hidden = false;
      button.addEventListener("click", function () {
        function selectIt() {
          var range = document.createRange();
          range.selectNodeContents(link);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          status.textContent = status.getAttribute("data-pb-select");
        }
        if (!navigator.clipboard || !window.isSecureContext) return selectIt();
        navigator.clipboard.writeText(link.href).then(function () {
          status.textContent = status.getAttribute("data-pb-copied");
        }, selectIt);
      });
    });
  }

  function init() {
    openLinkedQuestion();
    copyLinks(document);
    nameSearchDialog(document);
    hidePastSessions(document);
    checklists(document);
    startPage(document);
    filters(document);
  }

  // Material swaps pages without reloading when navigation.instant is on.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
