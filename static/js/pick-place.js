/* A generic location picker: a tap on the map, or the phone's own location, fills a pair of WGS-84
   latitude and longitude inputs.
   Markup: <div class="map" data-pick-place data-lat-input="ID" data-lng-input="ID" data-tiles=…
   data-subdomains=… data-crs="gcj02|wgs84" data-attribution=… data-center-lat=… data-center-lng=…>,
   and optionally data-hide-inputs="ID" (the box around the two inputs: with this script running they
   become hidden inputs and the place is said in words instead), data-status="ID" (where the words go),
   data-resolve="URL" (answers ?lat=&lng= with {"place", "error"}: the street or town, in words) and
   data-msg-locate, -locating, -denied, -unavailable, -picked, -picked-in ("… {place}") for the texts in
   the page's language (a page without them gets the built-in Chinese or English below).
   The inputs always hold WGS-84, which is what the server stores and what the browser's geolocation
   reports. Chinese tile providers draw in GCJ-02, so only what is shown on the map is converted, and a
   tap is converted back (the same published formula as tuoyu/core/geo.py). Typing the numbers still
   works without JavaScript. Used by the filing form and the complaint form. */
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

  var TEXTS = {
    zh: {
      locate: "用我现在的位置",
      locating: "正在查找您的位置…",
      denied: "手机没有允许使用您的位置。请在地图上点一下场所所在处，或在浏览器设置里允许本网站使用位置。",
      unavailable: "没有找到您的位置。请在地图上点一下场所所在处。",
      picked: "已在地图上选定位置",
      pickedIn: "已在地图上选定位置：{place}"
    },
    en: {
      locate: "Use where I am now",
      locating: "Finding where you are…",
      denied: "The phone did not allow us to use your location. Please tap the map where the place is, or allow location for this site in the browser's settings.",
      unavailable: "Your location could not be found. Please tap the map where the place is.",
      picked: "Place chosen on the map",
      pickedIn: "Place chosen on the map: {place}"
    }
  };

  function texts(el) {
    var lang = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "zh" : "en";
    var fallback = TEXTS[lang], d = el.dataset;
    return {
      locate: d.msgLocate || fallback.locate,
      locating: d.msgLocating || fallback.locating,
      denied: d.msgDenied || fallback.denied,
      unavailable: d.msgUnavailable || fallback.unavailable,
      picked: d.msgPicked || fallback.picked,
      pickedIn: d.msgPickedIn || fallback.pickedIn
    };
  }

  function setUp(el) {
    var latInput = document.getElementById(el.dataset.latInput);
    var lngInput = document.getElementById(el.dataset.lngInput);
    if (!latInput || !lngInput) { return; }
    var msg = texts(el);
    var gcj = el.dataset.crs === "gcj02";
    var center = [number(el.dataset.centerLat) || 31.16, number(el.dataset.centerLng) || 108.39];

    // The raw numbers mean nothing to most people: with the map working they become hidden inputs
    // (still sent with the form) and the place is said in words.
    var box = el.dataset.hideInputs ? document.getElementById(el.dataset.hideInputs) : null;
    if (box) {
      latInput.type = "hidden";
      lngInput.type = "hidden";
      box.hidden = true;
    }

    var button = document.createElement("button");
    button.type = "button";
    button.className = "locate-me";
    button.setAttribute("data-testid", "locate-me");
    button.textContent = msg.locate;
    var status = el.dataset.status ? document.getElementById(el.dataset.status) : null;
    // The button first, then what it found, then the map.
    if (status && status.parentNode === el.parentNode) { el.parentNode.insertBefore(button, status); }
    else { el.parentNode.insertBefore(button, el); }
    if (!status) {
      status = document.createElement("p");
      status.className = "place-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      el.parentNode.insertBefore(status, el);
    }
    function say(text, problem) {
      status.textContent = text;
      status.classList.toggle("place-problem", !!problem);
    }

    // Leaflet's own zoom buttons carry English titles; the page gives them in its language (as map.js).
    var map = L.map(el, { zoomControl: false }).setView(gcj ? toGcj(center[0], center[1]) : center, 11);
    L.control.zoom({ zoomInTitle: el.dataset.zoomIn || "Zoom in", zoomOutTitle: el.dataset.zoomOut || "Zoom out" }).addTo(map);
    L.tileLayer(el.dataset.tiles, { subdomains: el.dataset.subdomains || "abc", attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    var marker = null;
    function show(wgsLat, wgsLng) {
      var p = gcj ? toGcj(wgsLat, wgsLng) : [wgsLat, wgsLng];
      if (marker) { marker.setLatLng(p); } else { marker = L.circleMarker(p, { radius: 9, color: "#c0392b", className: "picked-marker" }).addTo(map); }
      return p;
    }
    // Only the latest answer counts: a slow one for an earlier tap must not overwrite a later place.
    var asked = 0;
    function describe(lat, lng) {
      say(msg.picked, false);
      if (!el.dataset.resolve || !window.fetch) { return; }
      var mine = ++asked;
      var url = el.dataset.resolve + "?lat=" + encodeURIComponent(lat) + "&lng=" + encodeURIComponent(lng);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          if (mine !== asked) { return; }
          if (answer.error) { say(String(answer.error), true); }
          else if (answer.place) { say(msg.pickedIn.replace("{place}", String(answer.place)), false); }
        })
        .catch(function () { /* the plain "place chosen" stays: the form still has the point */ });
    }
    function picked(wgsLat, wgsLng) {
      latInput.value = wgsLat.toFixed(6);
      lngInput.value = wgsLng.toFixed(6);
      var p = show(wgsLat, wgsLng);
      describe(latInput.value, lngInput.value);
      return p;
    }
    function fromInputs(zoom) {
      var lat = number(latInput.value), lng = number(lngInput.value);
      if (lat === null || lng === null) { return false; }
      var p = show(lat, lng);
      if (zoom) { map.setView(p, 15); }
      return true;
    }
    if (fromInputs(true) && !status.textContent.trim()) { say(msg.picked, false); }
    // Typed numbers move the marker too, so the reporter sees where they point.
    latInput.addEventListener("change", function () { fromInputs(false); });
    lngInput.addEventListener("change", function () { fromInputs(false); });
    map.on("click", function (e) {
      var w = gcj ? toWgs(e.latlng.lat, e.latlng.lng) : [e.latlng.lat, e.latlng.lng];
      picked(w[0], w[1]);
    });

    // The browser's position is WGS-84 already: it goes into the inputs as it is, and only the marker
    // is drawn in the map's system.
    button.addEventListener("click", function () {
      if (!navigator.geolocation || window.isSecureContext === false) {
        say(msg.unavailable, true);
        return;
      }
      say(msg.locating, false);
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          button.disabled = false;
          var p = picked(position.coords.latitude, position.coords.longitude);
          map.setView(p, 16);
        },
        function (error) {
          button.disabled = false;
          say(error && error.code === 1 ? msg.denied : msg.unavailable, true);
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
  }

  var maps = document.querySelectorAll("[data-pick-place]");
  for (var i = 0; i < maps.length; i++) { setUp(maps[i]); }
})();
