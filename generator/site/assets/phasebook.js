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

  /* -- sessions: in the visitor's time zone, the portal's beside it -------------------- */

  // A session is built in the portal's zone (the page reads the same without script, and
  // every build is reproducible): `<time datetime="…+09:00" data-pb-end="…+09:00">`. A
  // visitor whose clock reads otherwise sees it in their own zone, in the page's language,
  // with the portal's time beside it ("Tue 12 Jan 10:00–11:00 CET (18:00 JST)"). Where
  // both clocks read the same, nothing changes. Times it cannot read stay as built.
  function localTimes(root) {
    if (!window.Intl || !Intl.DateTimeFormat.prototype.formatToParts) return;
    var found = root.querySelectorAll("time[datetime][data-pb-end]");
    var clock = found.length ? visitorClock() : null;
    found.forEach(function (time) {
      if (time.hasAttribute("data-pb-local")) return; // already in the visitor's zone
      var start = instant(time.getAttribute("datetime"));
      var end = instant(time.getAttribute("data-pb-end"));
      if (!start || !end || end.at < start.at) return; // not ours to read: left as built
      var from = clock.wall(start.at);
      var to = clock.wall(end.at);
      if (from.key === start.key && to.key === end.key) return; // the portal's clock
      var ours = clock.span(start.at, end.at, from, to);
      var theirs = clock.portal(start, from, time.getAttribute("data-pb-zone"));
      time.textContent = format(time.getAttribute("data-pb-format") || "{0} ({1})", [ours, theirs]);
      time.setAttribute("data-pb-local", clock.zone || "");
    });
  }

  // An ISO date-time with its offset, as the portal wrote it: the instant, and the wall
  // clock of the portal's zone read off the text itself. Anything else is null.
  function instant(text) {
    var m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(Z|([+-])(\d\d):(\d\d))$/
      .exec(text || "");
    if (!m) return null;
    var wall = new Date(0);
    wall.setUTCFullYear(+m[1], +m[2] - 1, +m[3]);
    wall.setUTCHours(+m[4], +m[5], +(m[6] || 0), 0);
    var key = wallKey(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate(),
      wall.getUTCHours(), wall.getUTCMinutes());
    if (key !== wallKey(+m[1], +m[2], +m[3], +m[4], +m[5])) return null; // 2027-02-30
    var offset = m[7] === "Z" ? 0 : (m[8] === "-" ? -1 : 1) * (+m[9] * 60 + +m[10]);
    var at = wall.getTime() - offset * 60000;
    if (isNaN(at)) return null;
    return { at: at, wall: wall, key: key, day: key.slice(0, key.lastIndexOf(" ")), offset: offset };
  }

  function wallKey(y, mo, d, h, mi) {
    return y + "-" + mo + "-" + d + " " + h + ":" + mi;
  }

  // The visitor's zone and the page's language (a visitor's own variant of it first:
  // en-GB writes "Tue 12 Jan" and "CET"), formatted with Intl alone. Formatters are made
  // once per page: a schedule has a hundred rows.
  function visitorClock() {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var locale = pageLocale();
    var year = new Date().getFullYear();
    var made = {};
    // `utc`: the portal's wall clock, which `instant` keeps as a UTC date.
    function formatter(name, options, utc) {
      var key = name + (utc ? "@utc" : "");
      if (!made[key]) {
        var o = { timeZone: utc ? "UTC" : zone };
        if (!o.timeZone) delete o.timeZone;
        Object.keys(options).forEach(function (k) { o[k] = options[k]; });
        made[key] = new Intl.DateTimeFormat(name === "wall" ? "en-US" : locale, o);
      }
      return made[key];
    }
    function day(at, y, utc) { // the year only when it is not this one
      var o = { weekday: "short", month: "short", day: "numeric" };
      if (y !== year) o.year = "numeric";
      return formatter(y === year ? "day" : "year", o, utc).format(at);
    }
    function hm(at, utc) {
      return formatter("hm", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, utc)
        .format(at);
    }
    function zoneName(at) {
      var parts = formatter("zone", { timeZoneName: "short" }).formatToParts(at);
      var part = parts.filter(function (p) { return p.type === "timeZoneName"; })[0];
      return part ? part.value : "";
    }
    return {
      zone: zone,
      // Year, month, day, hour, minute in the visitor's zone, to compare with the portal's.
      wall: function (at) {
        var p = {};
        formatter("wall", { hourCycle: "h23", year: "numeric", month: "numeric",
          day: "numeric", hour: "numeric", minute: "numeric" })
          .formatToParts(at).forEach(function (part) { p[part.type] = +part.value; });
        var key = wallKey(p.year, p.month, p.day, p.hour % 24, p.minute);
        return { key: key, day: key.slice(0, key.lastIndexOf(" ")), year: p.year };
      },
      // "Tue 12 Jan 10:00–11:00 CET"; across midnight, or a change of the zone's name
      // (summer time), each end says its own.
      span: function (start, end, from, to) {
        var first = day(start, from.year) + " " + hm(start);
        var last = (from.day === to.day ? "" : day(end, to.year) + " ") + hm(end);
        var a = zoneName(start);
        var b = zoneName(end);
        if (a !== b) return first + " " + a + " – " + last + " " + b;
        return first + (from.day === to.day ? "–" : " – ") + last + " " + b;
      },
      // "18:00 JST", with its day when the portal's date is not the visitor's.
      portal: function (start, from, name) {
        var text = hm(start.wall, true);
        if (start.day !== from.day) {
          text = day(start.wall, start.wall.getUTCFullYear(), true) + " " + text;
        }
        return text + " " + (name || utcOffset(start.offset));
      }
    };
  }

  function pageLocale() {
    var lang = document.documentElement.lang || "en";
    var own = (navigator.languages || [navigator.language]).filter(function (tag) {
      return tag && tag.split("-")[0].toLowerCase() === lang.split("-")[0].toLowerCase();
    })[0];
    var wanted = own || lang;
    try {
      return Intl.DateTimeFormat.supportedLocalesOf([wanted]).length ? wanted : lang;
    } catch (e) {
      return lang; // a malformed language tag
    }
  }

  function utcOffset(minutes) {
    var sign = minutes < 0 ? "-" : "+";
    var abs = Math.abs(minutes);
    var mm = abs % 60;
    return "UTC" + sign + Math.floor(abs / 60) + (mm ? ":" + (mm < 10 ? "0" : "") + mm : "");
  }

  function sessions(root) {
    localTimes(root);
    hidePastSessions(root);
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
    var saved = Object.keys(data).length > 0;
    var complete = {};
    root.querySelectorAll(".pb-loop__phase").forEach(function (link) {
      var phase = link.getAttribute("data-pb-phase");
      var tasks = keysOf(link.getAttribute("data-pb-tasks"));
      var exit = keysOf(link.getAttribute("data-pb-exit"));
      var taskDone = count(ticked(data, phase, "tasks"), tasks);
      var exitDone = count(ticked(data, phase, "exit"), exit);
      var label = link.querySelector(".pb-loop__progress");
      label.textContent = !(taskDone || exitDone) ? "" :
        exit.length && exitDone === exit.length ? "✓" : taskDone + "/" + tasks.length;
      // A phase is done when its criteria for moving on are ticked (its tasks, if it has none).
      complete[phase] = exit.length ? exitDone === exit.length :
        tasks.length > 0 && taskDone === tasks.length;
      link.classList.remove("pb-here");
    });
    // The wizard starts where the saved ticks stop: at the first phase not done.
    var first = 0;
    while (first < steps.length && complete[steps[first].getAttribute("data-pb-step")]) first += 1;
    var note = root.querySelector(".pb-here-note");
    var here = steps[first] && root.querySelector(
      '.pb-loop__phase[data-pb-phase="' + steps[first].getAttribute("data-pb-step") + '"]');
    note.hidden = !(here && saved);
    if (here && saved) {
      here.classList.add("pb-here");
      note.textContent = format(note.getAttribute("data-pb-format"), [nameOf(steps[first])]);
    }
    var resume = root.querySelector(".pb-route__resume");
    if (resume) {
      resume.hidden = !(first > 0 && first < steps.length);
      if (!resume.hidden) {
        resume.textContent = format(resume.getAttribute("data-pb-format"), [
          listOf(steps.slice(0, first).map(nameOf)), nameOf(steps[first])
        ]);
      }
    }
    route(root, steps, first);
    resetProgress(root, saved);
  }

  function nameOf(step) {
    return step.getAttribute("data-pb-name") || "";
  }

  // Names as a list reads in the page's language (「導入準備、導入」, "A and B").
  function listOf(names) {
    var lang = document.documentElement.lang || "en";
    try {
      return new Intl.ListFormat(lang, { type: "conjunction" }).format(names);
    } catch (e) {
      return names.join(", ");
    }
  }

  function showStep(root, index) {
    var steps = root.querySelectorAll(".pb-route__step");
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    root.querySelector(".pb-route__done").hidden = index < steps.length;
  }

  // One question at a time: the first phase whose criteria do not hold yet is yours. The
  // buttons are wired once; a reset of the progress only moves the wizard.
  function route(root, steps, first) {
    var list = root.querySelector(".pb-route");
    var done = root.querySelector(".pb-route__done");
    if (!list.hasAttribute("data-pb-ready")) {
      list.setAttribute("data-pb-ready", "");
      steps.forEach(function (step, i) {
        var yes = step.querySelector(".pb-route__yes");
        yes.hidden = false;
        yes.addEventListener("click", function () { go(i + 1); });
        var back = step.querySelector(".pb-route__back");
        if (back) {
          back.hidden = false;
          back.addEventListener("click", function () { go(i - 1); });
        }
      });
      done.querySelector(".pb-route__restart").addEventListener("click", function () { go(0); });
      list.classList.add("pb-route--stepwise");
    }
    function go(index) {
      showStep(root, index);
      var next = steps[index] || done;
      (next.querySelector("button:not([hidden]), a") || next).focus();
    }
    showStep(root, first);
  }

  /* -- start page: reset the progress saved in this browser --------------------------- */

  // Clears this portal's ticks only (its own storage key): what other parts of the portal
  // keep in this browser stays. Asks first, then says what it did.
  function resetProgress(root, saved) {
    var box = root.querySelector(".pb-reset");
    if (!box) return;
    var ask = box.querySelector(".pb-reset__ask");
    var confirm = box.querySelector(".pb-reset__confirm");
    var status = box.querySelector(".pb-reset__status");
    box.hidden = false;
    ask.hidden = !saved;
    if (!saved) confirm.hidden = true;
    if (box.hasAttribute("data-pb-ready")) return;
    box.setAttribute("data-pb-ready", "");
    ask.addEventListener("click", function () {
      ask.hidden = true;
      confirm.hidden = false;
      status.textContent = "";
      box.querySelector(".pb-reset__no").focus();
    });
    box.querySelector(".pb-reset__no").addEventListener("click", function () {
      confirm.hidden = true;
      ask.hidden = false;
      ask.focus();
    });
    box.querySelector(".pb-reset__yes").addEventListener("click", function () {
      try {
        localStorage.removeItem(storeKey());
      } catch (e) {
        /* storage refused: there was nothing saved to clear */
      }
      root.querySelectorAll(".pb-checklist[data-pb-phase] input[data-pb-key]").forEach(
        function (input) { input.checked = false; });
      startPage(root);
      status.textContent = status.getAttribute("data-pb-done");
      status.focus();
    });
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
      sessions(body);
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
        sessions(body);
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
    sessions(document);
    checklists(document);
    startPage(document);
    filters(document);
  }

  // Times a page's own script adds later (the success plan's sessions) read as the others.
  document.addEventListener("phasebook:times", function (event) { localTimes(event.target); });

  // Material swaps pages without reloading when navigation.instant is on.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
