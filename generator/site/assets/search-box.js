/* The page side of Phasebook's search (the worker is search.js). Material reads its box on
 * `keyup` only: a query pasted from a menu, a phone's long-press, autofill or dictation
 * fires `input` alone and was never searched; here every `input` is passed on as a keyup.
 * When no page answers a query (the worker returns nothing), the results say so and show
 * the way on: a word of the portal close to what was typed ("did you mean"), the phases,
 * and the paid tiers' contacts, from <tree>/pagefind/guidance.json, fetched only then. */
(function () {
  "use strict";
  var BOX = "input.md-search__input";
  var FINAL_LONG_VOWEL = /([\u30a1-\u30fa])ー+(?![\u30a0-\u30ff])/g; // as search.js
  var WORD = /[\u30a1-\u30fa\u30fc]+|[\u3400-\u9fff\u3005]+|[\uac00-\ud7a3]+|[a-z0-9]+/g;
  var guidance = null;

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box instanceof HTMLInputElement && box.matches(BOX)) {
      box.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    }
  }, true);

  // The tree's root: Material's own configuration names it, relative to this page.
  function root() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  function load() {
    if (!guidance) {
      guidance = fetch(new URL("pagefind/guidance.json", root())).then(function (response) {
        if (!response.ok) throw new Error(response.statusText);
        return response.json();
      });
    }
    return guidance;
  }

  function folded(text) {
    return text.normalize("NFKC").toLowerCase().replace(FINAL_LONG_VOWEL, "$1");
  }

  // Edits (insert, delete, replace, swap two neighbours) from a to b, by character: a kana
  // or kanji is a letter here, so シングルサインン is one edit from シングルサインオン.
  function distance(a, b) {
    a = Array.from(a); b = Array.from(b);
    var rows = [];
    for (var i = 0; i <= a.length; i++) {
      rows.push([i]);
      for (var j = 1; j <= b.length; j++) {
        if (i === 0) { rows[0].push(j); continue; }
        var d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1,
          rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d = Math.min(d, rows[i - 2][j - 2] + 1);
        }
        rows[i].push(d);
      }
    }
    return rows[a.length][b.length];
  }

  // The portal's word nearest `word`, or null: one edit allowed from four letters, two
  // from eight; among equals the most frequent (the vocabulary comes most frequent first).
  function nearest(word, vocabulary) {
    var length = Array.from(word).length;
    var allowed = length < 4 ? 0 : length < 8 ? 1 : 2;
    var best = null, least = allowed + 1;
    vocabulary.forEach(function (known) {
      var form = folded(known);
      if (Math.abs(Array.from(form).length - length) >= least) return;
      var d = distance(word, form);
      if (d < least) { best = known; least = d; }
    });
    return best;
  }

  // The query with each word the portal does not know replaced by its nearest word; null
  // when a word has none, or every word was known.
  function suggestion(query, vocabulary) {
    var known = new Set(vocabulary.map(folded));
    var words = folded(query).match(WORD) || [];
    var changed = false;
    var out = words.map(function (word) {
      if (known.has(word)) return word;
      changed = true;
      return nearest(word, vocabulary);
    });
    return changed && out.every(Boolean) ? out.join(" ") : null;
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function links(items) {
    var list = element("ul", {});
    items.forEach(function (item) {
      var li = element("li", {});
      li.appendChild(element("a", { href: item.href }, item.text));
      list.appendChild(li);
    });
    return list;
  }

  function show(result, query, data) {
    var meta = result.querySelector(".md-search-result__meta");
    if (!meta) return;
    var block = element("div", { class: "pb-search-guidance md-typeset" });
    block.appendChild(element("p", { class: "pb-search-none" }, data.words.none.replace("%(query)s", query)));
    var better = suggestion(query, data.vocabulary);
    if (better) {
      var line = element("p", { class: "pb-search-suggest" }, data.words.suggest + ": ");
      line.appendChild(element("a", { href: "?q=" + encodeURIComponent(better), "data-pb-suggest": better }, better));
      block.appendChild(line);
    }
    var base = root();
    block.appendChild(element("p", {}, data.words.phases));
    block.appendChild(links(data.phases.map(function (phase) {
      return { href: new URL(phase.url, base).href, text: phase.name };
    })));
    if (data.contacts.length) {  // a portal may name no contact for any tier
      block.appendChild(links(data.contacts.map(function (contact) {
        return { href: contact.url, text: contact.text };
      })));
    }
    clear(result);
    meta.after(block);
  }

  function clear(result) {
    result.querySelectorAll(".pb-search-guidance").forEach(function (old) { old.remove(); });
  }

  // Material writes the meta line once a query's results are in: nothing listed for a
  // query means no page answers it.
  var shown = "";
  function update(result) {
    var box = document.querySelector(BOX);
    var list = result.querySelector(".md-search-result__list");
    var query = box ? box.value.trim() : "";
    if (!query || !list || list.children.length) {
      shown = "";
      clear(result);
      return;
    }
    if (query === shown) return;
    shown = query;
    load().then(function (data) {
      if (shown === query) show(result, query, data);
    }, function (error) { console.warn("search guidance:", error); });
  }

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element && event.target.closest("a[data-pb-suggest]");
    var box = document.querySelector(BOX);
    if (!link || !box) return;
    // Caught on its way down: Material closes the search on a click on any result link.
    event.preventDefault();
    event.stopPropagation();
    box.value = link.getAttribute("data-pb-suggest");
    box.focus();
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }, true);

  function watch() {
    var result = document.querySelector(".md-search-result");
    if (!result) return;
    new MutationObserver(function () { update(result); })
      .observe(result, { childList: true, characterData: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
