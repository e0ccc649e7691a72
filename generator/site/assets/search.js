/* Phasebook's search worker. Material's search box, keyboard handling and result markup
 * stay; Material starts this file as its search worker (the plugin writes it over
 * Material's), and it answers Material's messages (setup 0, ready 1, query 2, result 3)
 * from the Pagefind bundle of this language tree (generator/search/static.py), which it
 * loads on the first query only, and only the chunks that query needs. A query no page
 * answers (see answers()) gets no results: the page (search-box.js) then says so and shows
 * the way on. */
"use strict";

// This file is <tree>/assets/javascripts/workers/search.<hash>.min.js.
var BUNDLE = new URL("../../../pagefind/", self.location.href).href;
var SHOWN = 10; // results whose title and excerpt are fetched: one screen and more
var PAUSE = 150; // ms without a newer query before one is searched
var WHOLE = 2; // how much more a page holding the query as typed scores, see reranked()

// Where a word of one script meets another (導入|フェーズ, SSO|설정): Pagefind's segmenter
// sees a compound typed as one word as one word, so it is split here, as the index is.
var SCRIPTS = /[\u3040-\u309f]+|[\u30a0-\u30ff]+|[\u3400-\u9fff\u3005]+|[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+|[^\u3040-\u30ff\u3400-\u9fff\u3005\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+/g;
// A katakana word's final long-vowel mark, dropped as the index drops it
// (generator/text/cjk.py FINAL_LONG_VOWEL; a test keeps the two equal).
var FINAL_LONG_VOWEL = /([\u30a1-\u30fa])ー+(?![\u30a0-\u30ff])/g;
// What follows a Korean noun, longest first: the server's list (generator/search/analysis.py
// KOREAN_PARTICLES; a test keeps the two equal). One goes if two syllables remain: every
// word is looked up as a prefix, so 설정 finds 설정을 and 설정은 alike.
var KOREAN_PARTICLES = [
  "에서는", "으로는", "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "이나", "이랑",
  "을", "를", "은", "는", "이", "가", "의", "에", "로", "와", "과", "도", "만"
];

function withoutParticle(word) {
  for (var i = 0; i < KOREAN_PARTICLES.length; i++) {
    var particle = KOREAN_PARTICLES[i];
    if (word.length - particle.length >= 2 && word.slice(-particle.length) === particle) {
      return word.slice(0, -particle.length);
    }
  }
  return word;
}

// What a Japanese keyboard or a paste typed, folded as the index is (NFKC: ＳＳＯ and ｓｓｏ
// are SSO, ｱﾗｰﾄ is アラート; final long-vowel marks dropped), split where the script
// changes, lone particles (を, の) and Material's query syntax (+word*) left out.
function queryWords(query) {
  var words = [];
  query.normalize("NFKC").replace(FINAL_LONG_VOWEL, "$1").split(/\s+/).forEach(function (word) {
    (word.replace(/[+\-~^:*"]/g, " ").match(SCRIPTS) || []).forEach(function (part) {
      part = withoutParticle(part.trim());
      if (part && !/^[\u3040-\u309f]$/.test(part)) words.push(part);
    });
  });
  return withoutLoneCharacters(words);
}

// A lone kanji or kana beside two longer words (第 and 回 of "…の実践 第667回") narrows
// almost nothing, and each word costs a chunk of the index to fetch.
function withoutLoneCharacters(words) {
  var longer = words.filter(function (word) { return word.length > 1; });
  if (longer.length < 2) return words;
  return words.filter(function (word) { return word.length > 1 || !/[\u3040-\u30ff\u3400-\u9fff]/.test(word); });
}

var pagefind = null;
function load() {
  if (!pagefind) {
    pagefind = import(BUNDLE + "pagefind.js").then(function (module) {
      return module.options({ basePath: BUNDLE, excerptLength: 24 }).then(function () {
        return module.init();
      }).then(function () { return module; });
    });
  }
  return pagefind;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

// Material's result: groups of documents, each {location, title, text, score, terms},
// the location relative to the tree (Material resolves it against its base).
function item(data, score, terms) {
  return [{
    location: data.url.replace(/^\//, ""),
    title: escapeHtml(data.meta.title || data.url),
    text: facts(data.meta) + data.excerpt,
    score: score,
    terms: terms
  }];
}

// What a program is (kind, phase, and the plan that includes it), from the facts the
// index keeps of it (generator/search/facts.py): the tier carries its id, which the page
// compares with the visitor's plan.
function facts(meta) {
  var parts = [meta.kind, meta.phase].filter(Boolean).map(escapeHtml);
  if (meta.tier) {
    parts.push('<span class="pb-search-tier" data-pb-tier="' + escapeHtml(meta.tier) + '">' +
      escapeHtml(meta.tier_name || meta.tier) + "</span>");
  }
  return parts.length ? '<p class="pb-search-facts">' + parts.join(" · ") + "</p>" : "";
}

// The query's words as a page's text holds them: folded as the query is (lower case too).
function folded(text) {
  return String(text).normalize("NFKC").toLowerCase().replace(FINAL_LONG_VOWEL, "$1");
}

// Whether some of the shown pages hold `word`: as typed; an English word also without its
// ending (planning: plan); a Japanese compound also as the browser's dictionary splits it
// (権限設計: 権限 and 設計), unless a part is a lone character (請求書: 請求, 書), which
// would be found anywhere.
function held(word, texts) {
  var forms = [word];
  if (/^[a-z]+$/.test(word)) forms.push(word.replace(/(ing|ed|es|s)$/, ""));
  function anywhere(form) {
    return form.length > 0 && texts.some(function (text) { return text.indexOf(form) >= 0; });
  }
  if (forms.some(function (form) { return form.length >= 3 ? anywhere(form) : anywhere(word); })) {
    return true;
  }
  if (!SEGMENTER || !/[\u3040-\u30ff\u3400-\u9fff]/.test(word)) return false;
  var parts = Array.from(SEGMENTER.segment(word)).map(function (part) { return part.segment; });
  return parts.length > 1 && parts.every(function (part) {
    return Array.from(part).length > 1 && anywhere(part);
  });
}

// A query is answered when the pages found hold more than half of its words (all of one or
// two words, two of three …); else what came up shares a word or a fragment with it and
// nothing more (請求書の発行 brings pages on API keys being 発行-ed), and the visitor is
// shown the way on instead (search-box.js).
function answers(words, texts) {
  var each = [];
  words.forEach(function (word) { each = each.concat(folded(word).split(/\s+/).filter(Boolean)); });
  var found = each.filter(function (word) { return held(word, texts); });
  return found.length * 2 > each.length;
}

// Words the browser's own dictionary finds inside a Japanese word typed as one
// (導入効果: 導入, 効果): Pagefind looks each query word up whole, as a prefix, while its
// index may hold the compound as two words.
var SEGMENTER = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("ja", { granularity: "word" }) : null;
function segmented(words) {
  if (!SEGMENTER) return words;
  var out = [];
  words.forEach(function (word) {
    Array.from(SEGMENTER.segment(word)).forEach(function (part) {
      if (part.isWordLike && !/^[\u3040-\u309f]$/.test(part.segment)) out.push(part.segment);
    });
  });
  return withoutLoneCharacters(out);
}

// The pages with every word, as typed and as segmented (the better score of the two); when
// they are fewer than a screen, those with some of the words after them (モバイル alert).
function ranked(module, words) {
  var searches = [words.join(" ")];
  var split = segmented(words).join(" ");
  if (split !== searches[0]) searches.push(split);
  var scores = new Map();
  function add(results, weight) {
    results.forEach(function (result) {
      var known = scores.get(result.id);
      var score = result.score * weight;
      if (!known || known.score < score) scores.set(result.id, { result: result, score: score });
    });
  }
  return Promise.all(searches.map(function (q) { return module.search(q); })).then(function (all) {
    all.forEach(function (search) { add(search.results, 1); });
    if (scores.size >= 5 || words.length < 2) return scores;
    return Promise.all(words.map(function (w) { return module.search(w); })).then(function (each) {
      each.forEach(function (search) { add(search.results, 1 / words.length); });
      return scores;
    });
  }).then(function (found) {
    return Array.from(found.values()).sort(function (a, b) { return b.score - a.score; });
  });
}

// The pages holding the query as typed (each of its words whole) come first: a compound
// typed as one word (監査ログ) is looked up as its parts (監査, ログ), and Pagefind's
// Japanese dictionary splits ログイン into ログ|イン; 無料 is looked up as a prefix of 無償.
function reranked(query, got) {
  var typed = folded(query).split(/\s+/).filter(Boolean);
  var entries = got.data.map(function (d, i) {
    var whole = typed.every(function (token) { return got.texts[i].indexOf(token) >= 0; });
    return { data: d, score: got.found[i].score * (whole ? WHOLE : 1) };
  });
  return entries.sort(function (a, b) { return b.score - a.score; }).slice(0, SHOWN);
}

// The title and text of the found pages from `start`, one screen of them.
function fetched(found, start) {
  var some = found.slice(start, start + SHOWN);
  return Promise.all(some.map(function (entry) { return entry.result.data(); })).then(function (data) {
    var texts = data.map(function (d) { return folded((d.meta.title || "") + " " + d.content); });
    return { found: some, data: data, texts: texts };
  });
}

var latest = 0;
function answer(query, id) {
  var words = queryWords(query);
  if (!words.length) return Promise.resolve({ items: [] });
  var terms = {};
  words.forEach(function (word) { terms[word] = true; });
  return load().then(function (module) {
    return ranked(module, words);
  }).then(function (found) {
    if (id !== latest) return null; // a later query is on its way
    return fetched(found, 0).then(function (first) {
      if (answers(words, first.texts) || found.length <= SHOWN) return first;
      // The best pages do not answer it: the next ones may (無料 is on the plans page, which
      // ranks below pages of 無償), fetched only then.
      return fetched(found, SHOWN).then(function (next) {
        return {
          found: first.found.concat(next.found),
          data: first.data.concat(next.data),
          texts: first.texts.concat(next.texts)
        };
      });
    }).then(function (got) {
      if (id !== latest) return null;
      if (!answers(words, got.texts)) return { items: [] };
      return { items: reranked(query, got).map(function (e) { return item(e.data, e.score, terms); }) };
    });
  });
}

addEventListener("message", function (event) {
  var message = event.data;
  if (message.type === 0) {
    postMessage({ type: 1 });
  } else if (message.type === 2) {
    // Material asks on every key: a query typed on is not searched (nor its chunks fetched).
    var id = ++latest;
    setTimeout(function () {
      if (id !== latest) return;
      answer(String(message.data), id).then(function (data) {
        if (data && id === latest) postMessage({ type: 3, data: data });
      }, function (error) {
        console.warn("search:", error);
        postMessage({ type: 3, data: { items: [] } });
      });
    }, PAUSE);
  }
});
