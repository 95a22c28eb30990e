// Web Push enrolment on the notification settings page: registers /sw.js, fetches the
// deployment's VAPID public key, subscribes through the browser's PushManager and stores
// the subscription with the signed-in person (POST /account/notifications/push, CSRF token
// from the page). "Turn off" unsubscribes the browser and forgets it on the server.

const box = document.querySelector("[data-push]");

function urlBase64ToUint8Array(text) {
  const padded = (text + "=".repeat((4 - (text.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  const raw = window.atob(padded);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function csrf() {
  const field = document.querySelector('input[name="csrf_token"]');
  return field ? field.value : "";
}

async function post(url, fields) {
  const body = new URLSearchParams({ csrf_token: csrf(), ...fields });
  const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

function show(state, message) {
  box.querySelector("[data-push-enable]").hidden = state !== "off";
  box.querySelector("[data-push-disable]").hidden = state !== "on";
  if (message) box.querySelector("[data-push-status]").textContent = message;
}

async function enable(registration) {
  const permission = await Notification.requestPermission();
  if (permission !== "granted") {
    show("off", "Notifications are blocked for this site in the browser's settings.");
    return;
  }
  const answer = await fetch("/api/v1/push/vapid-public-key", { credentials: "same-origin" });
  if (!answer.ok) throw new Error("no VAPID key");
  const { public_key: key } = await answer.json();
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: urlBase64ToUint8Array(key),
  });
  const json = subscription.toJSON();
  await post("/account/notifications/push", {
    endpoint: json.endpoint,
    p256dh: json.keys.p256dh,
    auth: json.keys.auth,
  });
  show("on", "Push notifications are on for this device.");
}

async function disable(registration) {
  const subscription = await registration.pushManager.getSubscription();
  if (subscription) {
    await post("/account/notifications/push/remove", { endpoint: subscription.endpoint });
    await subscription.unsubscribe();
  }
  show("off", "Push notifications are off for this device.");
}

async function start() {
  if (!box) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    box.querySelector("[data-push-unsupported]").hidden = false;
    return;
  }
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  await navigator.serviceWorker.ready;
  const current = await registration.pushManager.getSubscription();
  show(current ? "on" : "off", current ? "Push notifications are on for this device." : null);
  const guard = (action) => async () => {
    box.setAttribute("aria-busy", "true");
    try {
      await action(registration);
    } catch (error) {
      show("off", `Could not change push notifications: ${error.message}`);
    } finally {
      box.removeAttribute("aria-busy");
    }
  };
  box.querySelector("[data-push-enable]").addEventListener("click", guard(enable));
  box.querySelector("[data-push-disable]").addEventListener("click", guard(disable));
}

start();
