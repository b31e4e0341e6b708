/*
 * The calendar subscription of a visitor without an account (comfort only; the forms work without it).
 *
 * On the page that creates the link: fills the form with the session ids this device keeps
 * (localStorage "nec-agenda:<event>"), and points to the link this device already has, if any.
 * On the link's page: remembers the link ("nec-agenda-link:<event>") so that agenda.js sends the new
 * ids when the visitor adds or removes a session, and sends the current ids at once.
 * Deleting the link forgets it.
 */
(function () {
  "use strict";

  function read(key, fallback) {
    try {
      var value = JSON.parse(window.localStorage.getItem(key) || "null");
      return value === null ? fallback : value;
    } catch (error) {
      return fallback;
    }
  }

  function storedIds(slug) {
    var value = read("nec-agenda:" + slug, []);
    return Array.isArray(value) ? value.filter(function (id) { return /^\d{1,11}$/.test(String(id)); }) : [];
  }

  function csrfToken() {
    var input = document.querySelector("input[name='csrf_token']");
    return input ? input.value : "";
  }

  var create = document.querySelector("form[data-device-calendar-create]");
  if (create) {
    var slug = create.getAttribute("data-device-calendar-create");
    var field = create.querySelector("input[name='ids']");
    var ids = storedIds(slug);
    if (field && !field.value && ids.length) {
      field.value = ids.join(",");
    }
    var known = read("nec-agenda-link:" + slug, null);
    var existing = document.querySelector(".device-calendar-existing");
    if (known && typeof known.page === "string" && known.page.charAt(0) === "/" && existing) {
      existing.querySelector("a").setAttribute("href", known.page);
      existing.hidden = false;
    }
  }

  var link = document.querySelector("[data-device-calendar][data-update-url]");
  if (link) {
    var eventSlug = link.getAttribute("data-device-calendar");
    var remembered = { update: link.getAttribute("data-update-url"), page: link.getAttribute("data-page-url") };
    try {
      window.localStorage.setItem("nec-agenda-link:" + eventSlug, JSON.stringify(remembered));
    } catch (error) {
      // no storage: the link still works, it just will not follow later changes made on this device
    }
    var body = new FormData();
    body.append("csrf_token", csrfToken());
    body.append("ids", storedIds(eventSlug).join(","));
    if (storedIds(eventSlug).length) {
      window.fetch(remembered.update, { method: "POST", body: body, credentials: "same-origin" }).catch(function () {});
    }
  }

  var remove = document.querySelector("form[data-device-calendar-delete]");
  if (remove) {
    remove.addEventListener("submit", function () {
      try {
        window.localStorage.removeItem("nec-agenda-link:" + remove.getAttribute("data-device-calendar-delete"));
      } catch (error) {
        // nothing stored
      }
    });
  }
})();
