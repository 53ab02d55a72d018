// dealscout: the few things JavaScript does. Every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Copy buttons copy the text of the element named by data-copy.
  document.querySelectorAll(".js-copy").forEach(function (btn) {
    if (!navigator.clipboard) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var el = document.getElementById(btn.dataset.copy);
      if (!el) return;
      navigator.clipboard.writeText(el.textContent.trim()).then(function () {
        btn.textContent = "Copied";
      }, function () {
        btn.textContent = "Copy failed: select the text instead";
      });
    });
  });
  // Wide screens have room for the filters: show them open.
  if (window.matchMedia && window.matchMedia("(min-width: 900px)").matches) {
    document.querySelectorAll("details.filter-box").forEach(function (d) { d.open = true; });
  }
  // Save and dismiss without a reload; the form posts normally if this fails.
  document.querySelectorAll("form.js-status").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.fetch || !ev.submitter) return;
      ev.preventDefault();
      var body = new FormData(form, ev.submitter);
      fetch(form.action, { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (res) {
          if (!res.ok) throw new Error(res.status);
          return res.json();
        })
        .then(function (data) {
          var card = form.closest("li.deal");
          if (card && data.status === "dismissed") {
            card.remove();
            return;
          }
          window.location.reload();
        })
        .catch(function () {
          var h = document.createElement("input");
          h.type = "hidden";
          h.name = "status";
          h.value = ev.submitter.value;
          form.appendChild(h);
          form.submit();
        });
    });
  });
});
