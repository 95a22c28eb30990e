// The staff floor of a night (cadence/venues/floor_pages.py).
//
// Choosing on the plan: clicking (or Enter / Space on) tables of the SVG floor plan adds
// them to, or takes them from, the table choice of the form in use: the walk-in form until
// "Choose on plan" (or the table list) of a reservation is used. Several tables make a
// combination; the rules are the server's (cadence/venues/assignment.py `choice_problem`):
// one table seats its own range, a combination needs combinable tables that stand together
// (neighbours), hold the party, and are each needed. The form shows the combined seat range
// and refuses to send a choice that breaks a rule; the server checks the same again.
//
// Editing the plan (managers): "Edit plan" makes the tables draggable (pointer events, so
// mouse, pen and touch alike) on a grid of `data-snap` units; arrow keys move the focused
// table (Shift: five steps). Tables outside the plan or overlapping another are marked and
// block saving. "Save plan" sends every position with the floor version the page was drawn
// at (cadence/venues/layout.py): a floor changed meanwhile answers 409 and nothing is saved.
//
// Live: a reservation created or changed anywhere (guests online, other staff), or a plan
// saved by another manager, re-reads this page and swaps the floor in place, unless someone
// is typing, choosing tables or editing the plan here.

const root = document.querySelector("[data-venue-floor]");

const csrf = () => {
  const field = document.querySelector('input[name="csrf_token"]');
  return field ? field.value : "";
};

// --- the rules of a table choice (as the server's) -------------------------------------------

const tableOf = (g) => ({
  id: g.dataset.tableId,
  name: g.dataset.tableName,
  min: Number(g.dataset.seatsMin),
  max: Number(g.dataset.seatsMax),
  combinable: g.dataset.combinable === "1",
  neighbours: (g.dataset.neighbours || "").split(" ").filter(Boolean),
  active: g.dataset.active === "1",
});

const linked = (a, b) => a.neighbours.includes(b.id) || b.neighbours.includes(a.id);

function seatRange(tables) {
  if (tables.length === 1) return [tables[0].min, tables[0].max];
  const seats = tables.reduce((sum, t) => sum + t.max, 0);
  return [seats - Math.min(...tables.map((t) => t.max)) + 1, seats];
}

function connected(tables) {
  const reached = new Set([tables[0].id]);
  const frontier = [tables[0]];
  while (frontier.length) {
    const here = frontier.pop();
    for (const other of tables) {
      if (!reached.has(other.id) && linked(here, other)) {
        reached.add(other.id);
        frontier.push(other);
      }
    }
  }
  return reached.size === tables.length;
}

function choiceProblem(tables, party) {
  const names = tables.map((t) => t.name).join(" + ");
  const [lo, hi] = seatRange(tables);
  if (tables.length === 1) {
    if (party > hi) return `${names} seats ${lo}-${hi}: too few seats for ${party}.`;
    if (party < lo) return `${names} is for ${lo}-${hi} people: too large for ${party}.`;
    return null;
  }
  const loose = tables.filter((t) => !t.combinable).map((t) => t.name);
  if (loose.length) return `${loose.join(", ")} cannot be combined with other tables.`;
  if (!connected(tables)) return `${names} do not stand together: combine neighbouring tables.`;
  if (party > hi) return `${names} seat ${lo}-${hi} together: too few seats for ${party}.`;
  const spare = tables.filter((t) => hi - t.max >= party);
  if (spare.length) return `${names} is more than ${party} need: ${spare[0].name} is not needed.`;
  return null;
}

// --- choosing tables for a form --------------------------------------------------------------

let target = null; // the form whose tables the plan chooses
let chosenByHand = false; // staff picked that form (not just the walk-in form by default)
let editing = null; // the plan editor's state while it is open

const groups = () => [...root.querySelectorAll(".plan-table[data-table-id]")];
const groupOf = (id) => root.querySelector(`.plan-table[data-table-id="${id}"]`);
const chosenIds = (form) => (form.querySelector("[data-table-ids]").value || "").split(" ").filter(Boolean);
const partyOf = (form) => Number(form.dataset.party || (form.elements.party_size && form.elements.party_size.value) || 0);

function describe(form) {
  const ids = chosenIds(form);
  const tables = ids.map(groupOf).filter(Boolean).map(tableOf);
  const party = partyOf(form);
  if (!tables.length) return { text: "", problem: null };
  const [lo, hi] = seatRange(tables);
  const names = tables.map((t) => t.name).join(" + ");
  if (!(party >= 1)) return { text: `${names}: seats ${lo}–${hi}`, problem: "How many people?" };
  const problem = choiceProblem(tables, party);
  const seats = tables.length > 1 ? `seats ${lo}–${hi} together` : `seats ${lo}–${hi}`;
  return { text: `${names}: ${seats}${problem ? "" : ` ✓ for ${party}`}`, problem };
}

function showChoice() {
  for (const g of groups()) {
    g.classList.remove("chosen", "can-join");
    g.removeAttribute("aria-pressed");
  }
  const status = root.querySelector("[data-pick-status]");
  if (editing || !target || !root.contains(target)) {
    if (status) status.textContent = "";
    return;
  }
  const ids = chosenIds(target);
  const tables = ids.map(groupOf).filter(Boolean).map(tableOf);
  for (const g of groups()) {
    const t = tableOf(g);
    g.setAttribute("aria-pressed", ids.includes(t.id) ? "true" : "false");
    if (ids.includes(t.id)) g.classList.add("chosen");
    else if (tables.length && t.active && t.combinable && tables.every((c) => c.combinable) && tables.some((c) => linked(c, t))) {
      g.classList.add("can-join");
    }
  }
  const { text, problem } = describe(target);
  const summary = target.querySelector("[data-table-summary]");
  summary.textContent = problem ? `${text} — ${problem}` : text;
  summary.classList.toggle("warn", Boolean(problem));
  if (status) {
    const label = target.dataset.pickLabel || "this party";
    if (text) status.textContent = `For ${label}: ${summary.textContent}`;
    else status.textContent = chosenByHand ? `Tap tables on the plan for ${label}.` : "";
    status.classList.toggle("warn", Boolean(problem));
  }
}

function setChosen(form, ids) {
  form.querySelector("[data-table-ids]").value = ids.join(" ");
  const select = form.querySelector("[data-table-select]");
  if (select) {
    const one = ids.length === 1 && [...select.options].some((o) => o.value === ids[0]);
    select.value = one ? ids[0] : "";
  }
  showChoice();
}

function toggle(g) {
  if (editing || !target) return;
  const t = tableOf(g);
  const status = root.querySelector("[data-pick-status]");
  if (!t.active) {
    if (status) status.textContent = `${t.name} is off tonight.`;
    return;
  }
  const ids = chosenIds(target);
  setChosen(target, ids.includes(t.id) ? ids.filter((i) => i !== t.id) : [...ids, t.id]);
}

function use(form) {
  target = form;
  chosenByHand = true;
  showChoice();
}

function bindChoice() {
  const forms = [...root.querySelectorAll("[data-table-form]")];
  target = forms.find((f) => f.classList.contains("walk-in")) || null;
  chosenByHand = false;
  for (const form of forms) {
    const select = form.querySelector("[data-table-select]");
    if (select) {
      select.addEventListener("focus", () => use(form));
      select.addEventListener("change", () => {
        use(form);
        setChosen(form, select.value ? [select.value] : []);
      });
    }
    const pick = form.querySelector("[data-pick]");
    if (pick) {
      pick.addEventListener("click", () => {
        use(form);
        const plan = root.querySelector("[data-floor-plan]");
        plan.scrollIntoView({ block: "nearest", behavior: "smooth" });
        const first = groupOf(chosenIds(form)[0]) || groups().find((g) => g.dataset.active === "1");
        if (first) first.focus({ preventScroll: true });
      });
    }
    if (form.elements.party_size) form.elements.party_size.addEventListener("input", () => form === target && showChoice());
    form.addEventListener("submit", (event) => {
      const { problem } = describe(form);
      if (problem) {
        event.preventDefault();
        use(form);
        form.querySelector("[data-table-summary]").focus();
      }
    });
  }
  for (const g of groups()) {
    g.addEventListener("click", () => toggle(g));
    g.addEventListener("keydown", (event) => {
      if (!editing && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        toggle(g);
      }
    });
  }
  showChoice();
}

// --- editing the plan (managers) -------------------------------------------------------------

function bindEditor() {
  const svg = root.querySelector("[data-floor-plan]");
  const edit = root.querySelector("[data-plan-edit]");
  if (!svg || !edit || !svg.dataset.layoutUrl) return;
  const save = root.querySelector("[data-plan-save]");
  const cancel = root.querySelector("[data-plan-cancel]");
  const status = root.querySelector("[data-plan-status]");
  const width = Number(svg.dataset.width);
  const height = Number(svg.dataset.height);
  const snap = Number(svg.dataset.snap) || 10;
  const round = (v) => Math.round(v / snap) * snap;
  const limitY = svg.viewBox.baseVal.height;
  let drag = null;

  const say = (text, kind) => {
    status.hidden = !text;
    status.textContent = text;
    status.className = `plan-status${kind ? ` ${kind}` : ""}`;
  };
  const at = (g) => ({ x: Number(g.dataset.px), y: Number(g.dataset.py) });
  const box = (g) => {
    const { x, y } = at(g);
    const w = Number(g.dataset.w);
    const h = Number(g.dataset.h);
    return { left: x - Math.floor(w / 2), top: y - Math.floor(h / 2), w, h };
  };

  function check() {
    const all = groups();
    const boxes = all.map(box);
    const outside = new Set();
    const overlap = new Set();
    const pairs = [];
    boxes.forEach((b, i) => {
      if (b.left < 0 || b.top < 0 || b.left + b.w > width || b.top + b.h > height) outside.add(i);
      for (let j = i + 1; j < boxes.length; j += 1) {
        const c = boxes[j];
        if (b.left < c.left + c.w && c.left < b.left + b.w && b.top < c.top + c.h && c.top < b.top + b.h) {
          overlap.add(i).add(j);
          pairs.push(`${all[i].dataset.tableName} and ${all[j].dataset.tableName}`);
        }
      }
    });
    all.forEach((g, i) => {
      g.classList.toggle("outside", outside.has(i));
      g.classList.toggle("overlap", overlap.has(i));
    });
    const problems = [];
    if (pairs.length) problems.push(`overlapping: ${pairs.join("; ")}`);
    if (outside.size) problems.push(`outside the plan: ${[...outside].map((i) => all[i].dataset.tableName).join(", ")}`);
    save.disabled = problems.length > 0;
    say(
      problems.length
        ? `Fix before saving — ${problems.join(" · ")}.`
        : `Editing: drag tables (or focus one and use the arrow keys), then save. ${editing.moved.size} moved.`,
      problems.length ? "warn" : "",
    );
  }

  function moveTo(g, x, y) {
    const nx = Math.min(Math.max(round(x), 0), width);
    const ny = Math.min(Math.max(round(y), 0), limitY);
    g.dataset.px = String(nx);
    g.dataset.py = String(ny);
    g.setAttribute("transform", `translate(${nx - Number(g.dataset.x)} ${ny - Number(g.dataset.y)})`);
    if (nx !== Number(g.dataset.x) || ny !== Number(g.dataset.y)) editing.moved.add(g.dataset.tableId);
    check();
  }

  function open() {
    editing = { version: svg.dataset.floorVersion, moved: new Set() };
    root.dataset.editing = "1";
    svg.classList.add("editing");
    for (const g of groups()) {
      g.dataset.px = g.dataset.x;
      g.dataset.py = g.dataset.y;
      g.setAttribute("aria-roledescription", "movable table");
    }
    edit.hidden = true;
    save.hidden = false;
    cancel.hidden = false;
    showChoice();
    check();
  }

  function close(text, kind) {
    editing = null;
    delete root.dataset.editing;
    svg.classList.remove("editing");
    for (const g of groups()) {
      g.removeAttribute("transform");
      g.removeAttribute("aria-roledescription");
      g.classList.remove("outside", "overlap", "dragging");
    }
    edit.hidden = false;
    save.hidden = true;
    cancel.hidden = true;
    say(text || "", kind);
    showChoice();
  }

  const toSvg = (event) => new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());

  // While editing, the plan takes every touch (CSS touch-action: none), so a finger on an
  // empty spot pans the plan's scroll box and the page here, as the browser would.
  const wrap = svg.closest(".plan-wrap");
  let pan = null;

  svg.addEventListener("pointerdown", (event) => {
    if (!editing) return;
    const g = event.target.closest(".plan-table");
    if (!g) {
      if (event.pointerType !== "mouse") {
        pan = { pointer: event.pointerId, x: event.clientX, y: event.clientY, left: wrap.scrollLeft, top: window.scrollY };
      }
      return;
    }
    event.preventDefault();
    g.focus({ preventScroll: true });
    g.setPointerCapture(event.pointerId);
    const p = toSvg(event);
    drag = { g, pointer: event.pointerId, dx: p.x - at(g).x, dy: p.y - at(g).y };
    g.classList.add("dragging");
  });
  svg.addEventListener("pointermove", (event) => {
    if (pan && event.pointerId === pan.pointer) {
      wrap.scrollLeft = pan.left - (event.clientX - pan.x);
      window.scrollTo(window.scrollX, pan.top - (event.clientY - pan.y));
      return;
    }
    if (!drag || event.pointerId !== drag.pointer) return;
    const p = toSvg(event);
    moveTo(drag.g, p.x - drag.dx, p.y - drag.dy);
  });
  const drop = (event) => {
    if (pan && event.pointerId === pan.pointer) pan = null;
    if (!drag || event.pointerId !== drag.pointer) return;
    drag.g.classList.remove("dragging");
    drag = null;
  };
  svg.addEventListener("pointerup", drop);
  svg.addEventListener("pointercancel", drop);
  svg.addEventListener("keydown", (event) => {
    const g = editing && event.target.closest(".plan-table");
    const step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
    if (!g || !step) return;
    event.preventDefault();
    const n = (event.shiftKey ? 5 : 1) * snap;
    moveTo(g, at(g).x + step[0] * n, at(g).y + step[1] * n);
  });

  edit.addEventListener("click", open);
  cancel.addEventListener("click", () => close("Plan not changed."));
  save.addEventListener("click", async () => {
    save.disabled = true;
    const tables = groups().map((g) => ({ id: g.dataset.tableId, ...at(g) }));
    const body = new URLSearchParams({
      csrf_token: csrf(),
      floor_version: editing.version,
      tables: JSON.stringify(tables),
    });
    let response;
    try {
      response = await fetch(svg.dataset.layoutUrl, { method: "POST", body, credentials: "same-origin" });
    } catch (error) {
      say("The plan could not be saved (no connection). Try again.", "warn");
      save.disabled = false;
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      editing = null;
      await refresh(true);
      const fresh = root.querySelector("[data-plan-status]");
      fresh.hidden = false;
      fresh.textContent = "Plan saved.";
      return;
    }
    if (response.status === 409) {
      say(`${data.detail || "The floor was changed elsewhere."} Your moves are not saved.`, "warn");
      const reload = document.createElement("button");
      reload.type = "button";
      reload.className = "button small secondary";
      reload.textContent = "Reload the plan";
      reload.addEventListener("click", () => {
        editing = null;
        refresh(true);
      });
      status.append(" ", reload);
      return;
    }
    say(data.detail || "The plan could not be saved.", "warn");
    save.disabled = false;
  });
}

// --- the whole floor -------------------------------------------------------------------------

function bind() {
  editing = null;
  bindChoice();
  bindEditor();
}

const busy = () => {
  if (root.dataset.editing) return true;
  const active = document.activeElement;
  if (active && root.contains(active) && active.matches("input, textarea")) return true;
  return [...root.querySelectorAll("[data-table-ids]")].some((input) => input.value);
};

async function refresh(force) {
  if (!force && busy()) return;
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
      if (data && data.venue_id === root.dataset.venueId) refresh(false);
    };
    document.addEventListener("cadence:reservation.created", onChange);
    document.addEventListener("cadence:reservation.updated", onChange);
    document.addEventListener("cadence:venue.floor.changed", (event) => {
      const data = event.detail && event.detail.data;
      if (!data || data.venue_id !== root.dataset.venueId) return;
      const svg = root.querySelector("[data-floor-plan]");
      if (svg && String(data.floor_version) === svg.dataset.floorVersion) return;
      if (!root.dataset.editing) {
        refresh(false);
        return;
      }
      const status = root.querySelector("[data-plan-status]");
      status.hidden = false;
      status.className = "plan-status warn";
      status.textContent = "Another manager just saved the plan: saving yours will be refused. Cancel to see theirs.";
    });
  }
}
