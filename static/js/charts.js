/*
 * charts.js: draws the statistics pages' charts with Chart.js. Shared by the unit dashboard
 * (stats/templates/stats/unit*.html, fairness*.html) and the cluster dashboard.
 *
 * CONTRACT
 *   Template:
 *     {% load static %}
 *     <figure><canvas data-chart="chart-by-level" role="img"
 *                     aria-label="…; the table below holds the same figures."></canvas></figure>
 *     {{ spec|json_script:"chart-by-level" }}
 *     … a <table> with the same figures beneath it …
 *     <script src="{% static 'vendor/chartjs/chart.umd.js' %}" defer></script>
 *     <script src="{% static 'js/charts.js' %}" defer></script>
 *   Every <canvas data-chart="ID"> is drawn from the JSON in the element with id ID
 *   (the json_script output). No inline script; the page works without JavaScript (the table).
 *   Give each canvas a wrapper of its own (a <figure>): the chart fills its width, and a
 *   horizontal bar chart sets the wrapper's height from its number of rows. An empty spec
 *   (no labels) hides the canvas.
 *
 *   spec = {
 *     "type": "bar" | "line" | "doughnut" | "pie",
 *     "labels": ["2021", "2022", …],              // categories (x axis, or slices)
 *     "datasets": [{"label": "Individuals", "data": [12, 7, …]}, …],  // numbers, null for a gap
 *     "stacked": false,     // bar/line: stack the datasets
 *     "percent": false,     // the numbers are percentages (0–100): axis and tooltips show "%"
 *     "reverse": false,     // optional: the value axis runs downwards from 1 (ranks: 1st on top)
 *     "horizontal": false   // optional, bar only: horizontal bars (long labels); the canvas's
 *                           // parent is given a height from the number of rows
 *   }
 *   Colours: Okabe–Ito hues (distinct for colour-blind readers, each at least 3:1 on white), one per dataset
 *   (one per slice for doughnut/pie). Numbers are formatted vi-VN (1.234,5) in either interface
 *   language, like the tables Django renders (thidua/formats: English keeps Vietnamese formats).
 *   Animations are off (screenshots, reduced motion).
 */
(function () {
  "use strict";

  // Okabe–Ito hues (told apart with every kind of colour blindness), the light ones darkened so
  // that each has at least 3:1 contrast on white (WCAG 1.4.11).
  var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#B07A00", "#332288", "#882255", "#117733", "#AA4499", "#000000"];

  // Always vi-VN: the English interface keeps the Vietnamese number formats (thidua/formats/en).
  function locale() { return "vi-VN"; }

  function formatter(percent) {
    var nf = new Intl.NumberFormat(locale(), { maximumFractionDigits: percent ? 1 : 2 });
    return function (value) {
      if (value === null || value === undefined || isNaN(value)) { return "–"; }
      return nf.format(value) + (percent ? "\u00a0%" : "");
    };
  }

  function colour(i) { return PALETTE[i % PALETTE.length]; }

  function config(spec, width) {
    var type = spec.type || "bar";
    var round = type === "doughnut" || type === "pie";
    var fmt = formatter(!!spec.percent);
    var datasets = (spec.datasets || []).map(function (ds, i) {
      var out = { label: ds.label, data: ds.data };
      if (round) {
        out.backgroundColor = ds.data.map(function (_, j) { return colour(j); });
        out.borderColor = "#ffffff";
        out.borderWidth = 2;
      } else if (type === "line") {
        out.borderColor = colour(i);
        out.backgroundColor = colour(i);
        out.pointStyle = ["circle", "rect", "triangle", "rectRot", "star", "cross"][i % 6];
        out.pointRadius = 4;
        out.tension = 0;
        out.fill = false;
        out.spanGaps = false;
      } else {
        out.backgroundColor = colour(i);
        out.borderColor = colour(i);
      }
      return out;
    });
    var wide = window.matchMedia && window.matchMedia("(min-width: 760px)").matches;
    var options = {
      animation: false,
      responsive: true,
      maintainAspectRatio: true,
      aspectRatio: round ? (wide ? 2 : 1.2) : (width > 900 ? 3 : 2),
      locale: locale(),
      plugins: {
        legend: { display: round || datasets.length > 1, position: round && wide ? "right" : "bottom" },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              var name = round ? ctx.label : ctx.dataset.label;
              return (name ? name + ": " : "") + fmt(ctx.raw);
            }
          }
        }
      }
    };
    if (!round) {
      var valueAxis = {
        beginAtZero: true,
        stacked: !!spec.stacked,
        ticks: { callback: function (v) { return fmt(v); }, precision: spec.percent ? undefined : 0 }
      };
      if (spec.percent && spec.stacked) { valueAxis.max = 100; }
      if (spec.reverse) {
        // Ranks: 1 at the top, and the axis starts at 1, not 0.
        valueAxis.reverse = true;
        valueAxis.beginAtZero = false;
        valueAxis.min = 1;
      }
      var categoryAxis = { stacked: !!spec.stacked, ticks: { autoSkip: false } };
      var horizontal = type === "bar" && !!spec.horizontal;
      if (horizontal) {
        options.indexAxis = "y";
        // As tall as its rows need: the canvas fills a box sized here (see draw below).
        options.maintainAspectRatio = false;
      }
      options.scales = horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis };
    }
    return { type: type, data: { labels: spec.labels || [], datasets: datasets }, options: options };
  }

  function drawAll() {
    if (typeof Chart === "undefined") { return; }
    var canvases = document.querySelectorAll("canvas[data-chart]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) { return; }
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (e) { return; }
      if (!spec || !spec.labels || spec.labels.length === 0) { canvas.hidden = true; return; }
      if (spec.type === "bar" && spec.horizontal && canvas.parentNode) {
        canvas.parentNode.style.position = "relative";
        canvas.parentNode.style.height = Math.max(160, 70 + 28 * spec.labels.length) + "px";
      }
      new Chart(canvas, config(spec, canvas.parentNode ? canvas.parentNode.clientWidth : 0));
    });
  }

  window.thiduaCharts = { draw: drawAll, config: config, palette: PALETTE };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); } else { drawAll(); }
})();
