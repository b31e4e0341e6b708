/*
 * The personal agenda of an anonymous visitor, kept on their device (comfort only).
 *
 * The pages work without this script: every "Ajouter à mon programme" button is a real POST form
 * (a signed-in person's favourites are kept with their account; an anonymous visitor is asked to
 * sign in). For an anonymous visitor (data-agenda="device"), this script keeps the chosen session
 * ids in localStorage instead, turns the forms into add / remove buttons, and on the "Mon programme"
 * page (data-agenda-page="mine") asks the server for those sessions with ?ids=1,2,3.
 * No inline script anywhere: the Content-Security-Policy allows only script files of this site.
 */
(function () {
  "use strict";

  var scope = document.querySelector("[data-agenda='device'][data-event]");
  if (!scope) {
    return; // signed in (the forms do the work) or not a programme page
  }
  var storageKey = "nec-agenda:" + scope.getAttribute("data-event");
  var status = scope.querySelector(".agenda-status");

  function load() {
    try {
      var value = JSON.parse(window.localStorage.getItem(storageKey) || "[]");
      return Array.isArray(value) ? value.filter(function (id) { return /^\d{1,11}$/.test(String(id)); }).map(String) : [];
    } catch (error) {
      return []; // storage refused (private mode) or damaged: behave as an empty agenda
    }
  }

  function save(ids) {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(ids));
      return true;
    } catch (error) {
      return false;
    }
  }

  // The calendar subscription without an account (device-calendar.js): send it the new list of ids.
  function syncCalendar(ids, form) {
    var link;
    try {
      link = JSON.parse(window.localStorage.getItem("nec-agenda-link:" + scope.getAttribute("data-event")) || "null");
    } catch (error) {
      return;
    }
    if (!link || typeof link.update !== "string" || link.update.charAt(0) !== "/" || !window.fetch) {
      return;
    }
    var token = form.querySelector("input[name='csrf_token']");
    var body = new FormData();
    body.append("csrf_token", token ? token.value : "");
    body.append("ids", ids.join(","));
    window.fetch(link.update, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
      .then(function (response) {
        if (response.status === 404) { // the link was deleted: forget it
          window.localStorage.removeItem("nec-agenda-link:" + scope.getAttribute("data-event"));
        }
      })
      .catch(function () {});
  }

  function announce(message) {
    if (status && message) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }
  }

  function showState(form, marked) {
    var label = form.querySelector(".favourite-label");
    if (label) {
      label.textContent = label.getAttribute(marked ? "data-label-remove" : "data-label-add");
    }
    form.setAttribute("data-marked", marked ? "true" : "false");
  }

  function mineUrl(ids) {
    var url = new URL(window.location.href);
    if (ids.length) {
      url.searchParams.set("ids", ids.join(","));
    } else {
      url.searchParams.delete("ids");
    }
    url.hash = "";
    return url.toString();
  }

  var onMinePage = scope.getAttribute("data-agenda-page") === "mine";
  var stored = load();

  // "Mon programme": show the sessions this device keeps (the server renders them, with clashes).
  if (onMinePage) {
    var params = new URLSearchParams(window.location.search);
    if (!params.has("ids") && stored.length) {
      window.location.replace(mineUrl(stored));
      return;
    }
  }

  var forms = scope.querySelectorAll("form.favourite-form[data-session-id]");
  Array.prototype.forEach.call(forms, function (form) {
    var id = form.getAttribute("data-session-id");
    showState(form, onMinePage || stored.indexOf(id) !== -1);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var ids = load();
      var position = ids.indexOf(id);
      var marked = position === -1 && !(onMinePage && form.getAttribute("data-marked") === "true");
      if (marked) {
        ids.push(id);
      } else if (position !== -1) {
        ids.splice(position, 1);
      }
      if (!save(ids)) {
        form.submit(); // no storage on this device: fall back to the server (it asks to sign in)
        return;
      }
      syncCalendar(ids, form);
      if (onMinePage && !marked) {
        window.location.replace(mineUrl(ids));
        return;
      }
      showState(form, marked);
      announce(scope.getAttribute(marked ? "data-message-added" : "data-message-removed"));
    });
  });
})();
