// @ts-check
// The list | detail layout of the list screens (leads, accounts): the detail pane with its
// hint, opened and closed (on a phone the detail replaces the list), the list's links marked
// for the record shown, and Escape closing the detail.

import { h } from "../dom.js";
import { t } from "../i18n.js";

/** Mark the link of record `id` in `list` as the one shown; returns that link (or null). */
export function markShown(/** @type {HTMLElement} */ list, /** @type {string | null} */ id) {
  let found = null;
  for (const a of /** @type {HTMLElement[]} */ ([...list.querySelectorAll(".lead-item")])) {
    if (a.dataset.id === id) { a.setAttribute("aria-current", "true"); found = a; } else a.removeAttribute("aria-current");
  }
  return found;
}

/**
 * Lay `listPane` beside a detail pane in `root`. `hint` is the i18n key of the empty pane's
 * hint; `onEscape()` is called on Escape outside a form while the detail is open (what was
 * typed in a form must not be lost). Returns {body, setOpen(open), mark(list, id), stop()}.
 * @param {HTMLElement} root @param {HTMLElement} listPane
 * @param {{hint: string, onEscape: () => void}} options
 */
export function splitView(root, listPane, { hint, onEscape }) {
  const body = h("div", { id: "detail-body", hidden: true });
  const placeholder = h("div", { class: "placeholder", id: "detail-placeholder" }, h("p", {}, t(hint)));
  const split = h("div", { class: "split" }, listPane,
    h("section", { class: "detail-pane", id: "detail", "aria-label": t("detail.region") }, placeholder, body));
  root.replaceChildren(split);
  let open = false;
  const setOpen = (/** @type {boolean} */ value) => {
    open = value;
    placeholder.hidden = value;
    body.hidden = !value;
    split.classList.toggle("show-detail", value);
  };
  const onKey = (/** @type {KeyboardEvent} */ event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const typing = target.closest?.("input, textarea, select");
    if (event.key === "Escape" && open && !typing && !event.defaultPrevented) onEscape();
  };
  document.addEventListener("keydown", onKey);
  return {
    body,
    setOpen,
    mark: markShown,
    stop: () => document.removeEventListener("keydown", onKey),
  };
}
