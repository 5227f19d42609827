/*
 * board.js: wallboard's browser board (docs/web.md). Plain JavaScript, no
 * framework, nothing fetched but from the daemon that served the page.
 *
 * The layout (first on the stream, again after a reload changed it) is
 * built into nodes once; each
 * snapshot (Server-Sent Events on /api/v1/boards/NAME/stream) only changes
 * their text and classes: the DOM and the listeners never grow, over days.
 * Honesty as the other boards: DISCONNECTED while the stream is down, STALE
 * when no snapshot came for 3 heartbeats, a stale scope's tiles greyed.
 */
"use strict";
(function () {
  var parts = location.pathname.split("/");
  var board = decodeURIComponent(parts[2] || "");
  var token = new URLSearchParams(location.search).get("token");
  var query = token ? "?token=" + encodeURIComponent(token) : "";
  var base = "/api/v1/boards/" + encodeURIComponent(board);

  var NAMES = { service_level: "SL", asa_ms: "ASA", aht_ms: "AHT",
    abandon_rate: "abandoned", longest_wait_ms: "longest wait",
    max_wait_ms: "max wait", avg_abandon_ms: "abandon wait", csat_avg: "CSAT",
    csat: "CSAT", fcr: "FCR", agents_ready: "ready", agents_busy: "busy",
    agents_wrap: "wrap", agents_away: "away", agents_offline: "offline",
    agents_staffed: "staffed", talk_ms: "talk", wrap_ms: "wrap",
    transfer_rate: "transfers", repeat_rate: "repeats" };
  var WORDS = { good: "OK", warn: "AMBER", bad: "RED", none: "" };
  var SVGNS = "http://www.w3.org/2000/svg";

  var layout = null, layoutText = "", pageIndex = 0, tiles = [];
  var snapshot = null, lastAt = 0, connected = false, source = null;
  var heardAt = Date.now();   /* anything from the stream, or the last try */
  var retryTimer = null, rotateTimer = null, lastSeq = null;
  var agentNodes = [], alertNodes = [], denied = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, parent) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (parent) parent.appendChild(n);
    return n;
  }
  function setText(n, t) { if (n.textContent !== t) n.textContent = t; }
  function setClass(n, c) { if (n.className !== c) n.className = c; }

  /* One number, one rounding: as core/metric.c metric_shown/format. */
  function shown(kind, v) {
    if (kind === "ratio") return Math.floor(v * 100 + 0.5) / 100;
    if (kind === "duration") return Math.floor(v / 1000) * 1000;
    if (kind === "score") return Math.floor(v * 10 + 0.5) / 10;
    return Math.floor(v + 0.5);
  }
  function format(kind, v) {
    var s = shown(kind, v);
    if (kind === "ratio") return Math.round(s * 100) + "%";
    if (kind === "score") return s.toFixed(1);
    if (kind === "duration") {
      var t = Math.max(0, Math.floor(s / 1000));
      if (t < 3600) return Math.floor(t / 60) + ":" + ("0" + t % 60).slice(-2);
      return Math.floor(t / 3600) + "h" + ("0" + Math.floor(t / 60) % 60).slice(-2);
    }
    return String(s);
  }

  function tileValue(t, s) {
    if (!s) return null;
    var now = s.now || {};
    if (t.metric.indexOf("agents_") === 0) {
      var st = t.metric.slice(7);
      return now.agents && typeof now.agents[st] === "number" ? now.agents[st] : null;
    }
    if (t.metric === "waiting" || t.metric === "longest_wait_ms") {
      var v = now[t.metric];
      return typeof v === "number" ? v : null;
    }
    var w = s.windows && t.window ? s.windows[t.window] : null;
    return w && typeof w[t.metric] === "number" ? w[t.metric] : null;
  }

  /* As draw/layout.c layout_tile_status. */
  function tileLevel(t, s, v) {
    var amber = t.amber, red = t.red, x = shown(t.kind, v);
    if (t.sl_target) {
      if (!s || !(s.sl_target > 0)) return "none";
      amber = s.sl_target; red = s.sl_target - 0.05;
    }
    if (amber === null && red === null) return "none";
    if (t.good_below) {
      x = -x; amber = amber === null ? null : -amber; red = red === null ? null : -red;
    }
    if (red !== null && x < red - 1e-9) return "bad";
    if (amber !== null && x < amber - 1e-9) return "warn";
    return "good";
  }

  function tileTarget(t, s) {
    var level = null;
    if (t.sl_target && s && s.sl_target > 0) level = format("ratio", s.sl_target);
    else if (t.amber !== null) level = format(t.kind, t.amber);
    else if (t.red !== null) level = format(t.kind, t.red);
    return level === null ? "" : (t.good_below ? "max " : "target ") + level;
  }

  function tileLabel(t, s) {
    if (t.label) return t.label;
    var name = NAMES[t.metric] || t.metric;
    if (t.scope === "all") return name;
    var scopeLabel = s && s.label ? s.label : t.scope.slice(t.scope.indexOf(":") + 1);
    return scopeLabel + " " + name + (t.window ? " " + t.window : "");
  }

  /* ---- building, once per layout ---- */

  function buildTile(t, parent) {
    var n = { t: t, root: el("div", "tile", parent) };
    n.label = el("div", "label", n.root);
    n.word = el("div", "word", n.root);
    n.value = el("div", "value", n.root);
    n.target = el("div", "target", n.root);
    n.trend = el("div", "trend hidden", n.root);
    n.svg = document.createElementNS(SVGNS, "svg");
    n.svg.setAttribute("viewBox", "0 0 100 30");
    n.svg.setAttribute("preserveAspectRatio", "none");
    n.line = document.createElementNS(SVGNS, "polyline");
    n.svg.appendChild(n.line);
    n.trend.appendChild(n.svg);
    n.arrow = el("span", "arrow", n.trend);
    return n;
  }

  function buildLayout(l) {
    var main = $("tiles");
    while (main.firstChild) main.removeChild(main.firstChild);
    tiles = l.pages.map(function (p) {
      var holder = el("div", "page hidden", null);
      main.appendChild(holder);
      return { holder: holder, page: p, nodes: p.tiles.map(function (t) { return buildTile(t, holder); }) };
    });
    setText($("title"), l.title || l.name);
    document.title = (l.title || l.name) + " — wallboard";
    if (pageIndex >= tiles.length) pageIndex = 0;
    showPage(pageIndex);
    if (rotateTimer) clearInterval(rotateTimer);
    rotateTimer = l.rotate_ms > 0 && l.pages.length > 1 ?
      setInterval(function () { showPage(pageIndex + 1); }, l.rotate_ms) : null;
  }

  function showPage(i) {
    if (!tiles.length) return;
    pageIndex = (i + tiles.length) % tiles.length;
    tiles.forEach(function (p, k) { p.holder.classList.toggle("hidden", k !== pageIndex); });
    var p = tiles[pageIndex].page;
    setText($("page"), (p.title || "") + (tiles.length > 1 ? " (" + (pageIndex + 1) + "/" + tiles.length + ")" : ""));
    $("grid").classList.toggle("hidden", !p.agent_grid);
    if (snapshot) render();
  }

  /* ---- rendering, in place ---- */

  function renderTrend(n, s) {
    var tr = s && s.trend, series = tr && tr[n.t.metric];
    if (!Array.isArray(series) || series.length < 2) {
      n.trend.classList.add("hidden");
      return;
    }
    var vals = series.filter(function (v) { return typeof v === "number"; });
    if (vals.length < 2) { n.trend.classList.add("hidden"); return; }
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
    var span = hi - lo || 1, pts = [];
    series.forEach(function (v, i) {
      if (typeof v !== "number") return;
      pts.push((i * 100 / (series.length - 1)).toFixed(1) + "," +
        (28 - (v - lo) * 26 / span).toFixed(1));
    });
    n.line.setAttribute("points", pts.join(" "));
    var a = vals[vals.length - 2], b = vals[vals.length - 1];
    setText(n.arrow, b > a ? "\u2191" : b < a ? "\u2193" : "\u2192");
    n.trend.classList.remove("hidden");
  }

  function renderTile(n, snap) {
    var t = n.t, s = snap.scopes ? snap.scopes[t.scope] : null;
    var v = tileValue(t, s), stale = !!(s && s.stale);
    var level = v === null ? "none" : tileLevel(t, s, v);
    setText(n.label, tileLabel(t, s));
    setText(n.value, v === null ? "\u2014" : format(t.kind, v));
    setText(n.target, tileTarget(t, s));
    setText(n.word, stale ? "STALE" : WORDS[level]);
    setClass(n.root, "tile level-" + level + (stale ? " stale" : ""));
    n.word.classList.toggle("hidden", !stale && level === "none");
    renderTrend(n, s);
  }

  function pool(nodes, parent, n, cls) {
    while (nodes.length < n) nodes.push(el("div", cls, parent));
    for (var i = 0; i < nodes.length; i++) nodes[i].classList.toggle("hidden", i >= n);
  }

  function renderAlerts(snap) {
    var list = (snap.alerts || []).filter(function (a) { return a.state === "firing"; });
    pool(alertNodes, $("alerts"), list.length, "alert");
    list.forEach(function (a, i) {
      setText(alertNodes[i], "\u26a0 " + String(a.severity || "").toUpperCase() + ": " +
        (a.text || a.id) + (a.acked_by ? " (acked by " + a.acked_by + ")" : ""));
      setClass(alertNodes[i], "alert alert-" + a.severity + (a.acked_by ? " alert-acked" : ""));
    });
  }

  function renderGrid(snap) {
    var agents = snap.agents || [];
    pool(agentNodes, $("grid"), agents.length, "agent");
    agents.forEach(function (a, i) {
      setText(agentNodes[i], (a.name || a.id) + " \u00b7 " + a.state);
      setClass(agentNodes[i], "agent agent-" + a.state + (a.stale ? " agent-stale" : ""));
    });
  }

  function renderTicker(snap) {
    var text = "", silent = [];
    Object.keys(snap.feeds || {}).forEach(function (f) {
      if (snap.feeds[f].state === "stale") silent.push(f);
    });
    if (snap.message && snap.message.text)
      text = snap.message.text + (snap.message.from ? " \u2014 " + snap.message.from : "");
    if (silent.length) text = (text ? text + "   \u2022   " : "") + "STALE feed: " + silent.join(", ");
    setText($("ticker"), text);
  }

  function render() {
    var snap = snapshot, p = tiles[pageIndex];
    if (p) p.nodes.forEach(function (n) { renderTile(n, snap); });
    renderAlerts(snap);
    if (p && p.page.agent_grid) renderGrid(snap);
    renderTicker(snap);
  }

  /* ---- status ---- */

  function status() {
    var hb = layout ? layout.heartbeat_ms : 1000, word, cls;
    if (!connected) { word = denied || "DISCONNECTED"; cls = "status-down"; }
    else if (!snapshot || Date.now() - lastAt > 3 * hb) { word = "STALE"; cls = "status-stale"; }
    /* a stream-fed daemon whose clock holds (docs/nats.md): figures as
     * of a moment ago; one whose journal fails: a restart would lose some */
    else if (snapshot.stream && snapshot.stream !== "live") { word = "CATCHING UP"; cls = "status-stale"; }
    else if (snapshot.journal && snapshot.journal !== "ok") { word = "JOURNAL"; cls = "status-stale"; }
    else { word = "LIVE"; cls = "status-live"; }
    setText($("status"), word);
    setClass($("status"), cls);
    document.body.classList.toggle("disconnected", word !== "LIVE" &&
        word !== "CATCHING UP" && word !== "JOURNAL");
    var d = new Date();
    setText($("clock"), ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2));
  }

  /* The layout comes first on every stream, and again when a reload of
   * the daemon's config changed it: built anew only when it differs. */
  function applyLayout(text) {
    if (text === layoutText) return;
    var l;
    try { l = JSON.parse(text); } catch (x) { return; }
    layoutText = text;
    layout = l;
    buildLayout(layout);
  }

  /* Refused (EventSource does not say why): ask the layout, whose status
   * tells a wrong token or board from a daemon that is down, and say so. */
  function refusal() {
    fetch(base + "/layout" + query, { cache: "no-store" }).then(function (r) {
      if (connected) return;
      if (r.status === 403) denied = "WRONG TOKEN";
      else if (r.status === 404) denied = "NO SUCH BOARD";
      else denied = null;
      status();
    }).catch(function () {});
  }

  /* One EventSource at a time; its handlers are properties, replaced with
   * it, never added up. It reconnects by itself after a network drop; after
   * a refusal (a 503 at the cap, a restart's 404) it is closed and made
   * again here. */
  function connect() {
    retryTimer = null;
    heardAt = Date.now();
    if (source) { source.onopen = source.onmessage = source.onerror = null; source.close(); }
    source = new EventSource(base + "/stream" + query);
    source.onopen = function () {
      heardAt = Date.now();
      connected = true;
      denied = null;
      status();
    };
    source.addEventListener("layout", function (e) { heardAt = Date.now(); applyLayout(e.data); });
    source.onmessage = function (e) {
      heardAt = Date.now();
      if (e.lastEventId === lastSeq && snapshot) { lastAt = Date.now(); return; }
      lastSeq = e.lastEventId;
      try { snapshot = JSON.parse(e.data); } catch (x) { return; }
      lastAt = Date.now();
      if (layout) render();
      status();
    };
    source.onerror = function () {
      connected = false;
      status();
      if (source.readyState === EventSource.CLOSED && !retryTimer) {
        retryTimer = setTimeout(connect, 3000);
        refusal();
      }
    };
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "f" || e.key === "F") {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(function () {});
    } else if (e.key === "ArrowRight" || e.key === "PageDown" || e.key === " ") showPage(pageIndex + 1);
    else if (e.key === "ArrowLeft" || e.key === "PageUp") showPage(pageIndex - 1);
    else if (e.key >= "1" && e.key <= "9") showPage(Number(e.key) - 1);
  });

  /* For the browser test and the console: draw a snapshot given by hand
   * (the next one from the stream replaces it). */
  window.wallboard = { render: function (snap) {
    snapshot = snap; lastAt = Date.now(); if (layout) render(); status();
  } };

  /* A link that went silent without closing (a cable pulled, a Wi-Fi
   * stick asleep, a proxy that holds it) never errors: the daemon sends a
   * snapshot every heartbeat, so nothing for 5 of them (10 s at least)
   * means the link is dead. Say DISCONNECTED and make the stream again,
   * and so every 10 s until it opens. */
  function watchdog() {
    var hb = layout ? layout.heartbeat_ms : 1000;
    if (!retryTimer && Date.now() - heardAt > Math.max(5 * hb, 10000)) {
      connected = false;
      status();
      connect();
    }
  }

  setInterval(function () { watchdog(); status(); }, 500);
  status();
  connect();
})();
