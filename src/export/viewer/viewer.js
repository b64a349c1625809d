// Faultline's offline graph viewer: a canvas, a force layout, pan and zoom,
// search by name, a panel with the properties of the clicked node or edge.
// Written for Faultline; no libraries. The data is the JSON in #fl-data.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fl-data").textContent);
  var nodes = data.nodes, edges = data.edges;
  var root = document.getElementById("fl-root");
  root.setAttribute("data-nodes", String(nodes.length));
  root.setAttribute("data-edges", String(edges.length));
  document.getElementById("fl-title").textContent = data.title;
  document.getElementById("fl-count").textContent =
    nodes.length + " nodes, " + edges.length + " edges";

  // Legend: a swatch per kind, the path colour.
  var legend = document.getElementById("fl-legend");
  data.kinds.forEach(function (k) {
    var row = document.createElement("div");
    var sw = document.createElement("span");
    sw.className = "sw";
    sw.style.background = k.color;
    row.appendChild(sw);
    row.appendChild(document.createTextNode(k.name + " (" + k.count + ")"));
    legend.appendChild(row);
  });
  if (edges.some(function (e) { return e.hot; })) {
    var row = document.createElement("div");
    row.innerHTML = '<span class="sw" style="background:#d62728"></span>explaining path';
    legend.appendChild(row);
  }
  var note = document.createElement("div");
  note.className = "muted";
  note.textContent = "edge width: share (thin: none)";
  legend.appendChild(note);

  // Layout: start on a spiral, then a force layout with grid-bucketed
  // repulsion (linear per step), run a few steps per frame.
  var n = nodes.length;
  var x = new Float64Array(n), y = new Float64Array(n);
  var vx = new Float64Array(n), vy = new Float64Array(n);
  for (var i = 0; i < n; i++) {
    var a = i * 2.399963, r = 12 * Math.sqrt(i + 1);
    x[i] = r * Math.cos(a);
    y[i] = r * Math.sin(a);
  }
  // Layered (upstream, downstream): each depth is a column, dependents on
  // the left; nodes start spread down their column and stay in it.
  var COL = 220, layered = nodes.some(function (nd) { return nd.col != null; });
  if (layered) {
    root.setAttribute("data-layered", "1");
    var inCol = new Map();
    nodes.forEach(function (nd, i) {
      if (nd.col == null) return;
      var k = inCol.get(nd.col) || 0;
      inCol.set(nd.col, k + 1);
      x[i] = nd.col * COL;
      y[i] = (k % 2 ? -1 : 1) * Math.ceil(k / 2) * 40;
    });
  }
  var deg = new Float64Array(n);
  edges.forEach(function (e) { deg[e.s]++; deg[e.t]++; });
  var SPRING = 40, CELL = 60, steps = 0, MAX_STEPS = n > 1000 ? 250 : 400;
  function step() {
    var grid = new Map();
    for (var i = 0; i < n; i++) {
      var key = Math.floor(x[i] / CELL) + "," + Math.floor(y[i] / CELL);
      var list = grid.get(key);
      if (!list) { list = []; grid.set(key, list); }
      list.push(i);
    }
    for (var i = 0; i < n; i++) {
      var cx = Math.floor(x[i] / CELL), cy = Math.floor(y[i] / CELL);
      for (var dx = -1; dx <= 1; dx++) for (var dy = -1; dy <= 1; dy++) {
        var list = grid.get((cx + dx) + "," + (cy + dy));
        if (!list) continue;
        for (var k = 0; k < list.length; k++) {
          var j = list[k];
          if (j === i) continue;
          var ddx = x[i] - x[j], ddy = y[i] - y[j];
          var d2 = ddx * ddx + ddy * ddy + 0.01;
          if (d2 > CELL * CELL) continue;
          var f = 900 / d2;
          vx[i] += ddx * f * 0.05; vy[i] += ddy * f * 0.05;
        }
      }
      // A weak pull to the centre keeps components together.
      vx[i] -= x[i] * 0.002; vy[i] -= y[i] * 0.002;
    }
    for (var k = 0; k < edges.length; k++) {
      var e = edges[k], s = e.s, t = e.t;
      var ddx = x[t] - x[s], ddy = y[t] - y[s];
      var d = Math.sqrt(ddx * ddx + ddy * ddy) + 0.01;
      var f = (d - SPRING) * 0.02;
      var fx = ddx / d * f, fy = ddy / d * f;
      vx[s] += fx / Math.max(1, deg[s] / 4); vy[s] += fy / Math.max(1, deg[s] / 4);
      vx[t] -= fx / Math.max(1, deg[t] / 4); vy[t] -= fy / Math.max(1, deg[t] / 4);
    }
    var cool = 1 - steps / MAX_STEPS;
    for (var i = 0; i < n; i++) {
      var sp = Math.sqrt(vx[i] * vx[i] + vy[i] * vy[i]), lim = 20 * cool + 0.5;
      if (sp > lim) { vx[i] *= lim / sp; vy[i] *= lim / sp; }
      x[i] += vx[i]; y[i] += vy[i];
      if (layered && nodes[i].col != null) x[i] = nodes[i].col * COL;
      vx[i] *= 0.5; vy[i] *= 0.5;
    }
    steps++;
  }

  // View: pan and zoom.
  var canvas = document.getElementById("fl-canvas");
  var ctx = canvas.getContext("2d");
  var scale = 1, ox = 0, oy = 0, fitted = false;
  var selected = null, matches = new Set();
  function resize() {
    var dpr = window.devicePixelRatio || 1;
    canvas.width = canvas.clientWidth * dpr;
    canvas.height = canvas.clientHeight * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    draw();
  }
  function fit() {
    if (n === 0) return;
    var minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
    for (var i = 0; i < n; i++) {
      minx = Math.min(minx, x[i]); maxx = Math.max(maxx, x[i]);
      miny = Math.min(miny, y[i]); maxy = Math.max(maxy, y[i]);
    }
    // Room for the labels, drawn right of their nodes at a fixed size.
    var LABEL = 170, PAD = 30;
    var w = Math.max(50, canvas.clientWidth - LABEL - 2 * PAD);
    var h = Math.max(50, canvas.clientHeight - 2 * PAD);
    scale = Math.min(3, w / Math.max(1, maxx - minx), h / Math.max(1, maxy - miny));
    ox = PAD + (w - scale * (maxx - minx)) / 2 - scale * minx;
    oy = PAD + (h - scale * (maxy - miny)) / 2 - scale * miny;
  }
  var LABELS = 150;
  function sx(i) { return x[i] * scale + ox; }
  function sy(i) { return y[i] * scale + oy; }
  function draw() {
    var w = canvas.clientWidth, h = canvas.clientHeight;
    ctx.clearRect(0, 0, w, h);
    ctx.lineCap = "round";
    for (var k = 0; k < edges.length; k++) {
      var e = edges[k];
      var hot = e.hot || selected === "e" + k;
      ctx.strokeStyle = hot ? "#d62728" : "rgba(90,90,90,0.35)";
      ctx.lineWidth = (hot ? 2.5 : 0.6) + (e.share != null ? 5 * e.share : 0) * Math.min(1, scale);
      ctx.beginPath();
      ctx.moveTo(sx(e.s), sy(e.s));
      ctx.lineTo(sx(e.t), sy(e.t));
      ctx.stroke();
      if (scale > 0.6 || hot) arrow(e, hot);
    }
    var r = Math.max(2, 5 * Math.sqrt(scale));
    for (var i = 0; i < n; i++) {
      var nd = nodes[i];
      ctx.beginPath();
      ctx.arc(sx(i), sy(i), r, 0, 6.2832);
      ctx.fillStyle = nd.color;
      ctx.fill();
      if (nd.hot || selected === "n" + i || matches.has(i)) {
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = matches.has(i) ? "#1f77b4" : "#d62728";
        ctx.stroke();
      }
    }
    // Names of the nodes on screen while they stay readable (zoom in on a
    // large graph to see them); otherwise only the search's matches.
    var cw = canvas.clientWidth, ch = canvas.clientHeight, onScreen = [];
    for (var i = 0; i < n && onScreen.length <= LABELS; i++) {
      var px = sx(i), py = sy(i);
      if (px >= 0 && px <= cw && py >= 0 && py <= ch) onScreen.push(i);
    }
    root.setAttribute("data-labels", String(onScreen.length <= LABELS ? onScreen.length : matches.size));
    if (onScreen.length <= LABELS) {
      ctx.fillStyle = "#222";
      ctx.font = "11px sans-serif";
      onScreen.forEach(function (i) { ctx.fillText(nodes[i].name, sx(i) + r + 2, sy(i) + 4); });
    } else {
      ctx.fillStyle = "#222";
      ctx.font = "bold 12px sans-serif";
      matches.forEach(function (i) { ctx.fillText(nodes[i].name, sx(i) + r + 2, sy(i) + 4); });
    }
  }
  function arrow(e, hot) {
    var x1 = sx(e.s), y1 = sy(e.s), x2 = sx(e.t), y2 = sy(e.t);
    var d = Math.hypot(x2 - x1, y2 - y1);
    if (d < 12) return;
    var ux = (x2 - x1) / d, uy = (y2 - y1) / d, r = Math.max(2, 5 * Math.sqrt(scale)) + 1;
    var tx = x2 - ux * r, ty = y2 - uy * r;
    ctx.fillStyle = hot ? "#d62728" : "rgba(90,90,90,0.6)";
    ctx.beginPath();
    ctx.moveTo(tx, ty);
    ctx.lineTo(tx - ux * 7 - uy * 3, ty - uy * 7 + ux * 3);
    ctx.lineTo(tx - ux * 7 + uy * 3, ty - uy * 7 - ux * 3);
    ctx.fill();
  }
  function tick() {
    for (var k = 0; k < 3 && steps < MAX_STEPS; k++) step();
    if (!fitted || steps < MAX_STEPS) fit();
    fitted = true;
    draw();
    if (steps < MAX_STEPS) requestAnimationFrame(tick);
    else root.setAttribute("data-layout", "done");
  }

  // Panel: the properties of what was clicked.
  var panel = document.getElementById("fl-panel");
  function show(title, rows) {
    panel.innerHTML = "";
    var h = document.createElement("h3");
    h.textContent = title;
    panel.appendChild(h);
    var table = document.createElement("table");
    rows.forEach(function (kv) {
      var tr = document.createElement("tr");
      var th = document.createElement("th"), td = document.createElement("td");
      th.textContent = kv[0];
      td.textContent = typeof kv[1] === "string" ? kv[1] : JSON.stringify(kv[1]);
      tr.appendChild(th); tr.appendChild(td);
      table.appendChild(tr);
    });
    panel.appendChild(table);
  }
  function props(p) { return Object.keys(p).map(function (k) { return [k, p[k]]; }); }
  function pick(px, py) {
    var best = null, bestD = 64;
    for (var i = 0; i < n; i++) {
      var d = (sx(i) - px) * (sx(i) - px) + (sy(i) - py) * (sy(i) - py);
      if (d < bestD) { bestD = d; best = "n" + i; }
    }
    if (best) return best;
    bestD = 25;
    for (var k = 0; k < edges.length; k++) {
      var e = edges[k], x1 = sx(e.s), y1 = sy(e.s), x2 = sx(e.t), y2 = sy(e.t);
      var L = (x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1);
      var t = L ? Math.max(0, Math.min(1, ((px - x1) * (x2 - x1) + (py - y1) * (y2 - y1)) / L)) : 0;
      var qx = x1 + t * (x2 - x1), qy = y1 + t * (y2 - y1);
      var d = (qx - px) * (qx - px) + (qy - py) * (qy - py);
      if (d < bestD) { bestD = d; best = "e" + k; }
    }
    return best;
  }
  function select(what) {
    selected = what;
    if (!what) { panel.textContent = "Click a node or an edge."; }
    else if (what[0] === "n") {
      var nd = nodes[+what.slice(1)];
      show(nd.name, [["id", nd.id], ["kind", nd.kind]]
        .concat(nd.col != null ? [["depth", String(Math.abs(nd.col))]] : [])
        .concat(props(nd.props)));
    } else {
      var e = edges[+what.slice(1)];
      show(e.type, [["from", nodes[e.s].name], ["to", nodes[e.t].name]]
        .concat(e.share != null ? [["share", String(e.share)]] : [])
        .concat(props(e.props)));
    }
    draw();
  }

  var drag = null;
  canvas.addEventListener("mousedown", function (ev) {
    drag = { x: ev.offsetX, y: ev.offsetY, ox: ox, oy: oy, moved: false };
  });
  canvas.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var dx = ev.offsetX - drag.x, dy = ev.offsetY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    ox = drag.ox + dx; oy = drag.oy + dy;
    draw();
  });
  canvas.addEventListener("mouseup", function (ev) {
    if (drag && !drag.moved) select(pick(ev.offsetX, ev.offsetY));
    drag = null;
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var f = Math.exp(-ev.deltaY * 0.0015);
    ox = ev.offsetX - (ev.offsetX - ox) * f;
    oy = ev.offsetY - (ev.offsetY - oy) * f;
    scale *= f;
    draw();
  }, { passive: false });
  document.getElementById("fl-search").addEventListener("input", function (ev) {
    var q = ev.target.value.trim().toLowerCase();
    matches = new Set();
    if (q) nodes.forEach(function (nd, i) {
      if (nd.name.toLowerCase().indexOf(q) >= 0 || nd.id.toLowerCase().indexOf(q) >= 0) matches.add(i);
    });
    root.setAttribute("data-matches", String(matches.size));
    if (matches.size === 1) {
      var i = matches.values().next().value;
      ox = canvas.clientWidth / 2 - x[i] * scale;
      oy = canvas.clientHeight / 2 - y[i] * scale;
      select("n" + i);
    }
    draw();
  });
  window.addEventListener("resize", resize);
  select(null);
  resize();
  tick();
})();
