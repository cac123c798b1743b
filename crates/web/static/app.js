// Progressive touches only; every page works without this file.
(function () {
  "use strict";
  // Keep the village list to the chosen township.
  var township = document.getElementById("township");
  var village = document.getElementById("village");
  function syncVillages() {
    if (!township || !village) return;
    var t = township.value;
    Array.prototype.forEach.call(village.querySelectorAll("optgroup"), function (g) {
      var show = !t || g.getAttribute("data-township") === t;
      g.hidden = !show;
      g.disabled = !show;
    });
    var chosen = village.options[village.selectedIndex];
    if (chosen && chosen.parentNode.disabled) village.value = "";
  }
  if (township) { township.addEventListener("change", syncVillages); syncVillages(); }
  // A print button where a page is made to be printed (without script, the browser's own
  // print command does the same).
  Array.prototype.forEach.call(document.querySelectorAll("button[data-print]"), function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
  // Fill longitude and latitude from the phone's position.
  var locate = document.getElementById("locate");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      locate.disabled = true;
      navigator.geolocation.getCurrentPosition(function (p) {
        document.getElementById("lon").value = p.coords.longitude.toFixed(6);
        document.getElementById("lat").value = p.coords.latitude.toFixed(6);
        locate.disabled = false;
      }, function () { locate.disabled = false; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  } else if (locate) { locate.hidden = true; }
  // Where and when the phone is as each photo is taken or chosen: kept beside the photo's
  // own EXIF so the county can compare them (a photo taken elsewhere or long before shows).
  // The moment is the phone's clock at that instant, so a form sent later, once back
  // online, still carries it.
  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][name=photo]"), function (input) {
    var form = input.form;
    if (!form) return;
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "photo_capture";
    form.appendChild(hidden);
    input.addEventListener("change", function () {
      var at = new Date().toISOString();
      var list = Array.prototype.map.call(input.files || [], function () { return { taken_at: at }; });
      hidden.value = JSON.stringify(list);
      if (!navigator.geolocation || list.length === 0) return;
      navigator.geolocation.getCurrentPosition(function (p) {
        list.forEach(function (c) {
          c.lon = p.coords.longitude;
          c.lat = p.coords.latitude;
          c.accuracy_m = p.coords.accuracy;
        });
        hidden.value = JSON.stringify(list);
      }, function () { /* refused or no fix: the time alone is sent */ },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  });
  // Pan and zoom on SVG maps: wheel or pinch zooms about the pointer, drag pans,
  // double-click resets. The map stays a plain SVG for print and without script.
  Array.prototype.forEach.call(document.querySelectorAll("svg[data-pan-zoom]"), function (svg) {
    var base = svg.getAttribute("viewBox").split(" ").map(Number);
    var vb = base.slice();
    function apply() { svg.setAttribute("viewBox", vb.join(" ")); }
    function toSvg(clientX, clientY) {
      var r = svg.getBoundingClientRect();
      return [vb[0] + (clientX - r.left) / r.width * vb[2], vb[1] + (clientY - r.top) / r.height * vb[3]];
    }
    function zoom(factor, cx, cy) {
      var p = toSvg(cx, cy);
      var w = Math.min(base[2] * 2, Math.max(base[2] / 200, vb[2] * factor));
      var k = w / vb[2];
      vb = [p[0] - (p[0] - vb[0]) * k, p[1] - (p[1] - vb[1]) * k, vb[2] * k, vb[3] * k];
      apply();
    }
    svg.addEventListener("wheel", function (e) {
      e.preventDefault();
      zoom(e.deltaY > 0 ? 1.25 : 0.8, e.clientX, e.clientY);
    }, { passive: false });
    var pointers = {}, last = null, pinch = null, moved = false;
    svg.addEventListener("pointerdown", function (e) {
      pointers[e.pointerId] = [e.clientX, e.clientY];
      last = [e.clientX, e.clientY];
      moved = false;
    });
    svg.addEventListener("pointermove", function (e) {
      if (!pointers[e.pointerId]) return;
      pointers[e.pointerId] = [e.clientX, e.clientY];
      var ids = Object.keys(pointers);
      if (ids.length === 2) {
        var a = pointers[ids[0]], b = pointers[ids[1]];
        var d = Math.hypot(a[0] - b[0], a[1] - b[1]);
        if (pinch) zoom(pinch / d, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
        pinch = d;
        moved = true;
        return;
      }
      if (!last) return;
      var r = svg.getBoundingClientRect();
      var dx = (e.clientX - last[0]) / r.width * vb[2], dy = (e.clientY - last[1]) / r.height * vb[3];
      if (Math.abs(e.clientX - last[0]) + Math.abs(e.clientY - last[1]) > 2) moved = true;
      vb[0] -= dx; vb[1] -= dy;
      last = [e.clientX, e.clientY];
      apply();
    });
    function up(e) { delete pointers[e.pointerId]; pinch = null; last = null; }
    svg.addEventListener("pointerup", up);
    svg.addEventListener("pointercancel", up);
    svg.addEventListener("pointerleave", up);
    // A drag should not follow the link under the pointer.
    svg.addEventListener("click", function (e) { if (moved) { e.preventDefault(); moved = false; } }, true);
    svg.addEventListener("dblclick", function (e) { e.preventDefault(); vb = base.slice(); apply(); });
    svg.style.touchAction = "none";
  });

  // Patrol track recorder (R19): positions are kept on the phone (localStorage) while the
  // patrol goes on, and each finished track waits in a queue until the server has it, so a
  // patrol in a valley without signal loses nothing. A retry never stores a track twice: the
  // server knows each recording by its `client_ref`.
  var rec = document.getElementById("track-recorder");
  if (rec) {
    var CUR = "mw-track-current", QUEUE = "mw-track-queue";
    var statusEl = rec.querySelector("[data-status]");
    var startBtn = rec.querySelector("[data-start]");
    var stopBtn = rec.querySelector("[data-stop]");
    var pendingEl = rec.querySelector("[data-queue]");
    var townshipSel = document.getElementById("track-township");
    var watch = null, sending = false, note = "";
    var load = function (k, d) { try { return JSON.parse(localStorage.getItem(k)) || d; } catch (e) { return d; } };
    var save = function (k, v) { localStorage.setItem(k, JSON.stringify(v)); };
    var show = function () {
      var cur = load(CUR, null), q = load(QUEUE, []);
      statusEl.textContent = note || (cur ? rec.dataset.recording + " " + cur.points.length : rec.dataset.idle);
      startBtn.hidden = !!cur;
      stopBtn.hidden = !cur;
      pendingEl.textContent = q.length ? rec.dataset.pending + " " + q.length : "";
    };
    var follow = function () {
      if (!navigator.geolocation || watch !== null) { return; }
      watch = navigator.geolocation.watchPosition(function (p) {
        var c = load(CUR, null);
        if (!c) { return; }
        c.points.push([p.coords.longitude, p.coords.latitude, p.timestamp || Date.now()]);
        save(CUR, c);
        note = "";
        show();
      }, function (e) { note = rec.dataset.error + " " + e.message; show(); },
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
    };
    var flush = function () {
      var q = load(QUEUE, []);
      // The queue shows at once, not only when the send has failed (offline it may hang).
      show();
      if (sending || !q.length) { return; }
      sending = true;
      var t = q[0];
      var done = function (keep) {
        sending = false;
        if (!keep) { save(QUEUE, load(QUEUE, []).filter(function (x) { return x.ref !== t.ref; })); }
        show();
        if (!keep && load(QUEUE, []).length) { flush(); }
      };
      fetch("/api/v1/tracks", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ client_ref: t.ref, township_id: t.township_id, points: t.points })
      }).then(function (r) {
        if (r.ok) { note = rec.dataset.sent; done(false); return; }
        if (r.status === 401 || r.status >= 500) { done(true); return; }
        // Refused for good (e.g. too few positions): say why, keep a copy, stop retrying.
        r.json().then(function (j) { note = rec.dataset.failed + " " + (j.message || r.status); })
          .catch(function () { note = rec.dataset.failed + " " + r.status; })
          .then(function () {
            var failed = load("mw-track-failed", []); failed.push(t); save("mw-track-failed", failed);
            done(false);
          });
      }).catch(function () { done(true); });
    };
    startBtn.addEventListener("click", function () {
      if (!load(CUR, null)) {
        save(CUR, { ref: "phone-" + Date.now() + "-" + Math.random().toString(36).slice(2),
                    township_id: townshipSel ? Number(townshipSel.value) : null, points: [] });
      }
      note = "";
      follow();
      show();
    });
    stopBtn.addEventListener("click", function () {
      if (watch !== null) { navigator.geolocation.clearWatch(watch); watch = null; }
      var c = load(CUR, null);
      localStorage.removeItem(CUR);
      if (c && c.points.length) { var q = load(QUEUE, []); q.push(c); save(QUEUE, q); }
      flush();
    });
    window.addEventListener("online", flush);
    if (load(CUR, null)) { follow(); }
    show();
    flush();
  }
})();
