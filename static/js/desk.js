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
  // A refused or failed htmx request says why, where a screen reader hears it: the message
  // of the error page the server sent (the input guard, 403, 503), or that nothing arrived.
  function flash(text) {
    var box = document.getElementById("flash");
    if (!box || !text) {
      return;
    }
    var line = document.createElement("p");
    line.className = "message message-error";
    line.textContent = text;
    box.replaceChildren(line);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var page = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    var said = page.querySelector(".error-message") || page.querySelector(".error-title");
    flash(said ? said.textContent.trim() : String(event.detail.xhr.status));
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("flash");
    flash(box && box.dataset.unreachable);
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("flash");
    if (box) {
      box.replaceChildren();
    }
  });
  // Buttons that open a dialog, selects that submit their form: no inline handlers (CSP).
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.openDialog);
      if (dialog && !dialog.open) {
        dialog.showModal();
      }
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-submit-on-change]")) {
      event.target.form.submit();
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
  // Waiting times tick on between polls: the server says how long at the time it drew the
  // row (data-waited), the browser adds the seconds since it received it. The same format
  // as the `waited` template filter: m:ss, or h:mm:ss from an hour.
  function clock(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var secs = seconds % 60;
    var mm = hours ? String(minutes).padStart(2, "0") : String(minutes);
    return (hours ? hours + ":" : "") + mm + ":" + String(secs).padStart(2, "0");
  }
  function stamp(root) {
    var now = String(Date.now());
    root.querySelectorAll("[data-waited]").forEach(function (el) {
      el.dataset.drawnAt = el.dataset.drawnAt || now;
    });
  }
  document.addEventListener("htmx:load", function (event) {
    stamp(event.detail.elt);
  });
  window.setInterval(function () {
    var now = Date.now();
    document.querySelectorAll("[data-waited]").forEach(function (el) {
      if (!el.dataset.drawnAt) {
        el.dataset.drawnAt = String(now);
      }
      var since = Math.floor((now - Number(el.dataset.drawnAt)) / 1000);
      el.textContent = clock(Number(el.dataset.waited) + since);
    });
  }, 1000);
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
