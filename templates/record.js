(function () {
  "use strict";
  var body = document.body;
  var controls = document.querySelector(".ctl");
  var timeline = document.getElementById("tl");
  var transcript = document.getElementById("tr");
  // Filled in by setUpSearch; showing the transcript in place re-runs it.
  var search = function () {};
  if (controls && timeline) {
    controls.hidden = false;
    setUpFilter();
    setUpSearch();
    setUpInPlace();
  }
  setUpPrinting();
  performance.mark("scribe-ready");

  // One attribute on <body> drives the phase filter through the
  // stylesheet, so a click restyles once instead of touching every row.
  function setUpFilter() {
    var buttons = controls.querySelectorAll("button[data-phase]");
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        body.setAttribute("data-f", button.getAttribute("data-phase"));
        buttons.forEach(function (other) {
          other.setAttribute("aria-pressed", String(other === button));
        });
      });
    });
  }

  // The rows a search looks through: the timeline's entries, and the
  // transcript's messages while they are shown in place.
  function searchable() {
    return timeline.querySelectorAll(":scope > li:not(.dy):not(.w), :scope > li.w > .tr > li:not(.dy)");
  }

  function setUpSearch() {
    var input = document.getElementById("q");
    var note = document.getElementById("qn");
    var texts = new Map();
    var pending = 0;
    search = function () {
      var words = input.value.trim().toLowerCase();
      var shown = 0;
      searchable().forEach(function (row) {
        var text = texts.get(row);
        if (text === undefined) {
          text = row.textContent.toLowerCase();
          texts.set(row, text);
        }
        var hit = words === "" || text.indexOf(words) !== -1;
        row.classList.toggle("miss", !hit);
        if (hit) shown += 1;
      });
      note.textContent = words === "" ? "" : shown + (shown === 1 ? " row matches" : " rows match");
    };
    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(search, 120);
    });
  }

  // Each timeline row knows how many of the transcript's lists come
  // before it (data-n), so the transcript's own lists are moved in and
  // out, each in a list item of the timeline: every message exists once
  // in the page, and a move touches a few hundred nodes, not every row.
  function setUpInPlace() {
    var toggle = document.getElementById("inplace");
    if (!transcript) {
      toggle.hidden = true;
      return;
    }
    var lists = Array.prototype.slice.call(transcript.children);
    var wrappers = lists.map(function (list) {
      var item = document.createElement("li");
      item.className = list.classList.contains("dd") ? "w wd" : "w " + phaseOf(list);
      return item;
    });
    var note = document.getElementById("trnote");
    toggle.addEventListener("click", function () {
      var on = toggle.getAttribute("aria-pressed") !== "true";
      if (on) {
        interleave(lists, wrappers);
      } else {
        putBack(lists, wrappers);
      }
      toggle.setAttribute("aria-pressed", String(on));
      body.classList.toggle("merged", on);
      note.hidden = !on;
      search();
    });
  }

  function phaseOf(list) {
    for (var i = 0; i < list.classList.length; i += 1) {
      if (/^p[0-9]$/.test(list.classList[i])) return list.classList[i];
    }
    return "";
  }

  function interleave(lists, wrappers) {
    var from = 0;
    Array.prototype.slice.call(timeline.children).forEach(function (row) {
      var upTo = Number(row.getAttribute("data-n"));
      if (!(upTo > from)) return;
      timeline.insertBefore(wrapped(lists, wrappers, from, upTo), row);
      from = upTo;
    });
    timeline.appendChild(wrapped(lists, wrappers, from, lists.length));
  }

  function wrapped(lists, wrappers, from, to) {
    var fragment = document.createDocumentFragment();
    for (var i = from; i < to; i += 1) {
      wrappers[i].appendChild(lists[i]);
      fragment.appendChild(wrappers[i]);
    }
    return fragment;
  }

  function putBack(lists, wrappers) {
    var fragment = document.createDocumentFragment();
    lists.forEach(function (list, i) {
      fragment.appendChild(list);
      wrappers[i].remove();
    });
    transcript.appendChild(fragment);
  }

  // Printed, the record shows everything a collapsed section holds.
  function setUpPrinting() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details:not([open])").forEach(function (d) {
        d.open = true;
        opened.push(d);
      });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (d) {
        d.open = false;
      });
      opened = [];
    });
  }
})();
