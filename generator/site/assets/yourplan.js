/* The visitor's own support plan: chosen once, kept in this browser only (no account), and
 * then said beside every program marked `data-pb-tier` — "included in your plan" or "needs
 * スタンダード or above", with that tier's column on /plans/ and its contact. Pages already
 * say, without this script, which plan includes each paid program.
 *
 * The tree's copy of this file starts with `window.phasebookTiers` (generator/site/yourplan.py):
 * the tiers in order (each includes every one before it), where /plans/ is from this
 * file, and the words. Elements added later (a filtered catalogue, search results) are
 * marked as they arrive. */
(function () {
  "use strict";

  var DATA = window.phasebookTiers;
  if (!DATA || !DATA.tiers) return;
  var STORE = "phasebook.tier.v1";
  var HERE = document.currentScript ? document.currentScript.src : location.href;
  var PLANS = new URL(DATA.plans, HERE).href;
  var remembered = null; // the choice when storage is unavailable: this page's visit only

  function rankOf(id) {
    for (var i = 0; i < DATA.tiers.length; i++) {
      if (DATA.tiers[i].id === id) return i;
    }
    return -1;
  }

  // Material scopes its storage to the site root (every language's tree shares the first
  // one's): the same key phasebook.js uses for ticks, so two portals on one host differ.
  function storeKey() {
    var scope = window.__md_scope ? window.__md_scope.pathname : "/";
    return scope + ":" + STORE;
  }

  // The stored choice, if it is one of this portal's tiers: anything else (an old tier,
  // text written by hand, storage that throws) reads as no choice.
  function chosen() {
    var value = remembered;
    try {
      value = localStorage.getItem(storeKey());
    } catch (e) {
      /* private mode, blocked storage: the choice of this visit only */
    }
    return typeof value === "string" && rankOf(value) >= 0 ? value : null;
  }

  function choose(id) {
    remembered = id && rankOf(id) >= 0 ? id : null;
    try {
      if (remembered) localStorage.setItem(storeKey(), remembered);
      else localStorage.removeItem(storeKey());
    } catch (e) {
      /* not kept beyond this page */
    }
    markAll(document);
    controls(document);
  }

  // Names are the portal's text: a function keeps `$&` in one from meaning "the match".
  function say(template, tier, plan) {
    return template
      .replace("%(tier)s", function () { return tier; })
      .replace("%(plan)s", function () { return plan; });
  }

  function link(text, href) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  // What the visitor's plan means for a program of tier `id`, as one element: a link to
  // that tier's column on /plans/ and to its contact where it needs another plan; plain
  // words inside a link (a search result is one) or above a note that has both links.
  function mark(id, plan, plain) {
    var tier = DATA.tiers[rankOf(id)];
    var mine = DATA.tiers[rankOf(plan)];
    var span = document.createElement("span");
    span.className = "pb-yourplan__mark";
    if (rankOf(id) <= rankOf(plan)) {
      span.classList.add("pb-yourplan__mark--yours");
      span.textContent = say(DATA.words.yours, tier.name, mine.name);
      return span;
    }
    span.classList.add("pb-yourplan__mark--needs");
    var top = rankOf(id) === DATA.tiers.length - 1;
    var text = say(top ? DATA.words.needs_top : DATA.words.needs, tier.name, mine.name);
    if (plain) {
      span.textContent = text;
      return span;
    }
    span.appendChild(link(text, PLANS + "#tier-" + encodeURIComponent(tier.id)));
    if (tier.contact && /^(https:|mailto:)/i.test(tier.contact)) {
      span.appendChild(document.createTextNode(" · "));
      span.appendChild(link(DATA.words.contact, tier.contact));
    }
    return span;
  }

  // One element: its mark for the plan chosen now (none without a choice, or for a tier
  // this portal does not have). Free programs need no word: every plan includes them.
  function markOne(element, plan) {
    var id = element.getAttribute("data-pb-tier");
    var key = plan || "";
    if (element.getAttribute("data-pb-marked") === key) return;
    element.setAttribute("data-pb-marked", key);
    var old = element.querySelector(":scope > .pb-yourplan__mark");
    if (old) old.remove();
    var rank = rankOf(id);
    if (!plan || rank < 0 || !DATA.tiers[rank].paid) return;
    var note = element.classList.contains("pb-yourplan"); // a program's own page
    var made = mark(id, plan, note || !!element.closest("a"));
    element.insertBefore(made, note ? element.firstChild : null);
  }

  function markAll(root) {
    var plan = chosen();
    if (root.nodeType === 1 && root.hasAttribute("data-pb-tier")) markOne(root, plan);
    root.querySelectorAll("[data-pb-tier]").forEach(function (element) {
      markOne(element, plan);
    });
  }

  // /plans/: the visitor's column says it is theirs.
  function plansColumn(plan) {
    document.querySelectorAll(".pb-plans__tier[data-tier]").forEach(function (th) {
      var here = th.getAttribute("data-tier") === plan;
      var said = th.querySelector(".pb-yourplan__here");
      if (said && !here) said.remove();
      if (!here || said) return;
      said = document.createElement("span");
      said.className = "pb-yourplan__here";
      said.textContent = DATA.words.mine;
      th.insertBefore(said, th.children[1] || null); // after the badge
    });
  }

  // The choice on /plans/ and in each paid program's note: a select (no plan: forget it).
  function controls(root) {
    var plan = chosen() || "";
    plansColumn(plan);
    root.querySelectorAll("form[data-pb-choose]").forEach(function (form) {
      var select = form.elements.tier;
      var forget = form.querySelector("[data-pb-forget]");
      select.value = plan;
      forget.hidden = !plan;
      form.hidden = false;
      if (form.getAttribute("data-pb-ready")) return;
      form.setAttribute("data-pb-ready", "1");
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      select.addEventListener("change", function () { choose(select.value); });
      forget.addEventListener("click", function () {
        choose(null);
        select.focus(); // the button just went away: keep the visitor's place
      });
    });
  }

  function init() {
    controls(document);
    markAll(document);
  }

  // Rows a catalogue's filters put in, results the search shows: marked as they come.
  // A mark's own insertion comes back here too, and is left alone (`data-pb-marked`).
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType === 1) markAll(node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });

  // Another tab chose: say the same here.
  window.addEventListener("storage", function (event) {
    if (event.key === storeKey()) init();
  });

  // Material swaps pages without reloading when navigation.instant is on.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
