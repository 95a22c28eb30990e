// "My calendar": places availability shading and events by their minutes of the day.
// The page works without this script (events as lists, availability as text); the CSP
// forbids inline styles in markup, so positions are set here from data-from / data-to.
const root = document.getElementById("my-calendar");

if (root) {
  const first = Number(root.dataset.first || 0);
  const last = Number(root.dataset.last || 1440);
  const span = Math.max(last - first, 1);
  const pct = (m) => `${(Math.min(Math.max(Number(m), first), last) - first) * 100 / span}%`;
  const vertical = root.classList.contains("cal-week");
  root.classList.add("positioned");
  for (const el of root.querySelectorAll("[data-from]")) {
    const from = Number(el.dataset.from);
    const to = Math.max(Number(el.dataset.to), from + 15); // a short event stays readable
    if (el.parentElement?.classList.contains("cal-hours")) {
      el.style.top = pct(from);
    } else if (vertical) {
      el.style.top = pct(from);
      el.style.height = `calc(${pct(to)} - ${pct(from)})`;
    } else if (el.classList.contains("cal-shade")) {
      el.style.left = pct(from);
      el.style.width = `calc(${pct(to)} - ${pct(from)})`;
    }
  }
  // Overlapping events in a day column share its width side by side.
  for (const list of root.querySelectorAll(".cal-week .cal-events")) {
    const items = [...list.children].map((el) => ({ el, from: Number(el.dataset.from), to: Number(el.dataset.to) }));
    const lanes = [];
    for (const it of items) {
      let lane = lanes.findIndex((end) => end <= it.from);
      if (lane < 0) { lane = lanes.length; lanes.push(0); }
      lanes[lane] = it.to;
      it.lane = lane;
    }
    for (const it of items) {
      it.el.style.left = `${it.lane * 100 / lanes.length}%`;
      it.el.style.width = `${100 / lanes.length}%`;
    }
  }
}
