/* qingji's page behaviour. No inline scripts anywhere: pages mark elements with data-*
   attributes and this file wires them up, so the Content-Security-Policy can forbid inline code. */
(function () {
  "use strict";

  // <form data-confirm="…"> asks before submitting.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  // <select data-autosubmit> and <input data-autosubmit> submit their form when changed.
  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-autosubmit")) {
      event.target.form.requestSubmit ? event.target.form.requestSubmit() : event.target.form.submit();
    }
  });

  // <div class="chart" data-chart="id-of-json-script"> draws an ECharts option held in a
  // <script type="application/json"> element (json_script), when ECharts is on the page.
  function drawCharts(root) {
    if (!window.echarts) { return; }
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
      chart.setOption(option, true);
      if (el.hasAttribute("data-chart-drill")) {
        chart.off("click");
        chart.on("click", function (params) {
          var links = option.qingjiLinks || {};
          var url = links[params.name];
          if (url) { window.location.href = url; }
        });
      }
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });
  window.qingjiDrawCharts = drawCharts;
})();
