/* kgraph: draws the visit network embedded in this page as JSON.
 * Every text from the data is set with textContent (never as HTML); only http(s)
 * sources become links. Physics arranges the graph, then stops. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var container = document.getElementById("kg-graph");
  var statusLine = document.getElementById("kg-status");
  var tip = document.getElementById("kg-tip");
  var geo = data.layout === "geo";
  var big = data.nodes.length > 150 || data.edges.length > 600;
  var state = { stable: false, pinned: false };

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

  function line(parent, label, value) {
    var p = el("p");
    p.appendChild(el("span", label + ": ", "kg-muted"));
    p.appendChild(document.createTextNode(String(value)));
    parent.appendChild(p);
    return p;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function nodeContent(t) {
    var box = el("div");
    box.appendChild(el("h3", t.name));
    var facts = [t.code ? "code " + t.code : "unresolved region (no code)"];
    if (t.type) facts.push(t.type);
    if (t.province) facts.push(t.province);
    box.appendChild(el("p", facts.join(" · "), "kg-muted"));
    line(box, "Visits made", t.made);
    line(box, "Visits received", t.received);
    if (t.partners.length) {
      box.appendChild(el("p", "Top partners:", "kg-muted"));
      var ul = el("ul");
      t.partners.forEach(function (p) {
        var parts = [];
        if (p[1]) parts.push("visited " + plural(p[1], "time"));
        if (p[2]) parts.push("visited by it " + plural(p[2], "time"));
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

  function edgeContent(t) {
    var box = el("div");
    box.appendChild(el("h3", t.from + " → " + t.to));
    var when = t.first ? (t.first === t.last ? t.first : t.first + " – " + t.last) : "undated";
    box.appendChild(el("p", plural(t.count, "visit") + " · " + when, "kg-muted"));
    if (t.topics.length) {
      line(box, "Top topics", t.topics.map(function (kv) {
        return t.count > 1 ? kv[0] + " (" + kv[1] + ")" : kv[0];
      }).join(", "));
    }
    if (t.agreements) line(box, "Agreements signed", t.agreements);
    box.appendChild(el("p", t.count > t.visits.length ? "Latest visits:" : "Visits:", "kg-muted"));
    var ul = el("ul");
    t.visits.forEach(function (v) {
      var li = el("li");
      li.appendChild(el("strong", v.date || "undated"));
      if (v.leaders.length) li.appendChild(el("div", "Led by " + v.leaders.join(", ")));
      if (v.receivers.length) li.appendChild(el("div", "Received by " + v.receivers.join(", ")));
      if (v.topics.length) li.appendChild(el("div", "Topics: " + v.topics.join(", ")));
      v.agreements.forEach(function (a) { li.appendChild(el("div", "Signed: " + a)); });
      v.sources.forEach(function (s) {
        var d = el("div", "Source: ");
        d.appendChild(sourceItem(s));
        li.appendChild(d);
      });
      ul.appendChild(li);
    });
    box.appendChild(ul);
    if (t.more) box.appendChild(el("p", "and " + plural(t.more, "more visit"), "kg-muted"));
    return box;
  }

  var nodeTips = {};
  var edgeTips = {};
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    nodeTips[n.id] = n.tip;
    var node = {
      id: n.id, label: n.label, size: n.size,
      color: { background: n.color, border: "#2d3748",
               highlight: { background: n.color, border: "#000000" },
               hover: { background: n.color, border: "#000000" } }
    };
    if (geo) { node.x = n.x; node.y = n.y; }
    return node;
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    edgeTips[e.id] = e.tip;
    return { id: e.id, from: e.from, to: e.to, width: e.width };
  }));

  var options = {
    autoResize: true,
    nodes: {
      shape: "dot",
      borderWidth: 1,
      font: { size: big ? 11 : 15, face: "system-ui, sans-serif", color: "#1a202c",
              strokeWidth: 3, strokeColor: "#ffffff" }
    },
    edges: {
      arrows: { to: { enabled: true, scaleFactor: 0.55 } },
      color: { color: "#5a6677", highlight: "#b83280", hover: "#b83280", inherit: false,
               opacity: big ? 0.45 : 0.8 },
      smooth: { enabled: true, type: "curvedCW", roundness: 0.15 },
      selectionWidth: 2,
      hoverWidth: 1.5
    },
    interaction: { hover: true, tooltipDelay: 100, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                   keyboard: false, multiselect: false, navigationButtons: false },
    layout: { randomSeed: 7, improvedLayout: data.nodes.length <= 100 },
    physics: geo ? false : {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -80, centralGravity: 0.012,
                          springLength: 120, springConstant: 0.06, avoidOverlap: 0.5 },
      stabilization: { enabled: true, iterations: big ? 300 : 1000, updateInterval: 25, fit: true },
      minVelocity: 1
    }
  };

  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  function finished() {
    if (state.stable) return;
    state.stable = true;
    state.stableAt = performance.now();
    if (!geo) network.setOptions({ physics: false });
    network.fit();
    if (data.nodes.length) statusLine.hidden = true;
    else statusLine.textContent = "Nothing to draw.";
  }

  if (!data.nodes.length || geo) {
    network.once("afterDrawing", finished);
    if (!data.nodes.length) finished();
  } else {
    network.on("stabilizationProgress", function (p) {
      statusLine.textContent = "Arranging the graph… " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", finished);
  }

  function place(pos) {
    var margin = 12;
    var x = pos.x + 14;
    var y = pos.y + 14;
    var w = tip.offsetWidth;
    var h = tip.offsetHeight;
    if (x + w + margin > window.innerWidth) x = Math.max(margin, pos.x - w - 14);
    if (y + h + margin > window.innerHeight) y = Math.max(margin, window.innerHeight - h - margin);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  function show(content, pos, pin) {
    tip.replaceChildren(content);
    if (pin) {
      var close = el("button", "×", "kg-close");
      close.type = "button";
      close.title = "Close";
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
    return kind === "node" ? nodeContent(nodeTips[id]) : edgeContent(edgeTips[id]);
  }

  network.on("hoverNode", function (p) { if (!state.pinned) show(contentFor("node", p.node), p.pointer.DOM, false); });
  network.on("hoverEdge", function (p) { if (!state.pinned) show(contentFor("edge", p.edge), p.pointer.DOM, false); });
  network.on("blurNode", function () { if (!state.pinned) hide(); });
  network.on("blurEdge", function () { if (!state.pinned) hide(); });
  network.on("dragStart", function () { if (!state.pinned) hide(); });
  network.on("click", function (p) {
    if (p.nodes.length) show(contentFor("node", p.nodes[0]), p.pointer.DOM, true);
    else if (p.edges.length) show(contentFor("edge", p.edges[0]), p.pointer.DOM, true);
    else hide();
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });

  window.kgraph = { network: network, nodes: nodes, edges: edges, state: state,
                    data: data, show: function (kind, id) {
                      show(contentFor(kind, id), { x: 20, y: 120 }, true);
                    } };
  window.kgraphNetwork = network;
})();
