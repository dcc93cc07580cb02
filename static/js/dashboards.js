// Draws the dashboard charts from the figures the page already shows in its tables.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var common = { responsive: true, scales: { y: { min: 0, max: 100 } } };
  new Chart(document.getElementById("chart-weeks"), {
    type: "line",
    data: { labels: data.weeks, datasets: [{ data: data.week_rates, tension: 0.2 }] },
    options: Object.assign({ plugins: { legend: { display: false } } }, common),
  });
  new Chart(document.getElementById("chart-reasons"), {
    type: "bar",
    data: { labels: data.reasons, datasets: [{ data: data.reason_rates }] },
    options: Object.assign({ plugins: { legend: { display: false } } }, common),
  });
})();
