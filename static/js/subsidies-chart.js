/* The subsidies dashboard's bar charts (Apache ECharts on a canvas): what was proposed, approved and paid
   by kind and by street or town, with the year's budget as a line. Every number and every text comes
   from the page: each chart's JSON (json_script, its id in data-source) carries translated titles and
   names, which go in as chart text, never as HTML (the tooltip is drawn on the canvas: renderMode
   "richText"). Without scripts, or if ECharts fails to load, the containers stay hidden and the tables
   beside them show the same numbers. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var COLOURS = { proposed: "#9aa7b8", approved: "#1f5fa8", paid: "#1e8449" };

  function readJSON(id) {
    var node = id ? document.getElementById(id) : null;
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  var charts = [];
  Array.prototype.forEach.call(document.querySelectorAll("[data-subsidy-chart]"), function (el) {
    var data = readJSON(el.dataset.source);
    if (!data || !data.categories || !data.categories.length) { return; }
    el.hidden = false;
    // Set through the DOM (CSSOM), which the CSP's style-src does not govern, so no inline style attribute.
    el.style.width = "100%";
    el.style.height = Math.max(240, 48 * data.categories.length + 96) + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var series = data.series.map(function (s) {
      return { type: "bar", name: s.name, data: s.values.map(Number), color: COLOURS[s.key] || "#888" };
    });
    if (data.budget) {
      series[0].markLine = {
        silent: true,
        symbol: "none",
        label: { formatter: data.budget.name },
        lineStyle: { color: "#b03a2e", type: "dashed" },
        data: [{ xAxis: Number(data.budget.value) }]
      };
    }
    // Horizontal bars: the names of streets and towns stay readable on a phone.
    chart.setOption({
      animation: false,
      aria: { enabled: true },
      grid: { left: 8, right: 24, top: 16, bottom: 56, containLabel: true },
      legend: { bottom: 0 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "value", name: data.yName },
      yAxis: { type: "category", data: data.categories, inverse: true },
      series: series
    });
    charts.push(chart);
  });
  if (charts.length) {
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
}());
