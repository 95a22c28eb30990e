// Events pages: live seat counts, and the door scanner (BarcodeDetector where available).

// Live seats: every booking change carries the event's seats left (see cadence/booking/live.py).
const counters = document.querySelectorAll("[data-live-seats]");
if (counters.length && window.CadenceLive) {
  window.CadenceLive.start();
  document.addEventListener("cadence:live", (event) => {
    const data = event.detail && event.detail.data;
    if (!data || typeof data.available !== "number") return;
    for (const el of counters) {
      if (el.dataset.eventId === data.event_id) el.textContent = String(data.available);
    }
  });
}

// Door: scan QR codes with the camera and submit them; the code field always works too.
const form = document.querySelector("form[data-door-form]");
const startButton = document.querySelector("[data-scanner-start]");
if (form && startButton && "BarcodeDetector" in window && navigator.mediaDevices) {
  startButton.hidden = false;
  startButton.addEventListener("click", async () => {
    const box = document.querySelector("[data-scanner]");
    const video = document.querySelector("[data-scanner-video]");
    const status = document.querySelector("[data-scanner-status]");
    const field = form.querySelector("input[name=code]");
    let last = "";
    try {
      const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      video.srcObject = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
      });
      await video.play();
      box.hidden = false;
      startButton.hidden = true;
      const tick = async () => {
        try {
          const codes = await detector.detect(video);
          const text = codes.length ? codes[0].rawValue : "";
          if (text && text !== last) {
            last = text;
            field.value = text;
            form.requestSubmit();
            window.setTimeout(() => { last = ""; }, 3000);
          }
        } catch (error) {
          status.textContent = "The camera could not read a code; type it instead.";
        }
        window.requestAnimationFrame(tick);
      };
      tick();
    } catch (error) {
      status.textContent = "No camera available; type the code instead.";
      box.hidden = false;
    }
  });
}
if (form) {
  // After each check-in the field is cleared and focused for the next ticket.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.target && event.target.id === "door-result") {
      const field = form.querySelector("input[name=code]");
      field.value = "";
      field.focus();
    }
  });
}
