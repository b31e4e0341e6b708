/*
 * Once a person is signed in (after a login or a sign-up), the sessions they chose in this browser
 * before (static/js/agenda.js keeps them in localStorage, one key per event) join the "Mon programme"
 * of their account: each event's list is sent to that event's merge address (a POST with the CSRF
 * token), then forgotten by the browser. The server keeps what the account already held and ignores
 * any id that is not a public session of that event. On a programme page the page is shown again,
 * with the added sessions and the server's message.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var token = script && script.getAttribute("data-csrf");
  if (!token || !window.fetch) {
    return;
  }
  var prefix = "nec-agenda:";
  var held = [];
  try {
    for (var i = 0; i < window.localStorage.length; i++) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf(prefix) === 0 && /^[a-z0-9-]{1,80}$/.test(key.slice(prefix.length))) {
        held.push(key);
      }
    }
  } catch (error) {
    return; // no storage on this device: nothing was kept
  }
  if (!held.length) {
    return;
  }

  function idsOf(key) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key) || "[]");
      return Array.isArray(value) ? value.filter(function (id) { return /^\d{1,11}$/.test(String(id)); }) : [];
    } catch (error) {
      return [];
    }
  }

  var here = document.querySelector("[data-agenda][data-event]");
  var merges = held.map(function (key) {
    var slug = key.slice(prefix.length);
    var ids = idsOf(key);
    if (!ids.length) {
      window.localStorage.removeItem(key);
      return Promise.resolve(0);
    }
    var body = new URLSearchParams({ ids: ids.join(",") });
    return window.fetch("/" + slug + "/programme/favourites/merge", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" },
      body: body
    }).then(function (response) {
      if (response.ok || response.status === 404) { // kept by the account, or an event that is no more
        window.localStorage.removeItem(key);
      }
      return response.ok ? response.json().then(function (data) { return data.added || 0; }) : 0;
    }).catch(function () { return 0; }); // offline: tried again on the next page
  });
  Promise.all(merges).then(function (counts) {
    var added = counts.reduce(function (a, b) { return a + b; }, 0);
    if (added && here) {
      var url = new URL(window.location.href);
      url.searchParams.delete("ids");
      window.location.replace(url.toString());
    }
  });
})();
