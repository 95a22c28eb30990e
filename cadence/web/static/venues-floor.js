// The staff floor of a night (cadence/venues/floor_pages.py).
//
// Choosing on the plan: clicking (or Enter on) a table of the SVG floor plan selects it in
// the table picker of the form last used (the walk-in form until another is touched), so
// staff can seat a walk-in or move a party by pointing at the table.
//
// Live: a reservation created or changed anywhere (guests online, other staff) re-reads
// this page and swaps the floor in place, unless someone is typing in one of its forms.

const root = document.querySelector("[data-venue-floor]");

function bind() {
  let target = document.querySelector("[data-table-form] [data-table-select]");
  for (const select of document.querySelectorAll("[data-table-select]")) {
    select.addEventListener("focus", () => { target = select; });
  }
  const choose = (group) => {
    if (!target) return;
    const id = group.dataset.tableId;
    if (![...target.options].some((o) => o.value === id)) return;
    target.value = id;
    for (const g of document.querySelectorAll(".plan-table.chosen")) g.classList.remove("chosen");
    group.classList.add("chosen");
    target.focus();
  };
  for (const group of document.querySelectorAll(".plan-table[data-table-id]")) {
    group.addEventListener("click", () => choose(group));
    group.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose(group);
      }
    });
  }
}

async function refresh() {
  const active = document.activeElement;
  if (active && root.contains(active) && active.matches("input, textarea")) return;
  const response = await fetch(window.location.href, { credentials: "same-origin" });
  if (!response.ok) return;
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = doc.querySelector("[data-venue-floor]");
  if (fresh) {
    root.innerHTML = fresh.innerHTML;
    bind();
  }
}

if (root) {
  bind();
  if (window.CadenceLive) {
    window.CadenceLive.start();
    const onChange = (event) => {
      const data = event.detail && event.detail.data;
      if (data && data.venue_id === root.dataset.venueId) refresh();
    };
    document.addEventListener("cadence:reservation.created", onChange);
    document.addEventListener("cadence:reservation.updated", onChange);
  }
}
