/* Phasebook: the static site may be days old, so the visitor's clock decides what is past. */
(function () {
  "use strict";

  function hidePastSessions(root) {
    var now = Date.now();
    root.querySelectorAll(".pb-schedule time[data-pb-end]").forEach(function (time) {
      var row = time.closest("tr");
      if (row && Date.parse(time.getAttribute("data-pb-end")) <= now) {
        row.hidden = true;
        row.classList.add("pb-past-row");
      }
    });
  }

  // Material swaps pages without reloading when navigation.instant is on.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { hidePastSessions(document); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { hidePastSessions(document); });
  }
})();
