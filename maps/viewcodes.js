// The map's filter computed in the browser, exactly as Python computes it: codes(d, spec) gives
// the same one-character-per-project string as maps.browserdata.view_codes of
// geo.filter.apply_filter for the same filter, from the data sent once per version (d is
// __shinanData[key]; d.filter comes from maps.browserdata.filter_views). legend() and
// timeLabel() say what the legend and the year box then show, as maps.webmap.legend_html and
// geo.view.time_label would. Pure functions: no page, no map (the page script uses them).
// No "<" directly before a letter, "/" or "!" anywhere: Streamlit's sanitizer would drop it.
(function (root) {
  var F = (root.ShinanFilter = root.ShinanFilter || {});
  var HIDDEN = 46; // "."

  function member(values, wanted) {
    var out = {};
    values.forEach(function (v) { out[v] = wanted.indexOf(v) >= 0; });
    return out;
  }

  // spec: {mode: "all" | "as_of" | "period", layers: [...], statuses: [...], as_of, years}.
  // Null when the data cannot say (a year the sidebar does not offer): the server decides.
  F.codes = function (d, spec) {
    var f = d.filter, base;
    if (spec.mode === "as_of") base = f.asOf[String(spec.as_of)];
    else if (spec.mode === "all" || spec.mode === "period") base = f.all;
    if (base === undefined) return null;
    var layerOn = member(d.layers, spec.layers), statusOn = member(d.statuses, spec.statuses);
    var spans = null;
    if (spec.mode === "period") {
      // A project is kept when one of its milestones' whole span lies in the range.
      spans = [];
      f.spans.forEach(function (span, k) {
        if (spec.years[0] <= span[0] && span[1] <= spec.years[1]) spans.push(f.inSpan[k]);
      });
    }
    var out = new Array(d.id.length);
    for (var i = 0; i !== out.length; i++) {
      var c = base.charCodeAt(i), keep = c !== HIDDEN;
      keep = keep && layerOn[d.layers[d.layer[i]]] && statusOn[d.statuses[(c - 97) >> 1]];
      if (keep && spans) keep = spans.some(function (s) { return s.charCodeAt(i) === 49; });
      out[i] = keep ? base[i] : ".";
    }
    return out.join("");
  };

  // What the legend shows for ``codes``: layers (rows), statuses (columns), per cell whether
  // it is hollow (every project of that layer and status a target or planned), and the notes.
  F.legend = function (d, spec, codes) {
    var cells = {}, schematic = false, planned = d.filter.planned;
    for (var i = 0; i !== codes.length; i++) {
      var c = codes.charCodeAt(i);
      if (c === HIDDEN) continue;
      var k = c - 97, status = k >> 1, key = d.layers[d.layer[i]] + "|" + d.statuses[status];
      var hollowOnly = (k & 1) === 1 || status === planned;
      cells[key] = (cells[key] === undefined ? true : cells[key]) && hollowOnly;
      if (d.prec[i] === 2) schematic = true;
    }
    var keys = Object.keys(cells);
    function any(test) { return keys.some(test); }
    return {
      layers: d.layers.filter(function (l) {
        return spec.layers.indexOf(l) >= 0 && any(function (key) { return key.split("|")[0] === l; });
      }),
      statuses: d.statuses.filter(function (s) {
        return any(function (key) { return key.split("|")[1] === s; });
      }),
      cells: cells,
      hollow: any(function (key) { return cells[key]; }),
      schematic: schematic,
    };
  };

  // [label, note] of the year box, as geo.view.time_label says it.
  F.timeLabel = function (d, spec) {
    var text = d.filter.text;
    if (spec.mode === "as_of") return text.asOf[String(spec.as_of)] || null;
    if (spec.mode === "period") {
      var first = spec.years[0], last = spec.years[1];
      var span = first === last ? String(first) : first + "\u2013" + last;
      return [text.period[0][0] + span + text.period[0][1], text.period[1]];
    }
    return text.all;
  };

  // Show in ``table`` (a legend made by legend_html(every=True)) what ``state`` says.
  F.showLegend = function (box, state) {
    function hide(el, hidden) {
      if (hidden) el.setAttribute("hidden", "");
      else el.removeAttribute("hidden");
    }
    box.querySelectorAll("tr[data-layer]").forEach(function (tr) {
      hide(tr, state.layers.indexOf(tr.getAttribute("data-layer")) === -1);
    });
    box.querySelectorAll("th[data-status]").forEach(function (th) {
      hide(th, state.statuses.indexOf(th.getAttribute("data-status")) === -1);
    });
    box.querySelectorAll("td[data-status]").forEach(function (td) {
      var status = td.getAttribute("data-status"), hollow = td.getAttribute("data-hollow");
      var layer = td.parentNode.getAttribute("data-layer");
      var cell = state.cells[layer + "|" + status], want;
      if (state.statuses.indexOf(status) === -1) want = null;
      else if (cell === undefined) want = "";
      else want = cell ? "1" : "0";
      hide(td, hollow !== want);
    });
    box.querySelectorAll("[data-note]").forEach(function (note) {
      var kind = note.getAttribute("data-note");
      hide(note, kind === "hollow" ? !state.hollow : kind === "schematic" ? !state.schematic : false);
    });
  };
})(window);
