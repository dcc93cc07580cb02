// Retention Desk keyboard: "/" focuses the search, 1-9 pick the n-th offer (Enter presents
// it), "?" opens the help. Keys typed into a field are left alone.
(function () {
  "use strict";
  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    if (event.key === "/") {
      var search = document.querySelector("[data-search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    } else if (event.key === "?") {
      var help = document.getElementById("help");
      if (help && !help.open) {
        event.preventDefault();
        help.showModal();
      }
    } else if (/^[1-9]$/.test(event.key)) {
      var offer = document.querySelector('[data-offer-key="' + event.key + '"]');
      if (offer) {
        event.preventDefault();
        document.querySelectorAll(".offer.picked").forEach(function (el) {
          el.classList.remove("picked");
        });
        offer.closest(".offer").classList.add("picked");
        offer.focus();
      }
    }
  });
  // A note typed while the network was down is kept in the browser until it is saved.
  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-notes-key]")) {
      localStorage.setItem(event.target.dataset.notesKey, event.target.value);
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail.elt;
    if (source.matches && source.matches("[data-notes-key]") && event.detail.successful) {
      localStorage.removeItem(source.dataset.notesKey);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-notes-key]").forEach(function (area) {
      var draft = localStorage.getItem(area.dataset.notesKey);
      if (draft !== null && draft !== area.value) {
        area.value = draft;
        area.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  });
})();
