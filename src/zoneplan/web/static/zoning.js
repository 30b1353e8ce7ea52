/* zoneplan desk: the zoning map.  Townships are drawn as polygons (boundaries.geojson or the
   Voronoi areas of the maps module) in a flat plane (km), coloured by zone.  Clicking a
   township selects it; the side panel moves it to a neighbouring zone, pairs it with another
   (keep together / apart), excludes it, or keeps its zone.  Every edit is checked by the
   server (connected, size, one county) and the reasons are shown on the map.  Names are
   always set as text, never as HTML. */
(function () {
  "use strict";
  var PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#e15759",
                 "#bab0ac", "#86bcb6", "#d37295", "#8cd17d", "#a0cbe8", "#ffbe7d", "#f1ce63", "#499894"];
  var app, csrf, data, map, layers = [], labels = [], zones = {}, baseZones = {}, whatifs = [], selected = null,
      pairMode = null, problemsByTown = {}, checkSeq = 0, saveBlocked = false;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().catch(function () { return {ok: false, problems: [{text: "服务器返回错误（" + r.status + "）"}]}; })
        .then(function (j) { j.__status = r.status; return j; }); });
  }
  var colors = {};
  function recolor() {  // neighbouring zones get different colours (greedy, in zone order)
    var nb = {};
    data.edges.forEach(function (e) {
      var za = zones[town(e[0]).id], zb = zones[town(e[1]).id];
      if (za && zb && za !== zb) { (nb[za] = nb[za] || {})[zb] = true; (nb[zb] = nb[zb] || {})[za] = true; }
    });
    colors = {};
    Object.keys(zoneSet()).sort().forEach(function (z, k) {
      var used = {};
      Object.keys(nb[z] || {}).forEach(function (o) { if (colors[o]) used[colors[o]] = true; });
      var c = PALETTE.filter(function (p) { return !used[p]; });
      colors[z] = c.length ? c[k % Math.min(c.length, 4)] : PALETTE[k % PALETTE.length];
    });
  }
  function colorOf(zone) { return zone ? (colors[zone] || "#999999") : "#ffffff"; }
  function zoneSet() { var s = {}; Object.keys(zones).forEach(function (t) { if (zones[t]) s[zones[t]] = true; }); return s; }
  function town(k) { return data.townships[k]; }
  function idx(id) { for (var k = 0; k < data.townships.length; k++) if (data.townships[k].id === id) return k; return -1; }
  function nameOf(id) { var k = idx(id); return k < 0 ? id : town(k).name; }
  function neighbours(k) {
    var out = [];
    data.edges.forEach(function (e) { if (e[0] === k) out.push(e[1]); else if (e[1] === k) out.push(e[0]); });
    return out;
  }
  function sizes() { return {min_size: parseInt($("min-size").value, 10) || 2, max_size: parseInt($("max-size").value, 10) || 3}; }

  function style(k) {
    var t = town(k), z = zones[t.id] || "", bad = problemsByTown[t.id];
    var excluded = whatifs.some(function (w) { return w.kind === "exclude" && w.a === t.id; });
    return {color: bad ? "#c00000" : "#444", weight: bad ? 3 : (selected === k ? 3 : 1), dashArray: bad ? "6 4" : null,
            fillColor: excluded ? "#dddddd" : colorOf(z), fillOpacity: z ? 0.75 : 0.25};
  }
  function redraw() {
    recolor();
    layers.forEach(function (ly, k) { ly.setStyle(style(k)); });
    labels.forEach(function (lb, k) {
      var t = town(k), div = lb.getElement && lb.getElement();
      if (div) {
        div.textContent = "";
        div.appendChild(el("b", null, t.name));
        div.appendChild(el("span", null, zones[t.id] || "（无）"));
        div.classList.toggle("bad", !!problemsByTown[t.id]);
      }
    });
  }

  function check() {
    var seq = ++checkSeq, s = sizes();
    return post("/s/" + app.dataset.space + "/zoning/check", {zones: zones, min_size: s.min_size, max_size: s.max_size})
      .then(function (res) { if (seq === checkSeq) showProblems(res.problems || []); });
  }
  function showProblems(problems) {
    problemsByTown = {};
    var ul = $("problems");
    ul.textContent = "";
    problems.forEach(function (p) {
      (p.townships || []).forEach(function (t) { problemsByTown[t] = p.text; });
      var li = el("li", "bad", p.text);
      ul.appendChild(li);
    });
    if (!problems.length) ul.appendChild(el("li", "ok", "符合规则：每个协作区连成一片、规模在范围内、不跨县。"));
    saveBlocked = problems.length > 0;
    $("save").disabled = saveBlocked;
    redraw();
  }

  function renderWhatifs() {
    var ul = $("whatifs");
    ul.textContent = "";
    if (!whatifs.length) { ul.appendChild(el("li", "muted", "（无）")); }
    whatifs.forEach(function (w, i) {
      var text = w.kind === "together" ? nameOf(w.a) + " 与 " + nameOf(w.b) + " 在同一协作区" :
                 w.kind === "apart" ? nameOf(w.a) + " 与 " + nameOf(w.b) + " 不在同一协作区" :
                 w.kind === "exclude" ? nameOf(w.a) + " 不划入任何协作区" : "保留协作区「" + w.a + "」不变";
      var li = el("li", null, text + " ");
      var x = el("button", "link", "删除");
      x.addEventListener("click", function () { whatifs.splice(i, 1); renderWhatifs(); redraw(); });
      li.appendChild(x);
      ul.appendChild(li);
    });
  }

  function select(k) {
    if (pairMode !== null && selected !== null && k !== selected) {
      var a = town(selected).id, b = town(k).id;
      whatifs.push({kind: pairMode, a: a, b: b});
      pairMode = null;
      $("pair-hint").hidden = true;
      renderWhatifs();
    }
    selected = k;
    var t = town(k), box = $("selected");
    box.textContent = "";
    box.classList.remove("muted");
    box.appendChild(el("strong", null, t.name));
    box.appendChild(el("span", "muted", "（" + t.id + (t.county ? "，" + t.county : "") + "）"));
    var facts = "所在协作区：" + (zones[t.id] || "无") + "；村（社区）" + t.villages + " 个" +
      (t.staff != null ? "；乡镇纪检干部 " + t.staff + " 人" : "") + (t.cases != null ? "；线索 " + t.cases + " 件" : "");
    box.appendChild(el("div", null, facts));
    if (problemsByTown[t.id]) box.appendChild(el("div", "bad", problemsByTown[t.id]));
    var sel = $("move-to");
    sel.textContent = "";
    var seen = {};
    function opt(value, text) { if (seen[value]) return; seen[value] = true; var o = el("option", null, text); o.value = value; sel.appendChild(o); }
    if (zones[t.id]) opt(zones[t.id], "协作区「" + zones[t.id] + "」（现在）");
    neighbours(k).forEach(function (j) { var z = zones[town(j).id]; if (z && town(j).county === t.county) opt(z, "协作区「" + z + "」（与" + town(j).name + "相邻）"); });
    opt("__new__", "新建协作区");
    opt("", "不划入协作区");
    $("actions").hidden = false;
    redraw();
  }

  function newZoneName(county) {
    var n = 1, used = zoneSet();
    while (used[(county ? county + "-" : "") + "新" + n]) n++;
    return (county ? county + "-" : "") + "新" + n;
  }

  function load(baseId) {
    var p = baseId ? fetch("/s/" + app.dataset.space + "/zonings/" + encodeURIComponent(baseId) + ".json", {credentials: "same-origin"})
      .then(function (r) { return r.json(); }).then(function (j) { return j.zones; })
      : Promise.resolve(null);
    return p.then(function (z) {
      zones = {};
      data.townships.forEach(function (t) { zones[t.id] = z ? (z[t.id] || "") : t.zone; });
      baseZones = JSON.parse(JSON.stringify(zones));
      whatifs = [];
      renderWhatifs();
      return check();
    });
  }

  function init() {
    app = $("zoning-app");
    if (!app || !window.L) return;
    csrf = document.querySelector("meta[name=csrf-token]").content;
    fetch(app.dataset.map, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      data = d;
      $("map-source").textContent = d.source === "boundaries" ? "乡镇边界来自 boundaries.geojson。"
        : "未提供乡镇边界：按乡镇驻地画出的示意区域（泰森多边形），相邻关系以数据为准。";
      map = L.map("map", {crs: L.CRS.Simple, zoomSnap: 0.25, attributionControl: false, minZoom: -6});
      var group = [];
      d.townships.forEach(function (t, k) {
        var ly = L.polygon(t.poly, {bubblingMouseEvents: false});
        ly.on("click", function () { select(k); });
        ly.addTo(map);
        layers.push(ly);
        group.push(ly);
        var icon = L.divIcon({className: "tlabel", iconSize: null, html: ""});
        var mk = L.marker(t.label, {icon: icon, interactive: false, keyboard: false}).addTo(map);
        labels.push(mk);
      });
      map.fitBounds(L.featureGroup(group).getBounds(), {padding: [10, 10]});
      layers.forEach(function (ly, k) {  // paths exist once the map has a view
        ly.getElement().setAttribute("data-tid", town(k).id);
        ly.getElement().setAttribute("aria-label", town(k).name);
      });
      if (d.townships.length > 40) {  // many townships: names show once zoomed in
        var base = map.getZoom(), pane = map.getPane("markerPane");
        var dense = function () { pane.classList.toggle("dense", map.getZoom() < base + 1.5); };
        map.on("zoomend", dense);
        dense();
      }
      var initial = app.dataset.initial;
      if (initial) { $("base").value = initial; }
      return load(initial || "");
    });
    $("base").addEventListener("change", function () { load($("base").value); });
    $("min-size").addEventListener("change", check);
    $("max-size").addEventListener("change", check);
    $("move").addEventListener("click", function () {
      if (selected === null) return;
      var t = town(selected), v = $("move-to").value;
      zones[t.id] = v === "__new__" ? newZoneName(t.county) : v;
      check().then(function () { select(selected); });
    });
    $("together").addEventListener("click", function () { pairMode = "together"; $("pair-hint").hidden = false; });
    $("apart").addEventListener("click", function () { pairMode = "apart"; $("pair-hint").hidden = false; });
    $("exclude").addEventListener("click", function () {
      if (selected === null) return;
      whatifs.push({kind: "exclude", a: town(selected).id}); renderWhatifs(); redraw();
    });
    $("keep").addEventListener("click", function () {
      if (selected === null) return;
      var z = town(selected).zone;
      if (!z) { $("zoning-message").textContent = "该乡镇在现行方案中不属于任何协作区，无法保留。"; return; }
      whatifs.push({kind: "keep", a: z}); renderWhatifs();
    });
    $("save").addEventListener("click", function () {
      var s = sizes();
      post("/s/" + app.dataset.space + "/zonings", {name: $("name").value, zones: zones, min_size: s.min_size, max_size: s.max_size})
        .then(function (res) {
          if (res.ok) { window.location.href = "/s/" + app.dataset.space + "/zoning?zoning=" + encodeURIComponent(res.id); return; }
          showProblems((res.problems || []).filter(function (p) { return p.townships && p.townships.length; }));
          $("zoning-message").textContent = "未保存：" + (res.problems || []).map(function (p) { return p.text; }).join(" ");
        });
    });
    $("run").addEventListener("click", function () {
      var s = sizes(), body = {min_size: s.min_size, max_size: s.max_size, target_zones: $("target").value || null,
        name: $("name").value, together: [], apart: [], exclude: [], keep: []};
      whatifs.forEach(function (w) {
        if (w.kind === "together" || w.kind === "apart") body[w.kind].push([w.a, w.b]); else body[w.kind].push(w.a);
      });
      $("run").disabled = true;
      post("/s/" + app.dataset.space + "/zoning/run", body).then(function (res) {
        if (res.ok) window.location.href = res.url;
        else { $("run").disabled = false; $("zoning-message").textContent = "未能开始求解：" + (res.detail || res.__status); }
      });
    });
  }
  if (document.readyState !== "loading") init(); else document.addEventListener("DOMContentLoaded", init);
})();
