/* Bar charts of a cluster year's scoring results (Chart.js); the page's table holds the figures. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var colours = ["#8b1a1a", "#0b57a4", "#1a7f37", "#9a6700", "#6e40c9", "#57606a"];
    new Chart(document.getElementById("chart-totals"), {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: data.total_label, data: data.totals, backgroundColor: colours[0] }] },
      options: { indexAxis: "y", animation: false, plugins: { legend: { display: false } } }
    });
    new Chart(document.getElementById("chart-groups"), {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.groups.map(function (g, i) {
          return { label: g.label, data: g.values, backgroundColor: colours[(i + 1) % colours.length] };
        })
      },
      options: { animation: false }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
