/* The dashboards' charts: every element with data-chart="<id>" is drawn from the JSON of the
   <script type="application/json" id="<id>"> beside it (Django's json_script), the same numbers
   as the table that follows it. Bars carry patterns (decals) and value labels as well as colour,
   so a chart reads in black and white; no maps. Loaded as a file: the Content-Security-Policy
   allows no inline script. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var lang = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var chart = JSON.parse(source.textContent);
    var horizontal = chart.categories.length > 6;
    var categoryAxis = { type: "category", data: chart.categories, axisLabel: { interval: 0, width: 120, overflow: "truncate" } };
    var valueAxis = { type: "value", name: chart.unit || "" };
    var instance = echarts.init(el, null, { renderer: "svg", locale: lang });
    instance.setOption({
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({ inverse: true }, categoryAxis) : valueAxis,
      series: chart.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, stack: chart.stack ? "all" : undefined,
                 label: { show: !chart.stack, position: horizontal ? "right" : "top" } };
      })
    });
    window.addEventListener("resize", function () { instance.resize(); });
  });
})();
