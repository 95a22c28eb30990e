// League pages: a run's live progress, and the schedule grid's drag-to-move / swap.
//
// Progress: `league.progress` events (cadence/leagues/runs.py) arrive through live.js; the
// bar, the best objective and the status follow them, and the page reloads once the run is
// over so the server renders the result's buttons.
// Grid: dropping a game on another round moves it, on another game swaps their rounds.
// Each drop is checked at once (persist=false) and what it breaks is shown; "Keep this
// change" saves it (persist=true). No inline script: the CSP forbids it.

const csrf = () => {
  const headers = document.body.getAttribute("hx-headers");
  try {
    return JSON.parse(headers || "{}")["X-CSRF-Token"] || "";
  } catch (e) {
    return "";
  }
};

// --- a run's progress ----------------------------------------------------------------------

const run = document.querySelector("[data-league-run]");
if (run) {
  const id = run.getAttribute("data-league-run");
  const limit = parseFloat(run.getAttribute("data-time-limit") || "1");
  const active = (s) => s === "queued" || s === "running";
  const set = (sel, text) => {
    const el = run.querySelector(sel);
    if (el) el.textContent = text;
  };
  let status = run.getAttribute("data-status");
  if (active(status) && window.CadenceLive) {
    window.CadenceLive.start();
    document.addEventListener("cadence:league.progress", (event) => {
      const data = event.detail && event.detail.data;
      if (!data || data.run_id !== id) return;
      status = data.status;
      set("[data-run-status]", status);
      set("[data-run-hard]", data.best_hard === null ? "–" : String(data.best_hard));
      set("[data-run-cost]", data.best_cost === null ? "–" : String(data.best_cost));
      set("[data-run-elapsed]", Number(data.elapsed).toFixed(1));
      const bar = run.querySelector("[data-run-bar]");
      if (bar) bar.value = Math.min(Number(data.elapsed), limit);
      if (!active(status)) {
        if (bar) bar.value = limit;
        window.setTimeout(() => window.location.reload(), 300);
      }
    });
    // A missed event (a dropped connection at the very end) must not leave the page stale.
    window.setTimeout(() => {
      if (active(status)) window.location.reload();
    }, (limit + 8) * 1000);
  }
}

// --- the schedule grid ---------------------------------------------------------------------

// Someone else changed or published this schedule: say so (the grid here is out of date).
const anyGrid = document.querySelector("[data-league-grid]");
if (anyGrid && window.CadenceLive) {
  const season = anyGrid.getAttribute("data-season-id");
  const seen = parseInt(anyGrid.getAttribute("data-seen-event") || "0", 10);
  window.CadenceLive.start();
  document.addEventListener("cadence:league.schedule.changed", (event) => {
    const message = event.detail;
    const data = message && message.data;
    if (!data || data.season_id !== season || message.id <= seen) return; // shown already
    if (document.querySelector("[data-stale]")) return;
    const note = document.createElement("p");
    note.className = "alert";
    note.setAttribute("data-stale", "");
    note.setAttribute("role", "status");
    const link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = "Reload";
    note.append(`This schedule was ${data.reason} elsewhere. `, link);
    anyGrid.closest("section").prepend(note);
  });
}

const grid = document.querySelector("[data-league-grid][data-editable]");
const panel = document.querySelector("[data-league-check]");
if (grid && panel) {
  const url = grid.getAttribute("data-check-url");
  let dragged = null;
  let pending = null;

  const post = async (fields) => {
    const body = new URLSearchParams(fields);
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/x-www-form-urlencoded" },
      body,
      credentials: "same-origin",
    });
    return { ok: response.ok, data: await response.json() };
  };

  const show = (result, fields) => {
    const summary = panel.querySelector("[data-check-summary]");
    const list = panel.querySelector("[data-check-list]");
    list.replaceChildren();
    if (!result.ok) {
      summary.textContent = result.data.detail || "This change is not possible.";
      panel.querySelector("[data-check-save]").hidden = true;
    } else {
      const d = result.data;
      const broken = d.new_violations.length;
      const fixed = d.resolved_violations.length;
      summary.textContent =
        (broken ? `This change breaks ${broken} rule${broken > 1 ? "s" : ""}` : "This change breaks nothing new") +
        (fixed ? `, and fixes ${fixed}` : "") +
        `. Afterwards: ${d.hard} hard violation${d.hard === 1 ? "" : "s"}, cost ${d.cost}.`;
      for (const v of d.new_violations) {
        const li = document.createElement("li");
        li.className = v.hard ? "hard" : "soft";
        li.textContent = `${v.label} (${v.hard ? "hard" : "cost " + v.cost}): ${v.detail}`;
        list.appendChild(li);
      }
      panel.querySelector("[data-check-save]").hidden = false;
    }
    pending = fields;
    panel.hidden = false;
    panel.scrollIntoView({ block: "nearest" });
  };

  const clearMarks = () => {
    grid.querySelectorAll(".drop-target, .dragging").forEach((el) => {
      el.classList.remove("drop-target", "dragging");
    });
  };

  grid.addEventListener("dragstart", (event) => {
    const cell = event.target.closest("[data-game]");
    if (!cell) return;
    dragged = cell.getAttribute("data-game");
    event.dataTransfer.setData("text/plain", dragged);
    event.dataTransfer.effectAllowed = "move";
    grid.querySelectorAll(`[data-game="${dragged}"]`).forEach((el) => el.classList.add("dragging"));
  });
  grid.addEventListener("dragover", (event) => {
    if (!dragged) return;
    const row = event.target.closest("tr[data-slot]");
    if (!row) return;
    event.preventDefault();
    grid.querySelectorAll(".drop-target").forEach((el) => el.classList.remove("drop-target"));
    (event.target.closest("[data-game]") || row).classList.add("drop-target");
  });
  grid.addEventListener("dragend", clearMarks);
  grid.addEventListener("drop", async (event) => {
    event.preventDefault();
    const row = event.target.closest("tr[data-slot]");
    const onto = event.target.closest("[data-game]");
    const game = dragged;
    dragged = null;
    clearMarks();
    if (!row || !game) return;
    const fields = { game_id: game, persist: "false" };
    if (onto && onto.getAttribute("data-game") !== game) {
      fields.other_game_id = onto.getAttribute("data-game");
    } else {
      fields.slot = row.getAttribute("data-slot");
    }
    show(await post(fields), fields);
  });

  panel.querySelector("[data-check-save]").addEventListener("click", async () => {
    if (!pending) return;
    const result = await post({ ...pending, persist: "true" });
    if (result.ok) window.location.reload();
    else show(result, pending);
  });
  panel.querySelector("[data-check-undo]").addEventListener("click", () => {
    pending = null;
    panel.hidden = true;
  });
}
