// Draws each dashboard chart from the figures the page already shows in its tables.
(function () {
  "use strict";
  var charts = JSON.parse(document.getElementById("chart-data").textContent);
  charts.forEach(function (spec, index) {
    var canvas = document.getElementById("chart-" + (index + 1));
    if (!canvas) { return; }
    var options = {
      responsive: true,
      animation: false,
      plugins: { legend: { display: spec.datasets.length > 1 } },
    };
    if (spec.percent) { options.scales = { y: { min: 0, max: 100 } }; }
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set) {
          return { label: set.label, data: set.data, tension: 0.2 };
        }),
      },
      options: options,
    });
  });
})();
