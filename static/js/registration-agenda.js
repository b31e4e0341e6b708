/*
 * The sessions this browser kept in "Mon programme" (static/js/agenda.js, localStorage
 * "nec-agenda:<slug>") join the registration's programme:
 * - on the registration form, they travel in its hidden field "agenda";
 * - in the personal space, they are sent once to the merge address (a POST with the CSRF token), and
 *   the page is shown again when some were added.
 * Without JavaScript everything works the same, without them.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var slug = script && script.getAttribute("data-event");
  if (!slug) {
    return;
  }
  var ids = [];
  try {
    var kept = JSON.parse(window.localStorage.getItem("nec-agenda:" + slug) || "[]");
    if (Array.isArray(kept)) {
      ids = kept.filter(function (id) { return /^\d{1,11}$/.test(String(id)); });
    }
  } catch (error) {
    return; // no storage on this device: nothing to carry
  }
  if (!ids.length) {
    return;
  }
  var field = document.querySelector("input[name='agenda']");
  if (field) {
    field.value = ids.join(",");
  }
  var space = document.querySelector("[data-registration-merge]");
  var token = script.getAttribute("data-csrf");
  if (!space || !token || !window.fetch) {
    return;
  }
  window.fetch(space.getAttribute("data-registration-merge"), {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": token, "Accept": "application/json" },
    body: new URLSearchParams({ ids: ids.join(",") })
  }).then(function (response) {
    return response.ok ? response.json() : { added: 0 };
  }).then(function (data) {
    if (data.added) {
      window.location.reload();
    }
  }).catch(function () {}); // offline: tried again on the next visit
})();
