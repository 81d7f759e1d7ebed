/* kgraph: draws the visit network embedded in this page as JSON.
 * Every text from the data is set with textContent (never as HTML); only http(s)
 * sources become links. The page holds every pair with its visits (day, agreements,
 * topics), filters them by years and topic, and draws the most visited pairs up to the
 * edge budget. Labels are DOM elements placed so that they never overlap nor leave the
 * graph; physics (force layout) arranges the graph and then stops. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var W = data.words;
  var main = document.getElementById("kg-main");
  var container = document.getElementById("kg-graph");
  var labelLayer = document.getElementById("kg-labels");
  var statusLine = document.getElementById("kg-status");
  var tip = document.getElementById("kg-tip");
  var geo = data.layout === "geo";
  var NODES = data.nodes, EDGES = data.edges, N = NODES.length, E = EDGES.length;
  var budget = data.budget > 0 ? data.budget : Infinity;
  var state = { stable: false, pinned: false, hover: null, focus: null, drawn: [],
                filter: { from: null, to: null, topic: null } };
  var GEO_EDGE = 0.45;  // screen pixels per unit of edge width on the map
  var FADED = 0.15;

  // ------------------------------------------------------------------ words

  function say(key, n, values) {
    var word = W[key];
    if (Array.isArray(word)) word = n === 1 ? word[0] : word[1];
    values = values || {};
    if (n !== undefined && n !== null) values.n = n;
    return String(word).replace(/\{(\w+)\}/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : m;
    });
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function isSafeUrl(url) {
    if (typeof url !== "string" || !/^https?:\/\/[^\s\u0000-\u001f\u007f]+$/i.test(url)) return false;
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:";
    } catch (e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ filtering

  var years = data.years;
  var yearOfDay = {};
  function year(day) {
    var y = yearOfDay[day];
    if (y === undefined) y = yearOfDay[day] = new Date(day * 86400000).getUTCFullYear();
    return y;
  }
  function isoDay(day) { return new Date(day * 86400000).toISOString().slice(0, 10); }

  function narrowed() {
    var f = state.filter;
    return !!years && f.from !== null && (f.from > years[0] || f.to < years[1]);
  }
  function filtered() { return narrowed() || state.filter.topic !== null; }

  function matches(v) {  // v: [day, agreements, topic ids...]
    var f = state.filter;
    if (narrowed()) {
      if (v[0] === null) return false;
      var y = year(v[0]);
      if (y < f.from || y > f.to) return false;
    }
    if (f.topic === null) return true;
    for (var i = 2; i < v.length; i++) if (v[i] === f.topic) return true;
    return false;
  }

  function lineMatches(line) {  // a tooltip's visit line: {date, topics: [labels]}
    var f = state.filter;
    if (narrowed()) {
      if (!line.date) return false;
      var y = parseInt(line.date.slice(0, 4), 10);
      if (y < f.from || y > f.to) return false;
    }
    return f.topic === null || line.topics.indexOf(data.topics[f.topic][0]) >= 0;
  }

  var counts = new Int32Array(E);
  var made = new Int32Array(N), received = new Int32Array(N);
  var edgesOf = [];
  for (var i0 = 0; i0 < N; i0++) edgesOf.push([]);
  EDGES.forEach(function (e, id) {
    edgesOf[e.f].push(id);
    if (e.t !== e.f) edgesOf[e.t].push(id);
  });

  function recount() {
    made.fill(0);
    received.fill(0);
    var all = !filtered();
    for (var id = 0; id < E; id++) {
      var e = EDGES[id], c = 0;
      if (all) c = e.v.length;
      else for (var j = 0; j < e.v.length; j++) if (matches(e.v[j])) c++;
      counts[id] = c;
      made[e.f] += c;
      received[e.t] += c;
    }
  }

  /* The pairs to draw: the most visited under the filters, up to the budget (edges are
   * in the page's rank order, so ties keep it), and the focused region's own pairs. */
  function choose() {
    var candidates = [];
    for (var id = 0; id < E; id++) if (counts[id] > 0) candidates.push(id);
    if (filtered()) candidates.sort(function (a, b) { return counts[b] - counts[a] || a - b; });
    var chosen = candidates.slice(0, budget);
    if (state.focus !== null && budget < candidates.length) {
      var have = new Set(chosen), extra = 0;
      candidates.forEach(function (id) {
        var e = EDGES[id];
        if ((e.f === state.focus || e.t === state.focus) && !have.has(id) && extra < budget) {
          chosen.push(id);
          extra++;
        }
      });
    }
    return { drawn: chosen, total: candidates.length };
  }

  // ------------------------------------------------------------------ sizes and styles

  function nodeSize(visits) { return Math.round(Math.min(48, 9 + 6 * Math.log1p(Math.max(visits, 0))) * 10) / 10; }
  function edgeWidth(count) { return Math.round(Math.min(12, 1.5 + 1.8 * Math.log(Math.max(count, 1))) * 100) / 100; }
  function nodeVisits(id) { return filtered() ? made[id] + received[id] : NODES[id].tip.made + NODES[id].tip.received; }

  /* Lines of the drawn pairs go from faint (the fewest visits) to dark (the most). */
  var minCount = 1, maxCount = 1, maxVisits = 1;
  function opacity(count) {
    if (maxCount <= minCount) return 0.7;
    var t = (Math.log(count) - Math.log(minCount)) / (Math.log(maxCount) - Math.log(minCount));
    return Math.round((0.22 + 0.63 * t) * 100) / 100;
  }
  function measureDrawn() {
    minCount = Infinity;
    maxCount = 1;
    state.drawn.forEach(function (id) {
      minCount = Math.min(minCount, counts[id]);
      maxCount = Math.max(maxCount, counts[id]);
    });
    if (minCount === Infinity) minCount = 1;
    maxVisits = 1;
    shownNodes.forEach(function (id) { maxVisits = Math.max(maxVisits, nodeVisits(id)); });
  }

  /* On the map a circle's area grows with the region's visits (a proportional symbol),
   * in screen pixels whatever the zoom; in the force layout, with their logarithm. */
  var zoom = 1;
  function nodeStyle(id) {
    if (geo) {
      var radius = 2.5 + 9.5 * Math.sqrt(nodeVisits(id) / Math.max(maxVisits, 20));
      return { id: id, size: radius / zoom };
    }
    return { id: id, size: filtered() ? nodeSize(nodeVisits(id)) : NODES[id].size };
  }
  function edgeStyle(id, faded) {
    var c = counts[id], w = edgeWidth(c);
    return {
      id: id, width: geo ? w * GEO_EDGE / zoom : w,
      color: { color: "#4a5568", highlight: "#b83280", hover: "#b83280", inherit: false,
               opacity: faded ? 0.05 : opacity(c) },
      arrows: { to: { enabled: true, scaleFactor: geo ? 0.5 / zoom : 0.55 } }
    };
  }

  // ------------------------------------------------------------------ the network

  recount();
  var first = choose();
  state.drawn = first.drawn;
  var shownNodes = new Set();
  state.drawn.forEach(function (id) { shownNodes.add(EDGES[id].f); shownNodes.add(EDGES[id].t); });
  var big = shownNodes.size > 150 || state.drawn.length > 600;
  measureDrawn();

  var nodes = new vis.DataSet(NODES.map(function (n) {
    var hidden = !shownNodes.has(n.id);
    var node = {
      id: n.id, size: n.size, hidden: hidden, physics: !hidden,
      color: { background: n.color, border: "#2d3748",
               highlight: { background: n.color, border: "#000000" },
               hover: { background: n.color, border: "#000000" } }
    };
    if (geo) { node.x = n.x; node.y = n.y; node.fixed = true; }
    return node;
  }));
  var edges = new vis.DataSet(state.drawn.map(function (id) {
    var style = edgeStyle(id, false);
    style.from = EDGES[id].f;
    style.to = EDGES[id].t;
    return style;
  }));

  var options = {
    autoResize: true,
    nodes: { shape: "dot", borderWidth: 1 },
    edges: {
      smooth: { enabled: true, type: "curvedCW", roundness: 0.15 },
      selectionWidth: function (w) { return w * 1.5; },
      hoverWidth: function (w) { return w * 1.5; }
    },
    interaction: { hover: true, tooltipDelay: 100, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                   keyboard: false, multiselect: false, navigationButtons: false,
                   dragNodes: !geo },
    layout: { randomSeed: 7, improvedLayout: shownNodes.size <= 100 },
    physics: geo ? false : {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -80, centralGravity: 0.012,
                          springLength: 120, springConstant: 0.06, avoidOverlap: 0.5 },
      stabilization: { enabled: true, iterations: big ? 200 : 1000, updateInterval: 25, fit: true },
      minVelocity: 1
    }
  };

  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  // ------------------------------------------------------------------ the map

  var land = null, frame = null;
  if (geo && data.geo) {
    var g = data.geo, unit = g.outline.unit;
    var px = function (lon) { return (lon - g.lon0) * g.scale; };
    var py = function (lat) { return -lat * g.scale; };
    land = new Path2D();
    g.outline.rings.forEach(function (r) {
      var x = 0, y = 0;
      for (var k = 0; k < r.length; k += 2) {
        x += r[k];
        y += r[k + 1];
        if (k === 0) land.moveTo(px(x * unit), py(y * unit));
        else land.lineTo(px(x * unit), py(y * unit));
      }
      land.closePath();
    });
    var f = g.outline.frame;
    frame = [px(f[0]), py(f[3]), px(f[2]) - px(f[0]), py(f[1]) - py(f[3])];
    container.classList.add("kg-sea");
    network.on("beforeDrawing", function (ctx) {
      var s = network.getScale();
      ctx.save();
      ctx.fillStyle = "#f4f1e8";
      ctx.fill(land, "evenodd");
      ctx.strokeStyle = "#9fb0c0";
      ctx.lineWidth = 1 / s;
      ctx.stroke(land);
      ctx.restore();
    });
  }

  function fitView() {
    if (!geo) { network.fit({ animation: false }); return; }
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    shownNodes.forEach(function (id) {
      var n = NODES[id];
      x0 = Math.min(x0, n.x); x1 = Math.max(x1, n.x);
      y0 = Math.min(y0, n.y); y1 = Math.max(y1, n.y);
    });
    if (x0 === Infinity) { x0 = frame[0]; y0 = frame[1]; x1 = frame[0] + frame[2]; y1 = frame[1] + frame[3]; }
    var minW = 10 * data.geo.scale, minH = 6 * data.geo.scale;  // at least 10° by 6°
    var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    var w = Math.max(x1 - x0, minW), h = Math.max(y1 - y0, minH);
    var pad = 48;
    var scale = Math.min((container.clientWidth - 2 * pad) / w, (container.clientHeight - 2 * pad) / h);
    network.moveTo({ position: { x: cx, y: cy }, scale: scale > 0 ? scale : 1, animation: false });
    rescale();
  }

  /* On the map, circles, lines and arrows keep their size on screen while zooming. */
  function rescale() {
    if (!geo) return;
    zoom = network.getScale();
    nodes.update(Array.from(shownNodes, nodeStyle));
    restyleEdges();
  }
  var rescaling = false;
  network.on("afterDrawing", function () {  // a zoom by the wheel, by fit(), by focus()
    if (!geo || rescaling || Math.abs(network.getScale() - zoom) < 1e-9 * zoom) return;
    rescaling = true;
    requestAnimationFrame(function () { rescaling = false; rescale(); });
  });

  // ------------------------------------------------------------------ highlight

  function activeNode() { return state.hover !== null ? state.hover : state.focus; }

  function partnersOf(id) {
    var set = new Set([id]);
    state.drawn.forEach(function (e) {
      if (EDGES[e].f === id) set.add(EDGES[e].t);
      if (EDGES[e].t === id) set.add(EDGES[e].f);
    });
    return set;
  }

  function restyleEdges() {
    var active = activeNode();
    edges.update(state.drawn.map(function (id) {
      var touches = active === null || EDGES[id].f === active || EDGES[id].t === active;
      return edgeStyle(id, !touches);
    }));
  }

  function highlight() {
    var active = activeNode();
    var keep = active === null ? null : partnersOf(active);
    nodes.update(Array.from(shownNodes, function (id) {
      return { id: id, opacity: keep === null || keep.has(id) ? 1 : FADED };
    }));
    restyleEdges();
  }

  // ------------------------------------------------------------------ labels

  var measure = document.createElement("canvas").getContext("2d");
  measure.font = "12px system-ui, 'Segoe UI', Roboto, Arial, sans-serif";
  var strongMeasure = document.createElement("canvas").getContext("2d");
  strongMeasure.font = "600 12px system-ui, 'Segoe UI', Roboto, Arial, sans-serif";
  var widths = {};
  var LABEL_H = 15, MAX_LABELS = 250, FREE_LABELS = 8;
  var pool = [];

  function labelWidth(id, strong) {
    var key = (strong ? "b" : "") + id;
    if (widths[key] === undefined) {
      widths[key] = Math.ceil((strong ? strongMeasure : measure).measureText(NODES[id].short).width) + 2;
    }
    return widths[key];
  }

  function overlaps(a, list) {
    for (var i = 0; i < list.length; i++) {
      var b = list[i];
      if (a[0] < b[2] + 1 && b[0] < a[2] + 1 && a[1] < b[3] + 1 && b[1] < a[3] + 1) return true;
    }
    return false;
  }

  function coversCircle(box, own, visible, circles) {
    for (var i = 0; i < visible.length; i++) {
      var b = circles[visible[i]][3];
      if (visible[i] !== own && box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]) return true;
    }
    return false;
  }

  /* Greedy placement: the hovered or focused region and its partners first, then the
   * busiest regions; each label tries right, left, above and below its circle and is
   * shown only where it overlaps no other label, covers no other circle and stays
   * inside the graph. */
  function placeLabels() {
    var width = container.clientWidth, height = container.clientHeight;
    var active = activeNode();
    var keep = active === null ? null : partnersOf(active);
    var order = Array.from(shownNodes).filter(function (id) { return keep === null || keep.has(id); });
    var weight = {};
    order.forEach(function (id) { weight[id] = nodeVisits(id); });
    order.sort(function (a, b) {
      return (b === active) - (a === active) || weight[b] - weight[a] ||
             (NODES[a].label < NODES[b].label ? -1 : NODES[a].label > NODES[b].label ? 1 : 0);
    });
    var visible = Array.from(shownNodes);
    var positions = network.getPositions(visible), scale = network.getScale();
    var circles = {};  // the circles on screen: a label covers none but its own
    visible.forEach(function (id) {
      var p = network.canvasToDOM(positions[id]), r = (nodes.get(id).size || 8) * scale * 0.85;
      circles[id] = [p.x, p.y, r, [p.x - r, p.y - r, p.x + r, p.y + r]];
    });
    var placed = [], boxes = [];
    for (var k = 0; k < order.length && placed.length < MAX_LABELS; k++) {
      var id = order[k], strong = id === active, c = circles[id];
      if (c[0] < 0 || c[1] < 0 || c[0] > width || c[1] > height) continue;
      var r = c[2] / 0.85 + 2;
      var w = labelWidth(id, strong), h = LABEL_H;
      var tries = [[c[0] + r + 1, c[1] - h / 2], [c[0] - r - 1 - w, c[1] - h / 2],
                   [c[0] - w / 2, c[1] - r - h], [c[0] - w / 2, c[1] + r]];
      for (var t = 0; t < tries.length; t++) {
        var x = Math.round(tries[t][0]), y = Math.round(tries[t][1]);
        var box = [x, y, x + w, y + h];
        if (x < 2 || y < 2 || x + w > width - 2 || y + h > height - 2 || overlaps(box, boxes)) continue;
        // The first labels (the active region, the busiest) may cover circles; the rest not.
        if (k >= FREE_LABELS && coversCircle(box, id, visible, circles)) continue;
        boxes.push(box);
        placed.push([id, x, y, strong]);
        break;
      }
    }
    while (pool.length < placed.length) pool.push(labelLayer.appendChild(el("span", "", "kg-label")));
    pool.forEach(function (span, i) {
      if (i >= placed.length) { span.hidden = true; return; }
      var item = placed[i], text = NODES[item[0]].short;
      if (span.textContent !== text) span.textContent = text;
      span.className = item[3] ? "kg-label kg-strong" : "kg-label";
      span.style.transform = "translate(" + item[1] + "px," + item[2] + "px)";
      span.dataset.node = item[0];
      span.hidden = false;
    });
  }

  network.on("afterDrawing", function () { if (state.stable) placeLabels(); });

  // ------------------------------------------------------------------ redrawing after a change

  function setNote() {
    var note = document.getElementById("kg-budget");
    var chosen = choose();
    var shownVisits = state.drawn.reduce(function (s, id) { return s + counts[id]; }, 0);
    var allVisits = 0;
    for (var id = 0; id < E; id++) allVisits += counts[id];
    var text = "";
    if (state.drawn.length < chosen.total) {
      var values = { shown: state.drawn.length, total: chosen.total, shown_visits: shownVisits,
                     visits: allVisits, left: chosen.total - state.drawn.length };
      text = say(filtered() ? "budget_note_filtered" : "budget_note", null, values);
    }
    note.textContent = text;
    note.hidden = !text;
    var regions = new Set();
    state.drawn.forEach(function (id) { regions.add(EDGES[id].f); regions.add(EDGES[id].t); });
    document.getElementById("kg-summary").textContent = state.drawn.length
      ? say("summary", null, { regions: regions.size, visits: shownVisits, pairs: state.drawn.length })
      : W.summary_none;
  }

  function refresh() {
    recount();
    var chosen = choose();
    var before = new Set(state.drawn);
    state.drawn = chosen.drawn;
    var now = new Set(state.drawn);
    var visible = new Set();
    state.drawn.forEach(function (id) { visible.add(EDGES[id].f); visible.add(EDGES[id].t); });
    var previous = shownNodes;
    shownNodes = visible;
    measureDrawn();
    var appeared = [];
    var changes = [];
    for (var id = 0; id < N; id++) {
      var was = previous.has(id), is = visible.has(id);
      var style = nodeStyle(id);
      style.hidden = !is;
      style.physics = is && !geo;
      if (is && !was && !geo) {
        appeared.push(id);
        var near = nearPartner(id, previous);
        if (near) { style.x = near.x + 30 * Math.cos(id); style.y = near.y + 30 * Math.sin(id); }
      }
      changes.push(style);
    }
    nodes.update(changes);
    edges.remove(Array.from(before).filter(function (id) { return !now.has(id); }));
    edges.update(state.drawn.map(function (id) {
      var style = edgeStyle(id, false);
      style.from = EDGES[id].f;
      style.to = EDGES[id].t;
      return style;
    }));
    highlight();
    setNote();
    if (appeared.length && !geo) settle();
    network.redraw();
  }

  function nearPartner(id, placed) {  // a partner already on the graph, to start beside it
    var positions = null;
    for (var k = 0; k < edgesOf[id].length; k++) {
      var e = EDGES[edgesOf[id][k]], other = e.f === id ? e.t : e.f;
      if (other !== id && placed.has(other) && shownNodes.has(other)) {
        positions = positions || network.getPositions([other]);
        return positions[other];
      }
    }
    return null;
  }

  function settle() {  // a short physics run for regions that just appeared
    network.setOptions({ physics: { enabled: true } });
    network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: false }); });
    network.stabilize(150);
  }

  // ------------------------------------------------------------------ stabilising

  function finished() {
    if (state.stable) return;
    if (!geo) network.setOptions({ physics: false });
    fitView();
    state.stable = true;
    state.stableAt = performance.now();
    if (N && state.drawn.length) statusLine.hidden = true;
    else statusLine.textContent = W.nothing;
    network.redraw();
  }

  if (!state.drawn.length || geo) {
    if (geo) fitView();
    network.once("afterDrawing", finished);
    if (!state.drawn.length) finished();
  } else {
    network.on("stabilizationProgress", function (p) {
      statusLine.textContent = say("arranging_pct", null, { pct: Math.round(100 * p.iterations / p.total) });
    });
    network.once("stabilizationIterationsDone", finished);
  }

  // ------------------------------------------------------------------ tooltips

  function line(parent, label, value) {
    var p = el("p");
    p.appendChild(el("span", label + ": ", "kg-muted"));
    p.appendChild(document.createTextNode(String(value)));
    parent.appendChild(p);
    return p;
  }

  function partnerList(id) {
    if (!filtered()) return NODES[id].tip.partners;
    var by = {};
    edgesOf[id].forEach(function (e) {
      var edge = EDGES[e], c = counts[e];
      if (!c) return;
      var other = edge.f === id ? edge.t : edge.f;
      if (other === id) return;  // a loop: visits inside one province
      var row = by[other] || (by[other] = [NODES[other].label, 0, 0]);
      if (edge.f === id) row[1] += c;
      if (edge.t === id) row[2] += c;
    });
    return Object.keys(by).map(function (k) { return by[k]; }).sort(function (a, b) {
      return (b[1] + b[2]) - (a[1] + a[2]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
    }).slice(0, 5);
  }

  function nodeContent(id) {
    var t = NODES[id].tip;
    var box = el("div");
    box.appendChild(el("h3", t.name));
    var facts = [t.code ? say("code", null, { code: t.code }) : W.no_code];
    if (t.type) facts.push(t.type);
    if (t.province) facts.push(t.province);
    box.appendChild(el("p", facts.join(" · "), "kg-muted"));
    var f = filtered();
    line(box, W.made, f ? made[id] : t.made);
    line(box, W.received, f ? received[id] : t.received);
    if (f) box.appendChild(el("p", W.in_view, "kg-muted"));
    var partners = partnerList(id);
    if (partners.length) {
      box.appendChild(el("p", W.partners, "kg-muted"));
      var ul = el("ul");
      partners.forEach(function (p) {
        var parts = [];
        if (p[1]) parts.push(say("visited_n", p[1]));
        if (p[2]) parts.push(say("visited_by_n", p[2]));
        ul.appendChild(el("li", p[0] + " — " + parts.join(", ")));
      });
      box.appendChild(ul);
    }
    return box;
  }

  function sourceItem(s) {
    if (s.url && isSafeUrl(s.url)) {
      var a = el("a", s.text || s.url);
      a.href = s.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }
    return el("span", s.text || s.url || "");
  }

  function trustText(trust) {
    if (!trust) return null;
    if (trust.method === "reviewed") return W.reviewed;
    if (trust.confidence === null || trust.confidence === undefined) return W.extracted_plain;
    return say("extracted", null, { c: trust.confidence.toFixed(2) });
  }

  function edgeContent(id) {
    var e = EDGES[id];
    var visits = e.v.filter(matches);
    var box = el("div");
    box.appendChild(el("h3", NODES[e.f].label + " → " + NODES[e.t].label));
    var days = visits.map(function (v) { return v[0]; }).filter(function (d) { return d !== null; });
    var when = W.undated;
    if (days.length) {
      var lo = isoDay(Math.min.apply(null, days)), hi = isoDay(Math.max.apply(null, days));
      when = lo === hi ? lo : lo + " – " + hi;
    }
    box.appendChild(el("p", say("visits_n", visits.length) + " · " + when, "kg-muted"));
    var topicCount = {}, agreements = 0;
    visits.forEach(function (v) {
      agreements += v[1];
      for (var i = 2; i < v.length; i++) topicCount[v[i]] = (topicCount[v[i]] || 0) + 1;
    });
    var top = Object.keys(topicCount).map(Number).sort(function (a, b) {
      return topicCount[b] - topicCount[a] || a - b;
    }).slice(0, 5);
    if (top.length) {
      line(box, W.top_topics, top.map(function (t) {
        var label = data.topics[t][0];
        return visits.length > 1 ? label + " (" + topicCount[t] + ")" : label;
      }).join(", "));
    }
    if (agreements) line(box, W.agreements, agreements);
    if (!e.tip) {
      box.appendChild(el("p", W.no_details, "kg-muted"));
      return box;
    }
    var lines = e.tip.filter(lineMatches);
    if (lines.length) {
      box.appendChild(el("p", visits.length > lines.length ? W.latest : W.visits_list, "kg-muted"));
      var ul = el("ul");
      lines.forEach(function (v) {
        var li = el("li");
        li.appendChild(el("strong", v.date || W.undated));
        var trust = trustText(v.trust);
        if (trust) li.appendChild(el("span", " · " + trust, "kg-trust"));
        if (v.leaders.length) li.appendChild(el("div", say("led_by", null, { x: v.leaders.join(", ") })));
        if (v.receivers.length) li.appendChild(el("div", say("received_by", null, { x: v.receivers.join(", ") })));
        if (v.topics.length) li.appendChild(el("div", say("topics", null, { x: v.topics.join(", ") })));
        v.agreements.forEach(function (a) { li.appendChild(el("div", say("signed", null, { x: a }))); });
        v.sources.forEach(function (s) {
          var d = el("div", W.source);
          d.appendChild(sourceItem(s));
          li.appendChild(d);
        });
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    if (visits.length > lines.length) box.appendChild(el("p", say("more_n", visits.length - lines.length), "kg-muted"));
    return box;
  }

  function place(pos) {  // beside the pointer, over the graph rather than the side panel
    var margin = 12;
    var x = pos.x + 14;
    var y = pos.y + 14;
    var w = tip.offsetWidth;
    var h = tip.offsetHeight;
    var right = Math.min(window.innerWidth, main.getBoundingClientRect().right);
    if (x + w + margin > right) x = Math.max(margin, pos.x - w - 14);
    if (y + h + margin > window.innerHeight) y = Math.max(margin, window.innerHeight - h - margin);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  function show(content, pos, pin) {
    tip.replaceChildren(content);
    if (pin) {
      var close = el("button", "×", "kg-close");
      close.type = "button";
      close.title = W.close;
      close.addEventListener("click", hide);
      tip.appendChild(close);
    }
    state.pinned = !!pin;
    tip.classList.toggle("kg-pinned", state.pinned);
    tip.hidden = false;
    place(pos);
  }

  function hide() {
    state.pinned = false;
    tip.hidden = true;
    tip.replaceChildren();
  }

  function contentFor(kind, id) {
    return kind === "node" ? nodeContent(id) : edgeContent(id);
  }

  network.on("hoverNode", function (p) {
    state.hover = p.node;
    highlight();
    if (!state.pinned) show(contentFor("node", p.node), p.pointer.DOM, false);
  });
  network.on("blurNode", function () {
    state.hover = null;
    highlight();
    if (!state.pinned) hide();
  });
  network.on("hoverEdge", function (p) { if (!state.pinned) show(contentFor("edge", p.edge), p.pointer.DOM, false); });
  network.on("blurEdge", function () { if (!state.pinned) hide(); });
  network.on("dragStart", function () { if (!state.pinned) hide(); });
  network.on("click", function (p) {
    if (p.nodes.length) show(contentFor("node", p.nodes[0]), p.pointer.DOM, true);
    else if (p.edges.length) show(contentFor("edge", p.edges[0]), p.pointer.DOM, true);
    else hide();
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });

  // ------------------------------------------------------------------ the controls

  var explore = document.getElementById("kg-explore");
  var yearFrom = document.getElementById("kg-year-from");
  var yearTo = document.getElementById("kg-year-to");
  var yearsOut = document.getElementById("kg-years-out");
  var topicSelect = document.getElementById("kg-topic");
  var find = document.getElementById("kg-find");
  var findMsg = document.getElementById("kg-find-msg");

  function showYears() {
    yearsOut.textContent = state.filter.from === state.filter.to
      ? String(state.filter.from) : state.filter.from + " – " + state.filter.to;
    var span = Math.max(years[1] - years[0], 1), fill = document.getElementById("kg-range-fill");
    fill.style.left = (100 * (state.filter.from - years[0]) / span) + "%";
    fill.style.right = (100 * (years[1] - state.filter.to) / span) + "%";
  }

  if (years) {
    [yearFrom, yearTo].forEach(function (input) {
      input.min = years[0];
      input.max = years[1];
    });
    yearFrom.value = years[0];
    yearTo.value = years[1];
    state.filter.from = years[0];
    state.filter.to = years[1];
    showYears();
    var onYears = function (moved) {
      var a = parseInt(yearFrom.value, 10), b = parseInt(yearTo.value, 10);
      if (a > b) {  // the thumbs never cross: the moved one pushes the other
        if (moved === yearFrom) { yearTo.value = a; b = a; } else { yearFrom.value = b; a = b; }
      }
      state.filter.from = a;
      state.filter.to = b;
      showYears();
      refresh();
    };
    yearFrom.addEventListener("input", function () { onYears(yearFrom); });
    yearTo.addEventListener("input", function () { onYears(yearTo); });
  } else {
    document.getElementById("kg-years").hidden = true;
  }

  data.topics.forEach(function (t, i) {
    var option = el("option", t[0] + " (" + t[1] + ")");
    option.value = String(i);
    topicSelect.appendChild(option);
  });
  topicSelect.addEventListener("change", function () {
    state.filter.topic = topicSelect.value === "" ? null : parseInt(topicSelect.value, 10);
    refresh();
  });

  var regionList = document.getElementById("kg-regions");
  var byName = {};
  NODES.forEach(function (n) {
    byName[n.label.toLowerCase()] = n.id;
    if (n.tip.code) byName[n.tip.code.toLowerCase()] = n.id;
    regionList.appendChild(el("option", null)).value = n.label;
  });

  function findRegion(text) {
    var key = text.trim().toLowerCase();
    if (!key) return null;
    if (Object.prototype.hasOwnProperty.call(byName, key)) return byName[key];
    var hits = NODES.filter(function (n) { return n.label.toLowerCase().indexOf(key) >= 0; });
    return hits.length === 1 ? hits[0].id : null;
  }

  function focusRegion(id) {
    state.focus = id;
    refresh();
    var scale = Math.max(network.getScale(), geo ? 1.2 : 0.8);
    network.focus(id, { scale: scale, animation: false });
    rescale();
    highlight();
    var p = network.canvasToDOM(network.getPositions([id])[id]);
    show(contentFor("node", id), p, true);
  }

  function onFind() {
    var id = findRegion(find.value);
    if (id === null) {
      findMsg.textContent = find.value.trim() ? say("find_none", null, { text: find.value.trim() }) : "";
      return;
    }
    findMsg.textContent = "";
    focusRegion(id);
  }
  find.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); onFind(); } });
  find.addEventListener("change", onFind);

  document.getElementById("kg-clear").addEventListener("click", function () {
    state.focus = null;
    state.filter.topic = null;
    topicSelect.value = "";
    if (years) {
      yearFrom.value = years[0];
      yearTo.value = years[1];
      state.filter.from = years[0];
      state.filter.to = years[1];
      showYears();
    }
    find.value = "";
    findMsg.textContent = "";
    hide();
    refresh();
    fitView();
  });

  if (E) explore.hidden = false;
  setNote();

  window.kgraph = {
    network: network, nodes: nodes, edges: edges, state: state, data: data,
    counts: counts,
    show: function (kind, id) { show(contentFor(kind, id), { x: 20, y: 120 }, true); },
    drawn: function () { return state.drawn.slice(); },
    visibleNodes: function () { return Array.from(shownNodes); }
  };
  window.kgraphNetwork = network;
})();
