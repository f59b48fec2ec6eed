/* specaudit report: filters, search, sorting and chunked rendering of the embedded findings.
   Claim text only ever reaches the page through createTextNode/textContent, never as HTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("specaudit-data").textContent);
  var F = DATA.findings, ROWS = DATA.spec_rows;
  var SEV = {}, VER = {};
  DATA.severities.forEach(function (s, i) { SEV[s] = i; });
  DATA.verdicts.forEach(function (v, i) { VER[v] = i; });
  var CHUNK = 200;
  var form = document.getElementById("filters");
  var results = document.getElementById("results");
  var statusEl = document.getElementById("status");
  var moreBtn = document.getElementById("more");

  F.forEach(function (f) {
    f.text = f.parts.map(function (p) { return p[0]; }).join("");
    f._hay = [f.text, f.feature, f.feature_id, f.message, f.suggestion, f.source, f.record || "", f.channel,
              f.model || "", f.claimed || "", f.spec || "", f.verdict, f.rule].join("\n").toLowerCase();
  });

  var COLUMNS = [
    { key: "severity", label: "Severity", cls: "c-sev" },
    { key: "verdict", label: "Verdict", cls: "c-ver" },
    { key: "feature", label: "Feature", cls: "c-feat" },
    { key: null, label: "Claim, message and suggestion", cls: "c-claim" },
    { key: "location", label: "Location", cls: "c-loc" },
    { key: "channel", label: "Channel", cls: "c-ch" }
  ];
  var sort = { key: "location", dir: 1 };
  var view = [], shown = 0, groupEl = null, groupKey = null, tbody = null, printing = false;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmt(n) { return n.toLocaleString("en-US"); }

  function cmp(a, b) {
    var r = 0;
    switch (sort.key) {
      case "severity": r = SEV[b.severity] - SEV[a.severity]; break;
      case "verdict": r = VER[a.verdict] - VER[b.verdict]; break;
      case "feature": r = a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0; break;
      case "channel": r = a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0; break;
      default: r = 0;  /* location: the report's own order (file, line, column, record) */
    }
    return r * sort.dir || (sort.key === "location" ? (a.i - b.i) * sort.dir : a.i - b.i);
  }

  function readFilters() {
    var q = form.elements.q.value.trim().toLowerCase();
    var pick = function (name) {
      var out = {};
      form.querySelectorAll('input[name="' + name + '"]').forEach(function (i) { out[i.value] = i.checked; });
      return out;
    };
    return { verdict: pick("verdict"), severity: pick("severity"), channel: form.elements.channel.value,
             file: form.elements.file.value, feature: form.elements.feature.value,
             terms: q ? q.split(/\s+/) : [] };
  }

  function filter() {
    var s = readFilters(), out = [];
    for (var i = 0; i < F.length; i++) {
      var f = F[i];
      if (!s.verdict[f.verdict] || !s.severity[f.severity]) continue;
      if (s.channel && f.channel !== s.channel) continue;
      if (s.file && f.source !== s.file) continue;
      if (s.feature && f.feature !== s.feature) continue;
      var ok = true;
      for (var t = 0; t < s.terms.length; t++) { if (f._hay.indexOf(s.terms[t]) < 0) { ok = false; break; } }
      if (ok) out.push(f);
    }
    out.sort(cmp);
    return out;
  }

  function describe() {
    var s = readFilters(), parts = [];
    var off = function (m) { return Object.keys(m).filter(function (k) { return !m[k]; }); };
    var on = function (m) { return Object.keys(m).filter(function (k) { return m[k]; }); };
    if (off(s.verdict).length) parts.push("verdict: " + (on(s.verdict).join(", ") || "none"));
    if (off(s.severity).length) parts.push("severity: " + (on(s.severity).join(", ") || "none"));
    if (s.channel) parts.push("channel: " + s.channel);
    if (s.file) parts.push("file: " + s.file);
    if (s.feature) parts.push("feature: " + s.feature);
    if (s.terms.length) parts.push("search: \u201c" + s.terms.join(" ") + "\u201d");
    return parts.join(" \u00b7 ");
  }

  function header() {
    var table = el("table", "ft"), cg = el("colgroup"), thead = el("thead"), tr = el("tr");
    COLUMNS.forEach(function (c) {
      cg.appendChild(el("col", c.cls));
      var th = el("th", c.key ? "sortable" : null, c.label);
      th.scope = "col";
      if (c.key) {
        th.dataset.sort = c.key;
        th.tabIndex = 0;
        th.setAttribute("aria-sort", sort.key === c.key ? (sort.dir > 0 ? "ascending" : "descending") : "none");
      }
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    table.appendChild(cg);
    table.appendChild(thead);
    tbody = el("tbody");
    table.appendChild(tbody);
    return table;
  }

  function grouped() { return sort.key === "location" || printing; }

  function openGroup(f, counts) {
    groupEl = el("div", "group");
    if (grouped()) {
      var h = el("h3");
      h.appendChild(el("code", null, f.source));
      var n = counts[f.source];
      h.appendChild(el("span", "n", fmt(n) + " result" + (n === 1 ? "" : "s")));
      groupEl.appendChild(h);
    }
    groupEl.appendChild(header());
    results.appendChild(groupEl);
  }

  function specTable(f) {
    var row = f.row >= 0 ? ROWS[f.row] : null;
    if (!row) {
      var p = el("p", "muted", "The spec has no row for this feature.");
      return p;
    }
    var scope = {};
    (f.trims || []).forEach(function (t) { scope[t] = true; });
    var t = el("table", "spec-row"), thead = el("thead"), hr = el("tr"), tb = el("tbody"), br = el("tr");
    hr.appendChild(el("th", "feat", row.section ? row.section : "feature"));
    br.appendChild(el("td", "feat", row.feature));
    row.cells.forEach(function (c) {
      var th = el("th", scope[c[0]] ? "scope" : null, c[0]);
      th.scope = "col";
      if (scope[c[0]]) th.title = "a trim the claim speaks of";
      hr.appendChild(th);
      br.appendChild(el("td", scope[c[0]] ? "scope" : null, c[1]));
    });
    thead.appendChild(hr); tb.appendChild(br); t.appendChild(thead); t.appendChild(tb);
    return t;
  }

  function facts(f) {
    var dl = el("dl", "facts");
    var add = function (k, v) { if (v === null || v === undefined || v === "") return; dl.appendChild(el("dt", null, k)); dl.appendChild(el("dd", null, v)); };
    add("claimed", f.claimed);
    add("spec says", f.spec);
    add("trims in scope", (f.trims || []).join(" / "));
    add("model", f.model);
    add("matched words", f.match);
    add("rule", f.rule);
    add("match score", f.score < 100 ? String(f.score) + " (fuzzy)" : null);
    add("kind", f.kind);
    add("source", f.source + (f.where !== "-" ? " \u00b7 " + f.where : ""));
    add("suppressed", f.suppressed);
    return dl;
  }

  function rowsFor(f) {
    var tr = el("tr", "f sev-" + f.severity + (f.suppressed ? " suppressed" : ""));
    tr.dataset.i = f.i;
    tr.dataset.verdict = f.verdict;
    tr.dataset.severity = f.severity;
    var c1 = el("td");
    var btn = el("button", "toggle", "\u25b8");
    btn.type = "button";
    btn.setAttribute("aria-expanded", "false");
    btn.setAttribute("aria-label", "show the spec row");
    c1.appendChild(btn);
    c1.appendChild(el("span", "pill s-" + f.severity, f.severity));
    tr.appendChild(c1);
    var c2 = el("td"); c2.appendChild(el("span", "pill v-" + f.verdict, f.verdict)); tr.appendChild(c2);
    tr.appendChild(el("td", "feat", f.feature));
    var c4 = el("td"), claim = el("p", "claim");
    claim.lang = "zh-Hans";
    f.parts.forEach(function (p) { claim.appendChild(p[1] ? el("mark", null, p[0]) : document.createTextNode(p[0])); });
    c4.appendChild(claim);
    if (f.message) c4.appendChild(el("p", "msg", f.message));
    if (f.suggestion) c4.appendChild(el("p", "sug", "\u2192 " + f.suggestion));
    if (f.suppressed) c4.appendChild(el("p", "sup-note", "suppressed: " + f.suppressed));
    tr.appendChild(c4);
    var c5 = el("td");
    c5.appendChild(el("span", "loc", f.where));
    if (!grouped()) c5.appendChild(el("span", "file", f.source));
    tr.appendChild(c5);
    tr.appendChild(el("td", null, f.channel));

    var dt = el("tr", "detail"), td = el("td"), box = el("div", "detail-box");
    td.colSpan = COLUMNS.length;
    box.appendChild(specTable(f));
    box.appendChild(facts(f));
    td.appendChild(box); dt.appendChild(td);
    dt.hidden = true;
    return [tr, dt];
  }

  var groupCounts = {};
  function renderMore(n) {
    var end = Math.min(view.length, shown + n);
    for (var k = shown; k < end; k++) {
      var f = view[k], key = grouped() ? f.source : "";
      if (!groupEl || key !== groupKey) { groupKey = key; openGroup(f, groupCounts); }
      var pair = rowsFor(f);
      tbody.appendChild(pair[0]); tbody.appendChild(pair[1]);
    }
    shown = end;
    var rest = view.length - shown;
    moreBtn.hidden = rest <= 0;
    moreBtn.textContent = "Show " + fmt(Math.min(rest, CHUNK)) + " more (" + fmt(rest) + " not shown)";
    var d = describe();
    statusEl.textContent = "Showing " + fmt(shown) + " of " + fmt(view.length) + " matching result" +
      (view.length === 1 ? "" : "s") + " (" + fmt(F.length) + " in the report)" + (d ? " \u2014 filtered by " + d : "");
  }

  function render(all) {
    view = filter();
    groupCounts = {};
    view.forEach(function (f) { groupCounts[f.source] = (groupCounts[f.source] || 0) + 1; });
    results.textContent = "";
    groupEl = null; groupKey = null; tbody = null; shown = 0;
    if (!view.length) results.appendChild(el("p", "empty", "No result matches these filters."));
    renderMore(all ? view.length : CHUNK);
  }

  function toggle(tr, open) {
    var dt = tr.nextElementSibling;
    if (!dt || !dt.classList.contains("detail")) return;
    open = open === undefined ? dt.hidden : open;
    dt.hidden = !open;
    tr.classList.toggle("open", open);
    var b = tr.querySelector(".toggle");
    if (b) { b.setAttribute("aria-expanded", String(open)); b.textContent = open ? "\u25be" : "\u25b8"; }
  }

  results.addEventListener("click", function (ev) {
    var th = ev.target.closest("th.sortable");
    if (th) {
      var key = th.dataset.sort;
      sort = { key: key, dir: sort.key === key ? -sort.dir : 1 };
      render(false);
      return;
    }
    var tr = ev.target.closest("tr.f");
    if (tr && !String(window.getSelection ? window.getSelection() : "")) toggle(tr);
  });
  results.addEventListener("keydown", function (ev) {
    if ((ev.key === "Enter" || ev.key === " ") && ev.target.matches("th.sortable")) { ev.preventDefault(); ev.target.click(); }
  });
  form.addEventListener("input", function () { render(false); });
  form.addEventListener("change", function () { render(false); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(function () { render(false); }, 0); });
  moreBtn.addEventListener("click", function () { renderMore(CHUNK); });
  if ("IntersectionObserver" in window) {
    new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; }) && !moreBtn.hidden) renderMore(CHUNK);
    }, { rootMargin: "600px" }).observe(moreBtn);
  }

  /* The matrix: a click on a cell lists that feature's claims in that channel, whatever their verdict. */
  function showCell(td) {
    form.reset();
    form.querySelectorAll('input[name="verdict"], input[name="severity"]').forEach(function (i) { i.checked = true; });
    form.elements.feature.value = td.dataset.feature;
    form.elements.channel.value = td.dataset.channel;
    render(false);
    document.getElementById("findings").scrollIntoView();
  }
  var okRows = document.getElementById("ok-rows"), showOk = document.getElementById("show-ok");
  if (okRows && showOk) {
    showOk.addEventListener("click", function () {
      okRows.hidden = !okRows.hidden;
      showOk.setAttribute("aria-expanded", String(!okRows.hidden));
      showOk.textContent = showOk.textContent.replace(/^(Show|Hide)/, okRows.hidden ? "Show" : "Hide");
    });
  }
  var matrix = document.getElementById("matrix");
  if (matrix) {
    matrix.addEventListener("click", function (ev) { var td = ev.target.closest("td.said"); if (td) showCell(td); });
    matrix.addEventListener("keydown", function (ev) {
      var td = ev.target.closest("td.said");
      if (td && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); showCell(td); }
    });
  }

  /* Printing: every matching finding, grouped by file (a page each), details unfolded. */
  function beforePrint() { if (printing) return; printing = true; render(true); }
  function afterPrint() { if (!printing) return; printing = false; render(false); }
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  if (window.matchMedia) {
    var mq = window.matchMedia("print");
    var onChange = function (e) { (e.matches ? beforePrint : afterPrint)(); };
    if (mq.addEventListener) mq.addEventListener("change", onChange); else if (mq.addListener) mq.addListener(onChange);
  }

  window.specaudit = { render: render, count: function () { return view.length; }, shown: function () { return shown; },
                       beforePrint: beforePrint, afterPrint: afterPrint };
  render(false);
})();
