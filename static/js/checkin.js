/*
 * The check-in page's comfort: the camera scans QR codes where the browser has BarcodeDetector (no
 * library), a scanned or typed code is recorded without reloading the page, and the counts refresh
 * every few seconds. Without JavaScript, or without a camera, the same forms post and reload.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-scan-form]");
  var result = document.getElementById("checkin-result");
  var counts = document.getElementById("checkin-counts");
  var camera = document.querySelector("[data-checkin-camera]");
  if (!form || !result) {
    return;
  }
  var codeField = form.querySelector("input[name=code]");
  var messages = camera ? camera.dataset : {};
  var busy = false;
  var lastCode = "";
  var lastAt = 0;

  function show(kind, message, warnings) {
    result.className = "checkin-result is-" + kind;
    result.textContent = "";
    [message].concat(warnings || []).forEach(function (text) {
      var line = document.createElement("p");
      line.textContent = text;
      result.appendChild(line);
    });
  }

  function updateCounts(figures) {
    if (!counts || !figures) {
      return;
    }
    ["present", "expected", "missing"].forEach(function (name) {
      var cell = counts.querySelector("[data-count=" + name + "]");
      if (cell && figures[name] !== null && figures[name] !== undefined) {
        cell.textContent = figures[name];
      }
    });
  }

  function record(code) {
    if (busy) {
      return Promise.resolve();
    }
    busy = true;
    var data = new FormData(form);
    data.set("code", code);
    return fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (answer.ok) {
          show(answer.already ? "already" : "ok", answer.message, answer.warnings);
          if (navigator.vibrate) {
            navigator.vibrate(answer.already ? [80, 60, 80] : 120);
          }
          codeField.value = "";
        } else {
          show("error", answer.message || messages.messageFailed);
        }
        updateCounts(answer.counts);
      });
    }).catch(function () {
      show("error", messages.messageFailed || "");
    }).then(function () {
      busy = false;
    });
  }

  form.addEventListener("submit", function (submitted) {
    if (!codeField.value.trim()) {
      return; // the server says what to do
    }
    submitted.preventDefault();
    record(codeField.value.trim());
  });

  // --- live counts -------------------------------------------------------------------------------------------
  if (counts && counts.dataset.url) {
    window.setInterval(function () {
      if (document.hidden) {
        return;
      }
      fetch(counts.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(updateCounts)
        .catch(function () {});
    }, 10000);
  }

  // --- the camera ----------------------------------------------------------------------------------------------
  if (!camera || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  var startButton = camera.querySelector("[data-camera-start]");
  var stopButton = camera.querySelector("[data-camera-stop]");
  var video = camera.querySelector("[data-camera-video]");
  var missing = document.querySelector("[data-camera-missing]");
  var stream = null;
  var timer = null;

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) {
      return;
    }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    camera.hidden = false;
    if (missing) {
      missing.hidden = true;
    }

    function stop() {
      if (timer) {
        window.clearInterval(timer);
        timer = null;
      }
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
      }
      video.hidden = true;
      stopButton.hidden = true;
      startButton.hidden = false;
      startButton.focus();
    }

    function scan() {
      if (busy || video.readyState < 2) {
        return;
      }
      detector.detect(video).then(function (codes) {
        if (!codes.length) {
          return;
        }
        var code = codes[0].rawValue;
        var now = Date.now();
        if (code === lastCode && now - lastAt < 4000) {
          return; // the same badge still in front of the camera
        }
        lastCode = code;
        lastAt = now;
        record(code);
      }).catch(function () {});
    }

    startButton.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        startButton.hidden = true;
        stopButton.hidden = false;
        stopButton.focus();
        return video.play();
      }).then(function () {
        timer = window.setInterval(scan, 300);
      }).catch(function () {
        show("error", messages.messageDenied || "");
      });
    });
    stopButton.addEventListener("click", stop);
    window.addEventListener("pagehide", stop);
  }).catch(function () {});
})();
