// @ts-check
/** Small DOM functions shared by every part of the page. */

/**
 * The element `selector` names, checked to be a `type`: a missing or different element is a
 * mistake in index.html and fails at once, naming the selector.
 * @template {Element} T
 * @param {string} selector
 * @param {{ new (): T, prototype: T }} type
 * @param {ParentNode} [root]
 * @returns {T}
 */
export function $(selector, type, root = document) {
  const found = root.querySelector(selector);
  if (!(found instanceof type)) throw new Error(`The page has no ${type.name} at ${selector}`);
  return found;
}

/** @typedef {"ok" | "error" | "progress" | ""} Kind */

/**
 * Shows `text` in a status line. `progress` says the page waits for something: the line gets
 * a spinner and the element is marked busy for assistive technologies.
 * @param {HTMLElement} target
 * @param {string} text
 * @param {Kind} [kind]
 */
export function say(target, text, kind = "ok") {
  target.textContent = text;
  target.dataset.kind = kind;
  if (kind === "progress") target.setAttribute("aria-busy", "true");
  else target.removeAttribute("aria-busy");
}

/**
 * Runs `work` with the form's buttons disabled, so a double click sends once; with
 * `progress`, `result` says what the page waits for until `work` says otherwise.
 * @param {HTMLFormElement} form
 * @param {() => Promise<unknown>} work
 * @param {{ result: HTMLElement, progress: string }} [waiting]
 */
export async function busy(form, work, waiting) {
  const buttons = [...form.querySelectorAll("button")];
  const wasDisabled = buttons.map((b) => b.disabled);
  for (const b of buttons) b.disabled = true;
  form.setAttribute("aria-busy", "true");
  if (waiting) say(waiting.result, waiting.progress, "progress");
  try {
    await work();
  } finally {
    buttons.forEach((b, i) => {
      b.disabled = wasDisabled[i] ?? false;
    });
    form.removeAttribute("aria-busy");
    // Work that ended without a word of its own leaves no spinner behind.
    if (waiting && waiting.result.dataset.kind === "progress") say(waiting.result, "", "");
  }
}

/**
 * The form's control called `name`.
 * @param {HTMLFormElement} form
 * @param {string} name
 * @returns {HTMLInputElement | HTMLSelectElement}
 */
export function field(form, name) {
  const found = form.elements.namedItem(name);
  if (found instanceof HTMLInputElement || found instanceof HTMLSelectElement) return found;
  throw new Error(`The form #${form.id} has no field ${name}`);
}

/**
 * The trimmed value of the form's control called `name`.
 * @param {HTMLFormElement} form
 * @param {string} name
 */
export const value = (form, name) => field(form, name).value.trim();

/**
 * @param {HTMLInputElement | HTMLSelectElement} input
 * @param {string} text
 */
export function fillIfEmpty(input, text) {
  if (text && !input.value) input.value = text;
}

/**
 * A `<dt>`/`<dd>` pair per row, as text.
 * @param {HTMLElement} list
 * @param {[string, string][]} rows
 */
export function describe(list, rows) {
  list.replaceChildren(
    ...rows.flatMap(([term, detail]) => {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = detail;
      return [dt, dd];
    }),
  );
}
