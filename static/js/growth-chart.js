/* The growth charts of a health record: the WHO 2006 curves (−3, −2, 0, +2, +3 SD) and the child's
   points, drawn by Apache ECharts on a canvas. Every number and every text comes from the page: the
   JSON of each chart (json_script, its id in data-source) carries translated titles, axis names and
   line names, which go in as chart text, never as HTML (the tooltip is drawn on the canvas too:
   renderMode "richText"). Without scripts, or if ECharts fails to load, the containers stay hidden and
   the table of measurements beside them shows the same numbers. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var COLOURS = { "-3": "#b03a2e", "-2": "#d68910", "0": "#1e8449", "2": "#d68910", "3": "#b03a2e" };
  var CHILD = "#1f5fa8";

  function readJSON(id) {
    var node = id ? document.getElementById(id) : null;
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function curve(line) {
    var colour = COLOURS[String(line.sd)] || "#888";
    return {
      type: "line",
      name: line.name,
      data: line.points,
      showSymbol: false,
      smooth: true,
      silent: true,
      z: 1,
      color: colour,
      lineStyle: { width: line.sd === 0 ? 2 : 1, type: Math.abs(line.sd) === 3 ? "dashed" : "solid", color: colour }
    };
  }

  var charts = [];
  Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (el) {
    var data = readJSON(el.dataset.source);
    if (!data) { return; }
    el.hidden = false;
    // Set through the DOM (CSSOM), which the CSP's style-src does not govern, so no inline style attribute.
    el.style.width = "100%";
    el.style.height = "320px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var series = data.lines.map(curve);
    series.push({
      type: "line",
      name: data.child.name,
      data: data.child.points,
      symbol: "circle",
      symbolSize: 8,
      z: 3,
      color: CHILD,
      lineStyle: { width: 2, color: CHILD }
    });
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      // A plain legend wraps onto a second line on a phone, where a scrolling one hides "+2 SD" and "+3 SD".
      grid: { left: 48, right: 16, top: 36, bottom: 96 },
      legend: { bottom: 0, itemWidth: 16, itemGap: 8 },
      tooltip: { trigger: "item", renderMode: "richText" },
      xAxis: { type: "value", name: data.xName, nameLocation: "middle", nameGap: 26, min: "dataMin", max: "dataMax" },
      yAxis: { type: "value", name: data.yName, scale: true },
      series: series
    });
    charts.push(chart);
  });
  if (charts.length) {
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
}());
