// Live updates for any page: one WebSocket to /api/v1/ws, reconnected with backoff and
// resumed with `after=<last id>`, so no event is lost to a dropped connection.
//
// Every event is dispatched on `document` as a CustomEvent named "cadence:live" and as one
// named "cadence:<type>" (e.g. "cadence:booking.confirmed"), with the message as `detail`.
// htmx can re-render the part that changed:
//   <div hx-get="/orgs/X/seats" hx-trigger="cadence:booking.confirmed from:document">
//
// Authentication: the web UI's session cookie (same origin), or a token given by
// <body data-live-token="..."> or window.CadenceLive.start({token}); before that token
// expires, window.CadenceLive.refresh(newToken) keeps the connection (else close code 4401).
(function () {
  "use strict";
  var KEY = "cadence.live.after";
  var socket = null;
  var attempt = 0;
  var stopped = false;
  var token = null;
  var timer = null;

  function lastId() {
    var v = window.sessionStorage.getItem(KEY);
    return v ? parseInt(v, 10) : null;
  }

  function url() {
    var proto = window.location.protocol === "https:" ? "wss:" : "ws:";
    var params = new URLSearchParams();
    if (token) params.set("token", token);
    var after = lastId();
    if (after !== null && !isNaN(after)) params.set("after", String(after));
    var q = params.toString();
    return proto + "//" + window.location.host + "/api/v1/ws" + (q ? "?" + q : "");
  }

  function dispatch(message) {
    var detail = { detail: message };
    document.dispatchEvent(new CustomEvent("cadence:live", detail));
    document.dispatchEvent(new CustomEvent("cadence:" + message.type, detail));
  }

  function schedule() {
    if (stopped) return;
    // 0.5 s, 1 s, 2 s ... capped at 30 s, with jitter so a restart is not a stampede.
    var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
    attempt += 1;
    timer = window.setTimeout(connect, delay);
  }

  function connect() {
    timer = null;
    socket = new WebSocket(url());
    socket.onopen = function () {
      attempt = 0;
      document.dispatchEvent(new CustomEvent("cadence:live-open"));
    };
    socket.onmessage = function (ev) {
      var message;
      try {
        message = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      var last = lastId();
      if (last === null || message.id > last) {
        window.sessionStorage.setItem(KEY, String(message.id));
      }
      dispatch(message);
    };
    socket.onclose = function (ev) {
      socket = null;
      document.dispatchEvent(new CustomEvent("cadence:live-closed", { detail: { code: ev.code } }));
      if (ev.code === 4401) {
        stopped = true; // logged out or token expired: the page decides what to do
        return;
      }
      schedule();
    };
  }

  function start(options) {
    token = (options && options.token) || document.body.getAttribute("data-live-token");
    stopped = false;
    if (!socket && !timer) connect();
  }

  function stop() {
    stopped = true;
    if (timer) window.clearTimeout(timer);
    timer = null;
    if (socket) socket.close(1000);
  }

  // A token connection closes with 4401 when its access token expires; hand it the next
  // token (after /api/v1/auth/refresh) to keep it open. Later reconnects use it too.
  function refresh(newToken) {
    token = newToken;
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "refresh", token: newToken }));
    }
  }

  window.CadenceLive = { start: start, stop: stop, refresh: refresh };
  if (document.body && document.body.hasAttribute("data-live")) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", function () {
      if (document.body.hasAttribute("data-live")) start();
    });
  }
})();
