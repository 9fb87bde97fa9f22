/* A generic location picker: a tap on the map fills a pair of WGS-84 latitude and longitude inputs.
   Markup: <div class="map" data-pick-place data-lat-input="ID" data-lng-input="ID" data-tiles=…
   data-subdomains=… data-crs="gcj02|wgs84" data-attribution=… data-center-lat=… data-center-lng=…>.
   Chinese tile providers draw in GCJ-02, so a tap is converted back here (the same published formula
   as tuoyu/core/geo.py); typing the numbers still works without JavaScript. Used by the filing form
   and the complaint form. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var A = 6378245.0, EE = 0.00669342162296594323;
  function outOfChina(lat, lng) { return !(lng > 73.66 && lng < 135.05 && lat > 3.86 && lat < 53.55); }
  function tLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    return r + (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
  }
  function tLng(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    return r + (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
  }
  function toGcj(lat, lng) {
    if (outOfChina(lat, lng)) { return [lat, lng]; }
    var dLat = tLat(lng - 105, lat - 35), dLng = tLng(lng - 105, lat - 35);
    var rad = lat / 180 * Math.PI, magic = 1 - EE * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    dLat = (dLat * 180) / ((A * (1 - EE)) / (magic * sq) * Math.PI);
    dLng = (dLng * 180) / (A / sq * Math.cos(rad) * Math.PI);
    return [lat + dLat, lng + dLng];
  }
  function toWgs(lat, lng) {
    var w = [lat, lng];
    for (var i = 0; i < 10; i++) {
      var g = toGcj(w[0], w[1]);
      w = [w[0] - (g[0] - lat), w[1] - (g[1] - lng)];
    }
    return w;
  }
  function number(value) {
    var n = parseFloat(value);
    return isFinite(n) ? n : null;
  }

  function setUp(el) {
    var latInput = document.getElementById(el.dataset.latInput);
    var lngInput = document.getElementById(el.dataset.lngInput);
    if (!latInput || !lngInput) { return; }
    var gcj = el.dataset.crs === "gcj02";
    var center = [number(el.dataset.centerLat) || 31.16, number(el.dataset.centerLng) || 108.39];
    var map = L.map(el).setView(gcj ? toGcj(center[0], center[1]) : center, 11);
    L.tileLayer(el.dataset.tiles, { subdomains: el.dataset.subdomains || "abc", attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    var marker = null;
    function show(wgsLat, wgsLng) {
      var p = gcj ? toGcj(wgsLat, wgsLng) : [wgsLat, wgsLng];
      if (marker) { marker.setLatLng(p); } else { marker = L.circleMarker(p, { radius: 9, color: "#c0392b", className: "picked-marker" }).addTo(map); }
      return p;
    }
    function fromInputs(zoom) {
      var lat = number(latInput.value), lng = number(lngInput.value);
      if (lat === null || lng === null) { return; }
      var p = show(lat, lng);
      if (zoom) { map.setView(p, 15); }
    }
    fromInputs(true);
    // Typed numbers move the marker too, so the reporter sees where they point.
    latInput.addEventListener("change", function () { fromInputs(false); });
    lngInput.addEventListener("change", function () { fromInputs(false); });
    map.on("click", function (e) {
      var w = gcj ? toWgs(e.latlng.lat, e.latlng.lng) : [e.latlng.lat, e.latlng.lng];
      latInput.value = w[0].toFixed(6);
      lngInput.value = w[1].toFixed(6);
      show(w[0], w[1]);
    });
  }

  var maps = document.querySelectorAll("[data-pick-place]");
  for (var i = 0; i < maps.length; i++) { setUp(maps[i]); }
})();
