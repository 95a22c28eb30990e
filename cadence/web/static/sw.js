// Cadence's service worker (served at /sw.js so its scope is the whole site): shows Web Push
// messages. A push carries JSON {kind, title, body, url} (cadence/notify/push.py).
"use strict";

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { title: event.data ? event.data.text() : "" };
  }
  var title = data.title || "Cadence";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: data.body || "",
      tag: data.kind || undefined,
      data: { url: data.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        if (list[i].url === new URL(target, self.location.origin).href && "focus" in list[i]) {
          return list[i].focus();
        }
      }
      return self.clients.openWindow(target);
    })
  );
});
