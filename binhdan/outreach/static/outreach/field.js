/* Team pages offline: records queue on the phone (localStorage) and go to the API when the
   connection returns; the service worker keeps the pages. Without this script the pages are
   plain forms. Every record carries an id made here, so sending it twice stores it once. */
(function () {
  "use strict";
  var root = document.getElementById("field");
  if (!root || !window.localStorage || !window.fetch) return;
  var T = root.dataset, Q = "bd.queue", B = "bd.bundle", P = "bd.problems", C = "bd.cachedAt";
  var ALPHA = "23456789ABCDEFGHJKMNPQRSTVWXYZ", busy = false;
  function $(id) { return document.getElementById(id); }
  function load(k, d) { try { var v = localStorage.getItem(k); return v ? JSON.parse(v) : d; } catch (e) { return d; } }
  function save(k, v) { localStorage.setItem(k, JSON.stringify(v)); }
  function hex(b) { return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join(""); }
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)); b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128; var h = hex(b);
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function code() { var b = crypto.getRandomValues(new Uint8Array(8)), s = ""; for (var i = 0; i < 8; i++) s += ALPHA[b[i] % ALPHA.length]; return s; }
  function fold(s) { return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim(); }
  function today() { var d = new Date(); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 10); }
  function csrf() { var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/); if (m) return decodeURIComponent(m[1]); var i = document.querySelector("input[name=csrfmiddlewaretoken]"); return i ? i.value : ""; }
  function val(f, n) { var e = f.elements[n]; return e ? e.value.trim() : ""; }
  function checked(f, n) { return Array.prototype.filter.call(f.querySelectorAll("input[name='" + n + "']"), function (e) { return e.checked; }).map(function (e) { return e.value; }); }
  function say(f, msg) { var m = f.querySelector(".form-msg"); if (m) { m.textContent = msg; m.hidden = !msg; } return !msg; }

  // --- the queue ---------------------------------------------------------------------------
  function render() {
    var q = load(Q, []), probs = load(P, []);
    $("queue-count").textContent = q.length;
    $("queue").classList.toggle("waiting", q.length > 0);
    $("queue-send").hidden = q.length === 0;
    var list = $("queue-problems"); list.textContent = "";
    probs.forEach(function (p, i) {
      var li = document.createElement("li"); li.className = p.status;
      li.textContent = (p.status === "conflict" ? T.tConflict : T.tRejected + ": " + (p.reason || "")) + (p.label ? " — " + p.label : "") + " ";
      var b = document.createElement("button"); b.type = "button"; b.className = "link"; b.textContent = T.tDismiss;
      b.onclick = function () { var all = load(P, []); all.splice(i, 1); save(P, all); render(); };
      li.appendChild(b); list.appendChild(li);
    });
  }
  function state(msg) { $("queue-state").textContent = msg || ""; }
  function enqueue(rec) { var q = load(Q, []); q.push(rec); save(Q, q); render(); state(T.tSaved); send(); }

  function send() {
    var q = load(Q, []);
    if (!q.length || busy) return Promise.resolve();
    if (navigator.onLine === false) { state(T.tOffline); return Promise.resolve(); }
    busy = true; state(T.tSending);
    var batch = q.slice(0, 500);
    return fetch(T.sync, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: JSON.stringify({ records: batch })
    }).then(function (r) {
      if (r.status === 401 || r.status === 403) { state(T.tSignin); throw null; }
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (data) {
      var done = {}, probs = load(P, []);
      (data.results || []).forEach(function (res, i) {
        var rec = batch[i]; if (!rec || res.status === "retry") return;
        done[rec.id] = true;
        if (res.status === "rejected" || res.status === "conflict") probs.push({ id: rec.id, status: res.status, reason: res.reason || "", label: rec._label || "" });
      });
      save(Q, load(Q, []).filter(function (x) { return !done[x.id]; }));
      save(P, probs);
      state(T.tSent);
      busy = false; render();
      refresh(true);
      if (load(Q, []).length) return send();
    }).catch(function (e) {
      busy = false; render();
      if (e !== null) state(T.tOffline);
    });
  }

  // --- data kept for offline work ------------------------------------------------------------
  function bundle() { return load(B, null); }
  function refresh(force) {
    if (!navigator.onLine) return Promise.resolve();
    var pages = [];
    try { pages = JSON.parse($("offline-pages").textContent); } catch (e) { pages = []; }
    var fresh = Date.now() - load(C, 0) < 10 * 60 * 1000, work = [];
    if (force || !fresh || !bundle()) {
      work.push(fetch(T.bundle, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) { if (d) { save(B, d); overlay(); } }).catch(function () {}));
    }
    if (window.caches && (force || !fresh)) {
      work.push(caches.open("bd-field").then(function (cache) {
        return Promise.all(pages.map(function (u) {
          return fetch(u, { credentials: "same-origin" }).then(function (r) {
            if (r.ok && !r.redirected) return cache.put(u, r);
          }).catch(function () {});
        }));
      }).then(function () { save(C, Date.now()); }));
    }
    return Promise.all(work);
  }

  // --- the forms -----------------------------------------------------------------------------
  var build = {
    session: function (f) {
      var rec = { kind: "session", id: val(f, "uid") || uuid(), code: code(), person: val(f, "person"), mode: val(f, "mode"),
        date: val(f, "date") || today(), start_time: val(f, "start_time") || null, minutes: parseInt(val(f, "minutes"), 10),
        note: val(f, "note"), skills: [] };
      var seen = checked(f, "observed"), all = checked(f, "skill");
      seen.forEach(function (c) { if (all.indexOf(c) < 0) all.push(c); });
      rec.skills = all.map(function (c) { return { code: c, observed: seen.indexOf(c) >= 0 }; });
      if (!rec.person) return say(f, T.tPick) && null;
      if (!rec.skills.length) return say(f, T.tSkill) && null;
      if (!(rec.minutes > 0 && rec.minutes <= 1440)) return say(f, T.tMinutes) && null;
      if (rec.date > today()) return say(f, T.tFuture) && null;
      rec._label = ($("chosen").textContent || "").trim();
      return rec;
    },
    person: function (f) {
      var name = val(f, "full_name"); if (name.length < 2) return null;
      return { kind: "person", id: val(f, "uid") || uuid(), full_name: name, birth_year: val(f, "birth_year") || null,
        sex: val(f, "sex"), village: val(f, "village"), household: val(f, "household") || null, address: val(f, "address"), _label: name };
    },
    visit: function (f) {
      var li = f.closest("[data-household]");
      return { kind: "visit", id: uuid(), household: li.dataset.household, status: val(f, "status"), date: today(),
        follow_up_on: val(f, "follow_up_on") || null, base_version: parseInt(val(f, "base_version"), 10) || 0,
        _label: (li.querySelector("strong") || li).textContent.trim() };
    },
    meeting: function (f) {
      var att = checked(f, "present").map(function (p) { return { person: p, observed: checked(f, "obs-" + p) }; });
      var rec = { kind: "meeting", id: val(f, "uid") || uuid(), "class": f.dataset["class"], date: val(f, "date") || today(),
        minutes: parseInt(val(f, "minutes"), 10), note: val(f, "note"), attendance: att, _label: document.title };
      if (!(rec.minutes > 0 && rec.minutes <= 1440)) return say(f, T.tMinutes) && null;
      if (rec.date > today()) return say(f, T.tFuture) && null;
      return rec;
    }
  };
  var after = {
    session: function (f, rec) {
      var done = $("done"); done.hidden = false;
      done.textContent = T.tSaved + " " + T.tCode + " " + rec.code;
      f.reset(); f.elements.uid.value = uuid(); f.elements.person.value = "";
      $("chosen").textContent = ""; var d = f.querySelector("input[name=date]"); if (d) d.value = today();
      window.scrollTo(0, 0);
    },
    person: function (f, rec) {
      var b = bundle() || { people: [] };
      b.people = b.people || []; b.people.push({ id: rec.id, name: rec.full_name, folded: fold(rec.full_name), birth_year: rec.birth_year, pending: true });
      save(B, b); f.reset(); f.elements.uid.value = uuid();
      choose(rec.id, rec.full_name + " (" + T.tNew + ")");
      var det = f.closest("details"); if (det) det.open = false;
    },
    visit: function (f, rec) {
      var bv = f.elements.base_version; bv.value = (parseInt(bv.value, 10) || 0) + 1;
      mark(f.closest("[data-household]"), rec);
    },
    meeting: function (f) {
      var done = $("done"); done.hidden = false; done.textContent = T.tSaved;
      f.reset(); f.elements.uid.value = uuid();
    }
  };
  document.addEventListener("submit", function (ev) {
    var f = ev.target, kind = f.dataset.offline;
    if (!kind || !build[kind]) return;
    ev.preventDefault();
    say(f, "");
    var rec = build[kind](f);
    if (!rec) return;
    enqueue(rec);
    after[kind](f, rec);
  });

  // --- finding a person in the kept data -----------------------------------------------------
  function choose(id, label) {
    var f = $("session-form"); if (!f) return;
    f.elements.person.value = id; $("chosen").textContent = label;
    f.scrollIntoView();
  }
  var q = $("q"), found = $("found"), find = $("find");
  function search() {
    var b = bundle(); if (!b || !found) return false;
    var needle = fold(q.value), homes = {};
    (b.households || []).forEach(function (h) { homes[h.id] = h; });
    found.textContent = "";
    if (!needle) return true;
    var hits = (b.people || []).filter(function (p) { return p.folded.indexOf(needle) >= 0; }).slice(0, 20);
    hits.forEach(function (p) {
      var li = document.createElement("li"), btn = document.createElement("button"), h = homes[p.household];
      btn.type = "button"; btn.className = "pick-btn" + (p.pending ? " new" : "");
      btn.textContent = p.name + (p.birth_year ? " · " + p.birth_year : "") + (h ? " · " + (h.address || h.code) : "") + (p.pending ? " (" + T.tNew + ")" : "");
      btn.onclick = function () { choose(p.id, btn.textContent); };
      li.appendChild(btn); found.appendChild(li);
    });
    if (!hits.length) { var li = document.createElement("li"); li.className = "muted"; li.textContent = T.tNone; found.appendChild(li); }
    var none = $("none"); if (none) none.hidden = true;
    return true;
  }
  if (q && find) {
    q.addEventListener("input", search);
    find.addEventListener("submit", function (ev) { if (search()) ev.preventDefault(); });
  }
  if (found) found.addEventListener("click", function (ev) {
    var a = ev.target.closest("a[data-person]");
    if (a && $("session-form")) { ev.preventDefault(); choose(a.dataset.person, a.textContent); }
  });

  // --- households: show what waits on the phone ----------------------------------------------
  function mark(li, rec) {
    if (!li) return;
    var sel = li.querySelector("select[name=status]"), label = rec.status;
    if (sel) { var o = sel.querySelector("option[value='" + rec.status + "']"); if (o) label = o.textContent; }
    li.className = "hh st-" + rec.status + " pending";
    li.querySelector("[data-status]").textContent = label + (rec.follow_up_on ? " → " + rec.follow_up_on : "") + " · " + T.tWaiting;
  }
  function overlay() {
    load(Q, []).forEach(function (rec) {
      if (rec.kind === "visit") mark(document.querySelector("[data-household='" + rec.household + "']"), rec);
    });
  }

  // --- start -------------------------------------------------------------------------------
  // A page kept on the phone carries the ids it was rendered with: every record gets a new one.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-offline] input[name=uid]"), function (i) { i.value = uuid(); });
  $("queue-send").addEventListener("click", send);
  window.addEventListener("online", function () { send(); });
  render(); overlay();
  var ready = [];
  if ("serviceWorker" in navigator) {
    ready.push(navigator.serviceWorker.register(T.sw, { scope: T.scope }).then(function () { return navigator.serviceWorker.ready; }).catch(function () {}));
  }
  ready.push(refresh(false));
  // What waits from an earlier visit goes once the page has settled, if there is a connection.
  Promise.all(ready).then(function () { return navigator.onLine ? send() : null; })
    .then(function () { root.dataset.ready = "1"; });
})();
