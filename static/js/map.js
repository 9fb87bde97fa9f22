/* The map for the search, home and institution pages. The server sends marker coordinates already in
   the tile provider's system (GCJ-02 for 高德/腾讯), so this file never converts; a tapped point is sent
   back with crs=<that system> and the server converts it to the WGS-84 it stores. With no network the
   tiles fail, a notice says so, and the markers, the key and the list still work. Every text a person
   reads comes from the page (data-* attributes, in the page's language) and goes in as text. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  document.documentElement.classList.add("js");
  var data = el.dataset;

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var markers = readJSON("map-markers") || [];
  var center = readJSON("map-center");
  var crs = data.crs || "wgs84";
  var map = L.map(el, { zoomControl: false, attributionControl: true });
  // Leaflet's own zoom buttons carry English titles; the page gives them in its language.
  L.control.zoom({ zoomInTitle: data.zoomIn || "Zoom in", zoomOutTitle: data.zoomOut || "Zoom out" }).addTo(map);

  // The view comes first, before any layer. A circle marker takes the map's shared renderer when it is
  // added, but a renderer added to a map without a view waits for the view, behind the layers added
  // earlier: the feature group of markers then draws into a renderer that has no bounds yet, and
  // Leaflet throws "Cannot read properties of undefined (reading 'intersects')", leaving no markers
  // and no tap handler. That happened whenever the search had a point (its marker was added early).
  var points = markers.map(function (m) { return [m.lat, m.lng]; });
  if (center) { points.push([center.lat, center.lng]); }
  if (points.length > 1) {
    map.fitBounds(L.latLngBounds(points).pad(0.2));
  } else if (points.length === 1) {
    map.setView(points[0], center ? 13 : 15);
  } else {
    map.setView([31.16, 108.39], 10);
  }

  // Without tiles (no network, a blocked provider) the map is a grey box: say so, once, until a tile
  // does arrive.
  var notice = document.querySelector("[data-map-notice]");
  var tilesLoaded = 0;
  var tiles = L.tileLayer(data.tiles, {
    subdomains: data.subdomains || "abc",
    attribution: data.attribution || "",
    maxZoom: 18
  });
  tiles.on("tileerror", function () { if (notice && !tilesLoaded) { notice.hidden = false; } });
  tiles.on("tileload", function () { tilesLoaded += 1; if (notice) { notice.hidden = true; } });
  tiles.addTo(map);
  if (notice) {
    // The notice sits on the grey map itself, where the missing picture is, and takes no room from the
    // list on a phone's first screen.
    var NoticeControl = L.Control.extend({ onAdd: function () { return notice; } });
    new NoticeControl({ position: "topright" }).addTo(map);
  }

  var layer = L.featureGroup().addTo(map);
  markers.forEach(function (m) {
    // An open complaint (the official workspace) is orange, so it is never read as a full institution.
    var isCase = m.kind === "case";
    var marker = L.circleMarker([m.lat, m.lng], {
      radius: isCase ? 7 : 9,
      weight: 2,
      color: isCase ? "#a04000" : (m.puhui ? "#0a6b3d" : "#1f4e8c"),
      fillColor: isCase ? "#e67e22" : (m.vacancies > 0 ? (m.puhui ? "#2fb36b" : "#4a86d4") : "#9aa3ad"),
      fillOpacity: 0.9,
      // A tap on a marker opens its popup and is not also a tap on the map (which offers a search).
      bubblingMouseEvents: false,
      className: isCase ? "case-marker" : "inst-marker" + (m.puhui ? " puhui" : "")
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
    L.circleMarker([center.lat, center.lng], {
      radius: 7, color: "#c0392b", fillOpacity: 1, bubblingMouseEvents: false, className: "here-marker"
    }).addTo(map);
  }

  function searchNear(lat, lng, pointCrs) {
    var form = document.getElementById("filter-form");
    var params = new URLSearchParams(form ? new FormData(form) : undefined);
    params.set("near", lat.toFixed(6) + "," + lng.toFixed(6));
    params.set("crs", pointCrs);
    params.delete("place");
    params.delete("page");
    window.location.href = data.searchUrl + "?" + params.toString();
  }

  // Leaflet names a popup's close button in English: give it the page's word.
  map.on("popupopen", function (e) {
    var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close && data.closePopup) { close.setAttribute("aria-label", data.closePopup); close.title = data.closePopup; }
  });

  if (data.clickable === "1") {
    // A tap on the map offers a search there (a button in a popup) instead of leaving the page at once:
    // a grandparent panning with a finger, or closing a popup, must not lose the list they were reading.
    var popupOpen = false;
    var closingTap = false;
    map.on("popupopen", function () { popupOpen = true; });
    map.on("popupclose", function () { popupOpen = false; });
    // Registered before any popup exists, so it runs before the popup's own preclick closes it.
    map.on("preclick", function () { closingTap = popupOpen; });
    map.on("click", function (e) {
      if (closingTap) { closingTap = false; return; }  // this tap only closed a popup
      var button = document.createElement("button");
      button.type = "button";
      button.className = "primary search-here";
      button.textContent = data.searchHere || "Search here";
      button.addEventListener("click", function () { searchNear(e.latlng.lat, e.latlng.lng, crs); });
      L.popup({ className: "search-here-popup" }).setLatLng(e.latlng).setContent(button).openOn(map);
    });
  }

  // "Use my location": the browser asks the person; a refusal, no fix or a timeout is said in words
  // next to the button rather than nothing happening.
  document.querySelectorAll("[data-locate]").forEach(function (button) {
    if (!navigator.geolocation) { button.hidden = true; return; }
    var message = document.createElement("p");
    message.className = "locate-message";
    message.setAttribute("role", "status");
    message.hidden = true;
    (button.closest(".actions, form") || button).after(message);
    function say(text, isError) {
      message.textContent = text;
      message.classList.toggle("error", !!isError);
      message.hidden = false;
    }
    button.addEventListener("click", function () {
      say(data.locateWaiting || "Finding where you are…", false);
      navigator.geolocation.getCurrentPosition(function (pos) {
        // The browser reports WGS-84.
        searchNear(pos.coords.latitude, pos.coords.longitude, "wgs84");
      }, function (error) {
        var denied = error && error.code === 1;  // PERMISSION_DENIED
        say(denied ? data.locateDenied : data.locateFailed, true);
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
    });
  });

  // After a search a phone folds the filters away so the results come first; a wide screen has room
  // for both side by side, so it opens them again.
  var fold = document.querySelector("details[data-filters-fold]");
  if (fold && window.matchMedia("(min-width: 900px)").matches) { fold.open = true; }
})();
