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
  // Notes someone else saved reach the screen with the next redraw (.notes-by-other): they
  // replace the field when nothing is being typed there, else the agent is told.
  function notesFromOthers(root) {
    var theirs = root.querySelector && root.querySelector(".notes-by-other");
    var area = document.querySelector("[data-notes-key]");
    if (!theirs || !area || area.dataset.notesBase === theirs.textContent) {
      return;
    }
    var status = document.getElementById("notes-status");
    if (area.value === (area.dataset.notesBase || "")) {
      area.value = theirs.textContent;
      area.dataset.notesBase = theirs.textContent;
      if (status) {
        status.textContent = theirs.dataset.message;
      }
    } else if (status) {
      status.textContent = theirs.dataset.conflict;
    }
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    notesFromOthers(event.detail.target.ownerDocument);
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
  // A poll carries its screen's update-check token (data-check, see core/updates.py): the
  // server answers 204 from Redis while nothing it shows changed. Every poll's answer may
  // bring a fresh token (RD-Check), kept for the next poll.
  document.addEventListener("htmx:configRequest", function (event) {
    var check = event.detail.elt.dataset && event.detail.elt.dataset.check;
    if (check && event.detail.verb === "get") {
      event.detail.parameters.check = check;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail.elt;
    var fresh = event.detail.xhr && event.detail.xhr.getResponseHeader("RD-Check");
    if (fresh && source.dataset) {
      source.dataset.check = fresh;
    }
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
// The reason picker: type a word (either language), the Korean initials (ㅇㄱ) or the two-digit
// key; arrows move, Enter picks. Picking records the reason at once, unless it is a
// competitor's, whose name and offer come next.
(function () {
  "use strict";
  function parts(picker) {
    return {
      input: picker.querySelector("[role=combobox]"),
      hidden: picker.querySelector("input[type=hidden]"),
      options: Array.prototype.slice.call(picker.querySelectorAll("[role=option]")),
      groups: Array.prototype.slice.call(picker.querySelectorAll(".reason-group")),
    };
  }
  function activate(p, option) {
    p.options.forEach(function (o) {
      o.classList.remove("active");
      o.setAttribute("aria-selected", "false");
    });
    if (option) {
      option.classList.add("active");
      option.setAttribute("aria-selected", "true");
      p.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      p.input.removeAttribute("aria-activedescendant");
    }
  }
  function visible(p) {
    return p.options.filter(function (o) { return !o.hidden; });
  }
  function filter(picker) {
    var p = parts(picker);
    var query = p.input.value.trim().toLowerCase();
    var exact = null;
    p.options.forEach(function (o) {
      var match = !query || o.dataset.key.indexOf(query) === 0 || o.dataset.search.indexOf(query) >= 0;
      o.hidden = !match;
      if (!exact && o.dataset.key === query) {
        exact = o;
      }
    });
    p.groups.forEach(function (group) {
      var next = group.nextElementSibling;
      var any = false;
      while (next && !next.classList.contains("reason-group")) {
        any = any || !next.hidden;
        next = next.nextElementSibling;
      }
      group.hidden = !any;
    });
    activate(p, exact || visible(p)[0] || null);
  }
  function choose(picker, option) {
    var p = parts(picker);
    p.hidden.value = option.dataset.value;
    p.input.value = option.textContent.replace(/\s+/g, " ").trim();
    activate(p, option);
    var form = picker.closest("form");
    if (option.dataset.category === "competitor") {
      var name = form.querySelector("[name=competitor_name]");
      if (name) {
        name.focus();
        return;
      }
    }
    form.requestSubmit();
  }
  document.addEventListener("input", function (event) {
    var picker = event.target.closest && event.target.closest("[data-reason-picker]");
    if (picker && event.target.matches("[role=combobox]")) {
      parts(picker).hidden.value = "";
      filter(picker);
    }
  });
  document.addEventListener("keydown", function (event) {
    var picker = event.target.closest && event.target.closest("[data-reason-picker]");
    if (!picker || !event.target.matches("[role=combobox]")) {
      return;
    }
    var p = parts(picker);
    var shown = visible(p);
    var at = shown.indexOf(picker.querySelector("[role=option].active"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      activate(p, shown[Math.min(Math.max(at + step, 0), shown.length - 1)] || null);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (at >= 0) {
        choose(picker, shown[at]);
      }
    } else if (event.key === "Escape") {
      p.input.value = "";
      filter(picker);
    }
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest("[data-reason-picker] [role=option]");
    if (option) {
      choose(option.closest("[data-reason-picker]"), option);
    }
  });
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail.elt;
    var picker = root.matches && root.matches("[data-reason-picker]") ? root : root.querySelector && root.querySelector("[data-reason-picker]");
    if (picker) {
      filter(picker);
    }
  });
})();
// Focus follows the call: after the agent's own step the control they need next has it
// ([data-focus]: the reason search, the first offer, "Customer accepts"...); a poll that
// redraws the screen leaves focus where it was. Outcomes and refusals are read out from a
// polite live region that stays on the page.
(function () {
  "use strict";
  var before = null;
  function target(root) {
    return root.querySelector("[data-focus=first]") || root.querySelector("[data-focus]");
  }
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    before = active && active !== document.body ? { id: active.id, el: active } : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var own = event.detail.requestConfig && event.detail.requestConfig.verb !== "get";
    // Read out where the call is now and what the desk said about the step.
    var announce = document.getElementById("announce");
    var swapped = event.detail.elt;
    if (announce && swapped && swapped.querySelectorAll) {
      var said = Array.prototype.map.call(
        swapped.querySelectorAll("h1, .messages .message"),
        function (m) { return m.textContent.trim(); }
      );
      if (own && said.length) {
        announce.textContent = said.join(". ");
      }
    }
    if (!own && before && document.contains(before.el)) {
      return;  // a poll redrew around what the agent is doing
    }
    if (!own && before && before.id && document.getElementById(before.id)) {
      document.getElementById(before.id).focus();
      return;
    }
    if (own || (before && !document.contains(before.el))) {
      var next = target(document);
      if (next) {
        next.focus();
      }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var active = document.activeElement;
    if (!active || active === document.body) {
      var next = target(document);
      if (next) {
        next.focus();
      }
    }
  });
})();
// The screen pop (#phone-pop): a call put through to this agent appears on any screen;
// "Open the customer" takes the focus unless the agent is typing somewhere.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var pop = document.getElementById("phone-pop");
    if (!pop || event.detail.elt !== pop) {
      return;
    }
    var open = document.getElementById("phone-pop-open");
    var active = document.activeElement;
    var typing = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
    if (open && !typing) {
      open.focus();
    }
  });
})();
