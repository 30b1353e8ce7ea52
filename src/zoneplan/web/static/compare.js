/* zoneplan desk: zonings side by side, each on its own small map, the same zone in the same
   colour on every map (colours from zoneplan.maps.zone_colors). */
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("compare");
    if (!box || !window.L) return;
    Promise.all([fetch(box.dataset.map, {credentials: "same-origin"}).then(function (r) { return r.json(); }),
                 fetch(box.dataset.compare, {credentials: "same-origin"}).then(function (r) { return r.json(); })])
      .then(function (res) {
        var geo = res[0], cmp = res[1];
        box.querySelectorAll(".minimap").forEach(function (div) {
          var label = div.getAttribute("data-label"), zones = cmp.zones_of[label] || {}, colors = cmp.colors[label] || {};
          var m = L.map(div, {crs: L.CRS.Simple, zoomControl: false, attributionControl: false, dragging: true,
                              scrollWheelZoom: false, minZoom: -6, zoomSnap: 0.25});
          var group = [];
          geo.townships.forEach(function (t) {
            var z = zones[t.id] || "";
            var ly = L.polygon(t.poly, {color: "#555", weight: 1, fillColor: z ? (colors[z] || "#999") : "#fff",
                                        fillOpacity: z ? 0.8 : 0.2});
            var tip = document.createElement("span");
            tip.textContent = t.name + (z ? "：" + z : "（不在协作区）");
            ly.bindTooltip(tip, {sticky: true});
            ly.addTo(m);
            group.push(ly);
          });
          m.fitBounds(L.featureGroup(group).getBounds(), {padding: [4, 4]});
        });
      });
  }
  if (document.readyState !== "loading") init(); else document.addEventListener("DOMContentLoaded", init);
})();
