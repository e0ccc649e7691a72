/* /plan/: the customer's success plan, built in the browser from the data the page embeds.
 * `compute` repeats generator/feeds/plan.py `compute` rule for rule: the two are checked equal
 * by tests/test_plan_browser.py; change them together. The plan lives in the link's fragment
 * only (never sent to a server); ticks are shared with the phase checklists' storage. */
(function () {
  "use strict";

  var VERSION = 1;
  var MAX_SESSIONS = 3;
  var MAX_FRAGMENT = 8192;
  var STORE = "phasebook.progress.v1"; // the phase checklists' storage (phasebook.js)
  var DAY = 86400000;

  /* -- the rules: the same as generator/feeds/plan.py --------------------------------- */

  // YYYY-MM-DD that exists, in the years a plan may take place in; else null.
  function parseDay(text, years) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text || "").trim());
    if (!m) return null;
    var y = +m[1], mo = +m[2], d = +m[3];
    var t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
    if (y < years[0] || y > years[1]) return null;
    return m[1] + "-" + m[2] + "-" + m[3];
  }

  function addDays(iso, days) {
    var p = iso.split("-");
    var t = new Date(Date.UTC(+p[0], +p[1] - 1, +p[2]) + days * DAY);
    return t.toISOString().slice(0, 10);
  }

  // The visitor's clock as a date in the portal's time zone.
  function today(zone, now) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit"
    }).formatToParts(now).forEach(function (part) { parts[part.type] = part.value; });
    return parts.year + "-" + parts.month + "-" + parts.day;
  }

  function templateOf(data, id) {
    var wanted = id || "";
    return data.templates.filter(function (t) { return t.id === wanted; })[0] || null;
  }

  function compute(data, id, options) {
    var template = templateOf(data, id);
    if (!template) throw new Error("unknown template " + id);
    var start = options.start || addDays(options.goLive, -template.go_live);
    var now = options.now;
    var done = options.done || [];
    var todayIso = today(data.zone, now);
    var shown = {};
    var milestones = template.steps.map(function (step) {
      var when = addDays(start, step.day);
      var ticked = done.indexOf(step.phase + ":" + step.key) >= 0;
      var overdue = when < todayIso && !ticked;
      var out = {};
      Object.keys(step).forEach(function (k) { out[k] = step[k]; });
      out.date = when;
      out.sessions = sessionsFor(data, step, when, now, shown);
      out.done = ticked;
      out.overdue = overdue;
      out.help = overdue ? data.phases[step.phase].help.slice() : [];
      return out;
    });
    return {
      version: VERSION,
      template: template.id || null,
      name: template.name,
      lang: data.lang,
      customer: options.customer || "",
      goal: options.goal || "",
      start: start,
      go_live: addDays(start, template.go_live),
      end: addDays(start, template.length),
      today: todayIso,
      milestones: milestones
    };
  }

  function sessionsFor(data, step, when, now, shown) {
    var wanted = {};
    step.programs.concat(data.phases[step.phase].help).forEach(function (p) { wanted[p] = true; });
    var pool = [];
    Object.keys(data.phases).forEach(function (id) {
      pool = pool.concat(data.phases[id].sessions);
    });
    pool.sort(function (a, b) {
      return a.starts < b.starts ? -1 : a.starts > b.starts ? 1 :
        a.program < b.program ? -1 : a.program > b.program ? 1 : 0;
    });
    var found = [];
    for (var i = 0; i < pool.length && found.length < MAX_SESSIONS; i++) {
      var s = pool[i];
      if (!wanted[s.program] || s.language !== data.lang || shown[s.id]) continue;
      if (s.date < when && Date.parse(s.ends) > now.getTime()) {
        found.push(s.id);
        shown[s.id] = true;
      }
    }
    return found;
  }

  /* -- the link: the whole plan in the fragment ---------------------------------------- */

  function encode(value) {
    return encodeURIComponent(value).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }

  function writeFragment(state) {
    var fields = [["plan", String(VERSION)], ["t", state.template || ""]];
    fields.push(state.anchor === "go" ? ["go", state.date] : ["start", state.date]);
    if (state.customer) fields.push(["c", state.customer]);
    if (state.goal) fields.push(["o", state.goal]);
    if (state.done.length) fields.push(["done", state.done.slice().sort().join(",")]);
    if (state.chosen.length) fields.push(["s", state.chosen.join(",")]);
    return fields.map(function (f) { return f[0] + "=" + encode(f[1]); }).join("&");
  }

  // {state} for a good fragment, {error: word key} for a bad one, {} for none.
  function readFragment(hash, data) {
    var text = (hash || "").replace(/^#/, "");
    if (!text) return {};
    if (text.length > MAX_FRAGMENT) return { error: "too_long" };
    var params;
    try {
      params = new URLSearchParams(text);
      params.forEach(function (value) { decodeURIComponent(encode(value)); });
    } catch (e) {
      return { error: "bad_link" };
    }
    var version = params.get("plan");
    if (version === null || !/^\d+$/.test(version)) return { error: "bad_link" };
    if (+version !== VERSION) return { error: "old_link" };
    var id = params.get("t");
    if (id === null) return { error: "bad_link" };
    if (!templateOf(data, id)) return { error: "gone" };
    var anchor = params.has("go") ? "go" : "start";
    var date = parseDay(params.get(anchor === "go" ? "go" : "start"), data.years);
    if (!date) return { error: "bad_link" };
    var sessions = {};
    Object.keys(data.phases).forEach(function (p) {
      data.phases[p].sessions.forEach(function (s) { sessions[s.id] = true; });
    });
    return {
      state: {
        template: id,
        anchor: anchor,
        date: date,
        customer: (params.get("c") || "").slice(0, 200),
        goal: (params.get("o") || "").slice(0, 500),
        done: list(params.get("done")).filter(function (k) { return /^[a-z0-9-]+:[0-9a-f]{10}$/.test(k); }),
        chosen: list(params.get("s")).filter(function (k) { return sessions[k]; })
      }
    };
  }

  function list(value) {
    return (value || "").split(",").filter(Boolean);
  }

  /* -- ticks: the phase checklists' storage ------------------------------------------- */

  function storeKey() {
    var scope = window.__md_scope ? window.__md_scope.pathname : "/";
    return scope + ":" + STORE;
  }

  function loadTicks() {
    try {
      var data = JSON.parse(localStorage.getItem(storeKey()) || "{}");
      return data && typeof data === "object" ? data : {};
    } catch (e) {
      return {};
    }
  }

  function saveTick(phase, key, on) {
    var data = loadTicks();
    data[phase] = data[phase] || {};
    var exit = (data[phase].exit || []).filter(function (k) { return k !== key; });
    if (on) exit.push(key);
    data[phase].exit = exit;
    try {
      localStorage.setItem(storeKey(), JSON.stringify(data));
    } catch (e) {
      /* private mode or full storage: the tick still lives in the link */
    }
  }

  function storedDone() {
    var data = loadTicks();
    var out = [];
    Object.keys(data).forEach(function (phase) {
      ((data[phase] || {}).exit || []).forEach(function (key) { out.push(phase + ":" + key); });
    });
    return out;
  }

  /* -- the page ------------------------------------------------------------------------ */

  function format(template, args) {
    return template.replace(/\{(\d)\}/g, function (_, i) { return args[+i]; });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function Page(root, data) {
    this.root = root;
    this.data = data;
    this.w = data.words;
    this.form = root.querySelector(".pb-plan__form");
    this.state = { template: "", anchor: "start", date: "", customer: "", goal: "", done: [], chosen: [] };
    this.plan = null;
  }

  Page.prototype.start = function () {
    var self = this;
    var read = readFragment(location.hash, this.data);
    if (read.error) this.say(this.w[read.error]);
    if (read.state) this.state = read.state;
    this.fill();
    this.form.addEventListener("input", function () { self.fromForm(); });
    this.form.addEventListener("change", function () { self.fromForm(); });
    this.root.querySelector(".pb-plan__milestones").addEventListener("change", function (e) {
      self.toggle(e.target);
    });
    this.actions();
    this.update();
  };

  Page.prototype.say = function (text) {
    var box = this.root.querySelector(".pb-plan__message");
    box.textContent = text || "";
    box.hidden = !text;
  };

  Page.prototype.fill = function () {
    var f = this.form.elements;
    f.template.value = this.state.template;
    f.anchor.value = this.state.anchor;
    f.date.value = this.state.date;
    f.customer.value = this.state.customer;
    f.goal.value = this.state.goal;
  };

  Page.prototype.fromForm = function () {
    var f = this.form.elements;
    this.state.template = f.template.value;
    this.state.anchor = f.anchor.value || "start";
    this.state.date = f.date.value.trim();
    this.state.customer = f.customer.value.slice(0, 200);
    this.state.goal = f.goal.value.slice(0, 500);
    this.say("");
    this.update();
  };

  Page.prototype.toggle = function (box) {
    if (!box || box.type !== "checkbox") return;
    var ms = box.getAttribute("data-pb-ms");
    var sid = box.getAttribute("data-pb-session");
    if (ms) {
      var parts = ms.split(":");
      this.state.done = this.state.done.filter(function (k) { return k !== ms; });
      if (box.checked) this.state.done.push(ms);
      saveTick(parts[0], parts[1], box.checked);
    } else if (sid) {
      this.state.chosen = this.state.chosen.filter(function (k) { return k !== sid; });
      if (box.checked) this.state.chosen.push(sid);
    }
    this.update();
  };

  Page.prototype.update = function () {
    var t = templateOf(this.data, this.state.template);
    var summary = this.root.querySelector("#pb-plan-summary");
    summary.textContent = t ? t.summary : "";
    var error = this.root.querySelector("#pb-plan-date-error");
    var date = parseDay(this.state.date, this.data.years);
    error.hidden = !this.state.date || !!date;
    error.textContent = error.hidden ? "" : format(this.w.bad_date, this.data.years);
    this.form.elements.date.setAttribute("aria-invalid", error.hidden ? "false" : "true");
    this.plan = null;
    if (t && date) {
      var done = this.state.done.concat(storedDone());
      this.plan = compute(this.data, this.state.template, {
        start: this.state.anchor === "start" ? date : null,
        goLive: this.state.anchor === "go" ? date : null,
        customer: this.state.customer,
        goal: this.state.goal,
        now: new Date(),
        done: done
      });
      history.replaceState(null, "", "#" + writeFragment(this.state));
    }
    this.show();
  };

  Page.prototype.show = function () {
    var list = this.root.querySelector(".pb-plan__milestones");
    var head = this.root.querySelector(".pb-plan__head");
    var actions = this.root.querySelector(".pb-plan__actions");
    list.textContent = "";
    head.hidden = actions.hidden = !this.plan;
    if (!this.plan) return;
    var self = this, plan = this.plan, w = this.w;
    head.querySelector(".pb-plan__title").textContent =
      (plan.customer ? plan.customer + ": " : "") + (plan.name || w["default"]);
    head.querySelector(".pb-plan__meta").textContent = [
      plan.goal ? w.goal + ": " + plan.goal : "",
      w.start + ": " + plan.start, w.go_live + ": " + plan.go_live, w.as_of + ": " + plan.today
    ].filter(Boolean).join(" · ");
    plan.milestones.forEach(function (ms) { list.appendChild(self.milestone(ms)); });
    list.dispatchEvent(new CustomEvent("phasebook:times", { bubbles: true }));
    var link = location.href;
    this.root.querySelector("#pb-plan-link").value = link;
    this.root.querySelector('[data-pb-action="mail"]').setAttribute("href", this.mail(link));
  };

  Page.prototype.milestone = function (ms) {
    var w = this.w, data = this.data, self = this;
    var key = ms.phase + ":" + ms.key;
    var box = el("input", { type: "checkbox", "data-pb-ms": key });
    box.checked = ms.done;
    var label = el("label", {}, [
      box, document.createTextNode(" "),
      el("time", { datetime: ms.date, text: ms.date }), document.createTextNode(" · "),
      el("span", { "class": "pb-plan__phase", text: data.phases[ms.phase].name }),
      document.createTextNode(" · "),
      el("span", { "class": "pb-plan__text", text: ms.text }),
      ms.target ? el("span", { "class": "pb-target", text: " (" + w.target + ": " + ms.target + ")" }) : null,
      ms.done ? el("span", { "class": "pb-plan__flag", text: " ✓ " + w.done }) : null,
      ms.overdue ? el("strong", { "class": "pb-plan__flag", text: " " + w.overdue }) : null
    ]);
    var item = el("li", {
      "class": "pb-plan__ms" + (ms.overdue ? " pb-plan__ms--overdue" : "") + (ms.done ? " pb-plan__ms--done" : ""),
      "data-pb-milestone": ms.id
    }, [label]);
    if (this.phaseComplete(ms.phase)) item.appendChild(el("p", { "class": "pb-plan__phase-done", text: w.phase_done }));
    if (ms.programs.length) {
      item.appendChild(el("p", { text: w.recommended }));
      item.appendChild(this.programs(ms.programs, ms, false));
    }
    if (ms.overdue) {
      item.appendChild(el("p", { "class": "pb-plan__helps", text: w.helps }));
      item.appendChild(this.programs(ms.help, ms, true));
    }
    if (ms.sessions.length) {
      item.appendChild(el("p", { text: w.sessions }));
      item.appendChild(el("ul", {}, ms.sessions.map(function (sid) { return self.session(sid); })));
    }
    return item;
  };

  Page.prototype.phaseComplete = function (phase) {
    var done = this.state.done.concat(storedDone());
    var keys = this.data.templates[0].steps.filter(function (s) { return s.phase === phase; });
    return keys.length > 0 && keys.every(function (s) { return done.indexOf(phase + ":" + s.key) >= 0; });
  };

  Page.prototype.programs = function (ids, ms, requests) {
    var data = this.data, w = this.w, self = this;
    return el("ul", {}, ids.map(function (pid) {
      var p = data.programs[pid];
      var tier = data.tiers[p.tier];
      var parts = [el("a", { href: p.href, text: p.title })];
      if (p.paid) {
        parts.push(document.createTextNode(" "));
        parts.push(el("a", { "class": "pb-plan__tier", href: data.plans_page, text: tier.name }));
      }
      if (requests && p.kind === "accelerator") {
        parts.push(document.createTextNode(" "));
        parts.push(el("a", { "class": "md-button", href: self.request(p, ms), text: w.request }));
      }
      return el("li", {}, parts);
    }));
  };

  Page.prototype.request = function (program, ms) {
    if (program.request && program.request.indexOf("mailto:") !== 0) return program.request;
    var to = program.request ? program.request.slice(7).split("?")[0] : "";
    var body = format(this.w.request_body, [this.plan.customer, this.plan.goal, ms.text, ms.date]);
    return "mailto:" + to + "?subject=" + encode(format(this.w.request_subject, [program.title])) +
      "&body=" + encode(body);
  };

  Page.prototype.session = function (sid) {
    var s = this.sessionById(sid);
    var box = el("input", { type: "checkbox", "data-pb-session": sid });
    box.checked = this.state.chosen.indexOf(sid) >= 0;
    // In the portal's zone, named; phasebook.js rewrites it in the visitor's, as elsewhere.
    var when = s.starts.slice(0, 16).replace("T", " ") + " " + s.zone;
    var time = el("time", {
      datetime: s.starts, "data-pb-end": s.ends, "data-pb-zone": s.zone,
      "data-pb-format": this.w.beside, text: when
    });
    return el("li", {}, [el("label", {}, [
      box, document.createTextNode(" "), time,
      document.createTextNode(" " + this.data.programs[s.program].title + " ")
    ]), s.register ? el("a", { href: s.register, text: "↗" , "aria-label": this.data.programs[s.program].title }) : null]);
  };

  Page.prototype.sessionById = function (sid) {
    var found = null, data = this.data;
    Object.keys(data.phases).forEach(function (p) {
      data.phases[p].sessions.forEach(function (s) { if (s.id === sid) found = s; });
    });
    return found;
  };

  Page.prototype.contact = function () {
    var t = templateOf(this.data, this.state.template);
    var tier = t && t.tier ? this.data.tiers[t.tier] : null;
    var contact = tier && tier.contact && tier.contact.indexOf("mailto:") === 0 ? tier.contact : "";
    return contact ? contact.slice(7).split("?")[0] : "";
  };

  Page.prototype.mail = function (link) {
    var plan = this.plan, w = this.w;
    var lines = [w.mail_intro, link, ""];
    if (plan.goal) lines.push(w.goal + ": " + plan.goal);
    plan.milestones.forEach(function (ms) {
      lines.push(ms.date + (ms.done ? " ✓ " : ms.overdue ? " ! " : " - ") + ms.text);
    });
    var subject = w.mail_subject + (plan.customer ? " (" + plan.customer + ")" : "");
    return "mailto:" + this.contact() + "?subject=" + encode(subject) + "&body=" + encode(lines.join("\n"));
  };

  Page.prototype.actions = function () {
    var self = this, root = this.root;
    root.querySelector('[data-pb-action="copy"]').addEventListener("click", function () {
      var input = root.querySelector("#pb-plan-link");
      var said = root.querySelector(".pb-plan__copied");
      var ok = function () { said.textContent = self.w.copied; };
      var fail = function () { said.textContent = self.w.copy_failed; input.select(); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(ok, fail);
      } else fail();
    });
    root.querySelector('[data-pb-action="ics"]').addEventListener("click", function () {
      var blob = new Blob([self.ics()], { type: "text/calendar;charset=utf-8" });
      var a = el("a", { href: URL.createObjectURL(blob), download: "success-plan.ics" });
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
    root.querySelector('[data-pb-action="print"]').addEventListener("click", function () { window.print(); });
  };

  /* -- the calendar: RFC 5545, all-day milestones, the chosen sessions with their times -- */

  function icsText(value) {
    return String(value).replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,")
      .replace(/\r?\n/g, "\\n");
  }

  // Lines of at most 75 octets, continued with a space (never inside a UTF-8 character).
  function fold(line) {
    var out = [], current = "", size = 0;
    Array.from(line).forEach(function (ch) {
      var n = new TextEncoder().encode(ch).length;
      if (size + n > (out.length ? 74 : 75)) { out.push(current); current = ""; size = 0; }
      current += ch;
      size += n;
    });
    out.push(current);
    return out.join("\r\n ");
  }

  function utc(iso) {
    return new Date(Date.parse(iso)).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  }

  Page.prototype.ics = function () {
    var plan = this.plan, data = this.data, self = this;
    var stamp = utc(new Date().toISOString());
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Phasebook//success plan//EN",
      "CALSCALE:GREGORIAN"];
    plan.milestones.forEach(function (ms) {
      lines.push("BEGIN:VEVENT", "UID:plan-" + (plan.template || "default") + "-" + ms.id + "@phasebook",
        "DTSTAMP:" + stamp, "DTSTART;VALUE=DATE:" + ms.date.replace(/-/g, ""),
        "DTEND;VALUE=DATE:" + addDays(ms.date, 1).replace(/-/g, ""),
        "SUMMARY:" + icsText(data.phases[ms.phase].name + ": " + ms.text), "END:VEVENT");
    });
    this.state.chosen.forEach(function (sid) {
      var s = self.sessionById(sid);
      if (!s) return;
      var at = sid.split("@");
      lines.push("BEGIN:VEVENT", "UID:" + at[0] + "-" + at[1] + "@phasebook", "DTSTAMP:" + stamp,
        "DTSTART:" + utc(s.starts), "DTEND:" + utc(s.ends),
        "SUMMARY:" + icsText(data.programs[s.program].title));
      if (s.register) lines.push("URL:" + s.register);
      lines.push("END:VEVENT");
    });
    lines.push("END:VCALENDAR");
    return lines.map(fold).join("\r\n") + "\r\n";
  };

  /* -- start ---------------------------------------------------------------------------- */

  function init() {
    var root = document.querySelector("[data-pb-plan]");
    var source = document.getElementById("pb-plan-data");
    if (!root || !source || root.getAttribute("data-pb-ready")) return;
    root.setAttribute("data-pb-ready", "1");
    var data = JSON.parse(source.textContent);
    var page = new Page(root, data);
    // For tests and for anyone who wants the plan as data: what the page shows, as JSON.
    window.phasebookPlan = {
      compute: function (id, options) {
        var o = Object.assign({}, options, { now: new Date(options.now) });
        return compute(data, id, o);
      },
      current: function () { return page.plan; },
      ics: function () { return page.plan ? page.ics() : ""; }
    };
    page.start();
  }

  // A plan link pasted into the address bar of an open plan: read it as a fresh visit.
  window.addEventListener("hashchange", function () {
    if (document.querySelector("[data-pb-plan]")) location.reload();
  });
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
