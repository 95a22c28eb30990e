// Small progressive enhancements; every page works without this file.
document.documentElement.classList.add("js");

// The organisation switcher navigates as soon as an organisation is chosen.
for (const form of document.querySelectorAll("form[data-autosubmit]")) {
  const select = form.querySelector("select");
  if (select) {
    select.addEventListener("change", () => {
      if (select.value) form.requestSubmit();
    });
  }
}

// Destructive forms ask first.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);

// The invitation link selects itself for copying.
for (const field of document.querySelectorAll("input[data-select-on-focus]")) {
  field.addEventListener("focus", () => field.select());
}
