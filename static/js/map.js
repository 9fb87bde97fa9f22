/* The map for the search, home and institution pages. The server sends marker coordinates already in
   the tile provider's system (GCJ-02 for 高德/腾讯), so this file never converts; a click is sent back
   with crs=<that system> and the server converts it to the WGS-84 it stores. With no network the tiles
   fail quietly and the markers and list still work. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  document.documentElement.classList.add("js");

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var markers = readJSON("map-markers") || [];
  var center = readJSON("map-center");
  var crs = el.dataset.crs || "wgs84";
  var map = L.map(el, { zoomControl: false, attributionControl: true });
  // Leaflet's own zoom buttons carry English titles; the page gives them in its language.
  L.control.zoom({ zoomInTitle: el.dataset.zoomIn || "Zoom in", zoomOutTitle: el.dataset.zoomOut || "Zoom out" }).addTo(map);
  L.tileLayer(el.dataset.tiles, {
    subdomains: el.dataset.subdomains || "abc",
    attribution: el.dataset.attribution || "",
    maxZoom: 18
  }).addTo(map);

  var layer = L.featureGroup().addTo(map);
  markers.forEach(function (m) {
    var marker = L.circleMarker([m.lat, m.lng], {
      radius: 9,
      weight: 2,
      color: m.puhui ? "#0a6b3d" : "#1f4e8c",
      fillColor: m.vacancies > 0 ? (m.puhui ? "#2fb36b" : "#4a86d4") : "#9aa3ad",
      fillOpacity: 0.9,
      className: "inst-marker" + (m.puhui ? " puhui" : "")
    });
    // Leaflet puts a string into the page as HTML, and a name is typed by an institution: popup and
    // tooltip get elements whose text is set as text, so a name like <img onerror=…> stays a name.
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name;
    marker.bindPopup(link);
    var label = document.createElement("span");
    label.textContent = m.name;
    marker.bindTooltip(label);
    marker.addTo(layer);
  });

  if (center) {
    L.circleMarker([center.lat, center.lng], { radius: 6, color: "#c0392b", fillOpacity: 1, className: "here-marker" }).addTo(map);
  }
  if (markers.length > 1) {
    map.fitBounds(layer.getBounds().pad(0.2));
  } else if (markers.length === 1) {
    map.setView([markers[0].lat, markers[0].lng], 15);
  } else if (center) {
    map.setView([center.lat, center.lng], 13);
  } else {
    map.setView([31.16, 108.39], 10);
  }

  function searchNear(lat, lng, pointCrs) {
    var form = document.getElementById("filter-form");
    var params = new URLSearchParams(form ? new FormData(form) : undefined);
    params.set("near", lat.toFixed(6) + "," + lng.toFixed(6));
    params.set("crs", pointCrs);
    params.delete("place");
    params.delete("page");
    window.location.href = el.dataset.searchUrl + "?" + params.toString();
  }

  if (el.dataset.clickable === "1") {
    map.on("click", function (e) { searchNear(e.latlng.lat, e.latlng.lng, crs); });
  }
  document.querySelectorAll("[data-locate]").forEach(function (button) {
    if (!navigator.geolocation) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        // The browser reports WGS-84.
        searchNear(pos.coords.latitude, pos.coords.longitude, "wgs84");
      });
    });
  });
})();
