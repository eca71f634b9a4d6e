// @ts-check
// Tidtam web UI shell: login, the top bar, the nav, and the router that mounts one screen
// (static/screens/*.js, listed in routes.js) into <main>. No build step.

import { api, ApiError, getToken, setToken, setUnauthorizedHandler } from "./api.js";
import { renderBell, startBell, stopBell } from "./bell.js";
import { $, h } from "./dom.js";
import { keptForms, restoreForms } from "./form-keep.js";
import { applyStatic, lang, setLang, t } from "./i18n.js";
import { markCurrent, renderNav, setCounts } from "./nav.js";
import { allowed, hrefFor, matchRoute, parseHash } from "./router.js";
import { HOME, ROUTES } from "./routes.js";
import { loadCatalogs, signIn, signOut, state } from "./store.js";
import { errorMessage, toast } from "./ui.js";

/** @typedef {import("./types.js").Unmount} Unmount */
/** @typedef {import("./types.js").App} App */

/** The screen shown: its module (to tell whether a new route keeps it) and its unmount. */
let current = /** @type {{module: object, unmount: Unmount} | null} */ (null);
let routeSeq = 0;

/** @type {App} */
const app = {
  navigate(href, { replace = false } = {}) {
    if (replace) location.replace(href);
    else if (location.hash === href) route();
    else location.hash = href;
  },
  href: hrefFor,
  toast,
  setCounts,
  refreshShell() { renderWhoami(); renderNav(state.me?.role); renderBell(); },
  setLanguage(language) {
    setLang(language);
    relabel();
    if (!state.me) return;
    app.refreshShell();
    const typed = keptForms($("#main")); // a half-filled form survives the redraw
    unmountScreen(); // the screen is drawn again in the new language
    const stop = restoreForms($("#main"), typed);
    window.addEventListener("hashchange", stop, { once: true });
    route();
  },
};

function unmountScreen() {
  const shown = current;
  current = null;
  if (shown) shown.unmount();
  $("#main").replaceChildren();
}

/** Mount the screen of the current hash (or let the one shown follow it). */
async function route() {
  if (!state.me) return; // the hash waits for the login
  const seq = ++routeSeq;
  const { path, query } = parseHash(location.hash);
  const found = matchRoute(ROUTES, path);
  if (!found) { app.navigate(HOME, { replace: true }); return; }
  markCurrent();
  document.title = `${t(found.route.title)} · ${lang() === "th" ? "ติดตาม" : "Tidtam"}`;
  const main = $("#main");
  if (!allowed(found.route, state.me.role)) {
    unmountScreen();
    main.append(notice(t("route.forbidden")));
    return;
  }
  const params = { ...query, ...found.route.params, ...found.params };
  let module;
  try {
    module = await found.route.load();
  } catch (err) {
    if (seq !== routeSeq) return;
    unmountScreen();
    main.append(notice(t("route.failed", { error: errorMessage(err) })));
    return;
  }
  if (seq !== routeSeq) return; // a newer link was followed meanwhile
  if (current && current.module === module && current.unmount.update) {
    current.unmount.update(params);
    return;
  }
  unmountScreen();
  try {
    current = { module, unmount: module.mount(main, params, app) };
  } catch (err) { // a screen's bug must not leave a blank page
    main.append(notice(t("route.failed", { error: errorMessage(err) })));
    throw err;
  }
}

const notice = (/** @type {string} */ text) => h("div", { class: "screen-notice" },
  h("p", { class: "notice" }, text), h("p", {}, h("a", { href: HOME }, t("route.home"))));

// ---- login / logout / language -------------------------------------------------------------

function showLogin(/** @type {string} */ message = "") {
  stopBell();
  unmountScreen();
  $("#app-view").hidden = true;
  $("#whoami").hidden = true;
  $("#logout").hidden = true;
  $("#login-view").hidden = false;
  const error = $("#login-error");
  error.hidden = !message;
  error.textContent = message || "";
  $("#login-email").focus();
}

async function showApp() {
  try {
    signIn(await api("/api/v1/me"));
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) showLogin(errorMessage(err));
    return;
  }
  if (state.me?.language && state.me.language !== lang()) {
    setLang(state.me.language);
    relabel();
  }
  $("#login-view").hidden = true;
  $("#app-view").hidden = false;
  $("#whoami").hidden = false;
  $("#logout").hidden = false;
  await loadCatalogs();
  startBell(expired);
  app.refreshShell();
  // An admin set the password: My account first. Else the link the page was opened with
  // (a deep link survives the login).
  if (state.me?.must_change_password && parseHash(location.hash).path !== "/me") app.navigate("#/me", { replace: true });
  else route();
}

function renderWhoami() {
  if (!state.me) return;
  $("#me-name").textContent = state.me.name;
  $("#me-role").textContent = t(`role.${state.me.role}`);
}

async function onLogin(/** @type {SubmitEvent} */ event) {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.currentTarget);
  const button = /** @type {HTMLButtonElement} */ (form.querySelector("button[type=submit]"));
  const error = $("#login-error");
  error.hidden = true;
  button.disabled = true;
  button.textContent = t("login.busy");
  try {
    const data = await api("/api/v1/auth/token", { method: "POST", form: {
      username: $("#login-email").value.trim(), password: $("#login-password").value } });
    setToken(data.access_token);
    $("#login-password").value = "";
    await showApp();
  } catch (err) {
    const bad = err instanceof ApiError && (err.status === 401 || err.status === 400);
    error.textContent = bad ? t("login.failed") : errorMessage(err);
    error.hidden = false;
  } finally {
    button.disabled = false;
    button.textContent = t("login.submit");
  }
}

function logout() {
  setToken(null);
  signOut();
  showLogin();
}

/** The top bar's switch; a signed-in user's choice is remembered on their account too. */
function toggleLanguage() {
  const language = lang() === "th" ? "en" : "th";
  app.setLanguage(language);
  if (state.me && state.me.language !== language) {
    state.me.language = language;
    api("/api/v1/me", { method: "PATCH", json: { language } }).catch(() => {}); // kept locally anyway
  }
}

function relabel() {
  applyStatic();
  const button = $("#lang-toggle");
  button.textContent = t("lang.other");
  button.lang = lang() === "th" ? "en" : "th";
  // Its name is what it shows (the other language, in that language: `lang`); "switch to …"
  // is its description. A name without the visible text fails WCAG 2.5.3 (axe-core).
  button.title = t("lang.switch");
  document.title = lang() === "th" ? "ติดตาม · Tidtam CRM" : "Tidtam CRM · ติดตาม";
}

// ---- wiring --------------------------------------------------------------------------------

/** The token is no longer accepted (an API call or the bell's stream said 401). */
function expired() {
  setToken(null);
  signOut();
  showLogin(t("login.expired"));
}

function init() {
  relabel();
  setUnauthorizedHandler(expired);
  $("#login-form").addEventListener("submit", onLogin);
  $("#lang-toggle").addEventListener("click", toggleLanguage);
  $("#logout").addEventListener("click", logout);
  window.addEventListener("hashchange", () => route());
  if (getToken()) showApp(); else showLogin();
}

init();
