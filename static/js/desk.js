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
  // A note typed while the network was down is kept in the browser until it is saved. It is
  // put back only over the very text it was typed on, never over someone's newer notes.
  document.addEventListener("input", function (event) {
    var area = event.target;
    if (area.matches("[data-notes-key]")) {
      localStorage.setItem(
        area.dataset.notesKey,
        JSON.stringify({ text: area.value, base: area.dataset.notesBase || "" })
      );
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail.elt;
    if (source.matches && source.matches("[data-notes-key]") && event.detail.successful) {
      localStorage.removeItem(source.dataset.notesKey);
      source.dataset.notesBase = source.value;
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-notes-key]").forEach(function (area) {
      var draft = null;
      try {
        draft = JSON.parse(localStorage.getItem(area.dataset.notesKey));
      } catch (ignored) {
        draft = null;
      }
      if (draft && draft.base === area.value && draft.text !== area.value) {
        area.value = draft.text;
        area.dispatchEvent(new Event("input", { bubbles: true }));
      } else if (draft) {
        localStorage.removeItem(area.dataset.notesKey);
      }
    });
  });
})();
