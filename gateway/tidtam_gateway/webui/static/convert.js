// @ts-check
// On the lead detail: the lead's account (a link), its conversion status, and "Convert to
// account". Conversion is asynchronous (202, converting → converted | failed): while it runs
// the card asks again every few seconds and replaces itself, leaving the rest of the panel
// (and anything typed there) alone.

import { api, creator } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { errorMessage, toast } from "./ui.js";

const POLL_MS = 2500;
const POLL_TRIES = 24; // about a minute; then the refresh button is there
const STATUS_KEYS = {
  converting: "convert.status.converting", converted: "convert.status.converted",
  failed: "convert.status.failed",
};

const leadUrl = (id, tail = "") => `/api/v1/leads/${encodeURIComponent(id)}${tail}`;

/**
 * The card for `lead` (null when there is nothing to show or do).
 * on: {changed(message), openAccount(id)}.
 */
export function conversionCard(lead, on) {
  const status = lead.conversion_status;
  if (lead.account_id) {
    return h("div", { class: "notice conversion" },
      status === "converted" ? h("p", { class: "notice-title" }, t(STATUS_KEYS.converted)) : null,
      h("p", {}, t("convert.account"), " ",
        h("button", { type: "button", class: "link", onclick: () => on.openAccount(lead.account_id) },
          t("convert.open"))));
  }
  if (status === "converting") return converting(lead, on);
  const canConvert = lead.box === "inbox" && !lead.read_only;
  if (status !== "failed" && !canConvert) return null;
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const button = h("button", { type: "button", class: "btn btn-primary" }, t("convert.button"));
  const convert = creator();
  button.addEventListener("click", async () => {
    button.disabled = true;
    error.hidden = true;
    try {
      await convert(leadUrl(lead.id, "/convert"), { account: {} });
    } catch (err) {
      button.disabled = false;
      if (err.status === 401) return;
      error.textContent = errorMessage(err);
      error.hidden = false;
      return;
    }
    on.changed(t("convert.started"));
  });
  return h("div", { class: `action-card conversion${status === "failed" ? " notice-warn" : ""}` },
    status === "failed" ? h("p", { class: "notice-title" }, t(STATUS_KEYS.failed)) : null,
    status === "failed" && lead.conversion_error ? h("p", {}, lead.conversion_error) : null,
    h("p", { class: "hint" }, t("convert.hint")),
    canConvert ? h("div", {}, button) : null,
    error);
}

function converting(lead, on) {
  const refresh = h("button", { type: "button", class: "btn" }, t("convert.refresh"));
  const card = h("div", { class: "notice conversion", role: "status" },
    h("p", { class: "notice-title" }, t(STATUS_KEYS.converting)),
    h("p", { class: "hint" }, t("convert.wait")),
    h("div", {}, refresh));
  let tries = 0;
  let timer;
  async function check() {
    clearTimeout(timer);
    if (!card.isConnected) return; // the panel moved on
    let fresh;
    try {
      fresh = await api(leadUrl(lead.id));
    } catch {
      fresh = null; // ask again on the next tick
    }
    if (!card.isConnected) return;
    if (fresh && fresh.conversion_status !== "converting") {
      Object.assign(lead, fresh); // the view's lead: a redraw shows the new state
      card.replaceWith(conversionCard(lead, on) || "");
      if (fresh.conversion_status === "converted") toast(t("convert.done"));
      else toast(t(STATUS_KEYS.failed), "error");
      return;
    }
    if (++tries < POLL_TRIES) timer = setTimeout(check, POLL_MS);
  }
  refresh.addEventListener("click", () => { tries = 0; check(); });
  timer = setTimeout(check, POLL_MS);
  return card;
}
