// The weekly availability grid: drag (mouse, pen or finger) to paint half hours.
// Reads and writes the JSON ranges of the hidden #weekly-json field; the form posts it.
const grid = document.getElementById("availability-grid");
const field = document.getElementById("weekly-json");
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

if (grid && field) {
  const step = Number(grid.dataset.slotMinutes || 30);
  const perDay = (24 * 60) / step;
  const cells = DAYS.map(() => new Array(perDay).fill(""));
  const toMin = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const toHHMM = (m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

  for (const r of JSON.parse(field.value || "[]")) {
    for (let m = toMin(r.start); m < toMin(r.end); m += step) cells[r.weekday][m / step] = r.level;
  }

  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  head.appendChild(document.createElement("th"));
  for (const d of DAYS) { const th = document.createElement("th"); th.textContent = d; head.appendChild(th); }
  const body = table.createTBody();
  for (let s = 0; s < perDay; s++) {
    const row = body.insertRow();
    const th = document.createElement("th");
    th.textContent = s % 2 === 0 ? toHHMM(s * step) : "";
    row.appendChild(th);
    for (let d = 0; d < 7; d++) {
      const td = row.insertCell();
      td.dataset.day = String(d);
      td.dataset.slot = String(s);
      td.className = `cell ${cells[d][s]}`;
    }
  }
  grid.appendChild(table);

  const mode = () => document.querySelector("input[name=mode]:checked")?.value || "available";
  let painting = null;
  const paint = (td) => {
    if (!td || !td.dataset.day) return;
    const d = Number(td.dataset.day), s = Number(td.dataset.slot);
    cells[d][s] = painting;
    td.className = `cell ${painting}`;
  };
  const cellAt = (e) => document.elementFromPoint(e.clientX, e.clientY)?.closest("td[data-day]");
  grid.addEventListener("pointerdown", (e) => {
    const td = cellAt(e);
    if (!td) return;
    e.preventDefault();
    const current = cells[Number(td.dataset.day)][Number(td.dataset.slot)];
    painting = mode() === "clear" || current === mode() ? "" : mode();
    paint(td);
  });
  grid.addEventListener("pointermove", (e) => { if (painting !== null) paint(cellAt(e)); });
  window.addEventListener("pointerup", () => { painting = null; });

  document.getElementById("availability-form")?.addEventListener("submit", () => {
    const ranges = [];
    cells.forEach((slots, weekday) => {
      let s = 0;
      while (s < perDay) {
        const level = slots[s];
        if (!level) { s++; continue; }
        let e = s;
        while (e < perDay && slots[e] === level) e++;
        ranges.push({ weekday, start: toHHMM(s * step), end: e === perDay ? "24:00" : toHHMM(e * step), level });
        s = e;
      }
    });
    field.value = JSON.stringify(ranges);
  });
}
