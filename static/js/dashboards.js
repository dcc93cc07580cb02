// Draws each dashboard chart from the figures the page already shows in its tables. A
// dataset marked `line` is a running share in % on an axis of its own (a Pareto).
(function () {
  "use strict";
  var charts = JSON.parse(document.getElementById("chart-data").textContent);
  charts.forEach(function (spec, index) {
    var canvas = document.getElementById("chart-" + (index + 1));
    if (!canvas) { return; }
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: spec.datasets.length > 1 } },
      scales: {},
    };
    if (spec.percent) { options.scales.y = { min: 0, max: 100 }; }
    var shares = spec.datasets.some(function (set) { return set.line; });
    if (shares) {
      options.scales.share = { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } };
    }
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set) {
          var drawn = { label: set.label, data: set.data, tension: 0.2 };
          if (set.line) {
            drawn.type = "line";
            drawn.yAxisID = "share";
          }
          return drawn;
        }),
      },
      options: options,
    });
  });
})();
