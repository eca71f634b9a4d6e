// @ts-check
// Hash routes: "#/leads/42?box=sent" → the route whose path matches, its parameters and the
// query. The hash survives a reload and a login, and every change is a history entry, so
// links can be shared and bookmarked and Back works. No DOM here: node tests run it as is.

/** @typedef {import("./types.js").Route} Route */
/** @typedef {import("./types.js").Params} Params */

/**
 * "#/leads/42?box=sent" → {path: "/leads/42", query: {box: "sent"}}. An empty hash is "/".
 * @param {string} hash
 * @returns {{path: string, query: Record<string, string>}}
 */
export function parseHash(hash) {
  const raw = (hash || "").replace(/^#/, "");
  const at = raw.indexOf("?");
  const pathPart = at < 0 ? raw : raw.slice(0, at);
  const path = "/" + pathPart.split("/").filter(Boolean).join("/");
  /** @type {Record<string, string>} */
  const query = {};
  for (const [key, value] of new URLSearchParams(at < 0 ? "" : raw.slice(at + 1))) query[key] = value;
  return { path, query };
}

/**
 * The first route whose path matches, with the decoded path parameters; null when none does.
 * @param {Route[]} routes
 * @param {string} path
 * @returns {{route: Route, params: Params} | null}
 */
export function matchRoute(routes, path) {
  const parts = path.split("/").filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split("/").filter(Boolean);
    if (pattern.length !== parts.length) continue;
    /** @type {Params} */
    const params = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      if (pattern[i].startsWith(":")) {
        try { params[pattern[i].slice(1)] = decodeURIComponent(parts[i]); } catch { ok = false; }
      } else {
        ok = pattern[i] === parts[i];
      }
    }
    if (ok) return { route, params };
  }
  return null;
}

/**
 * A "#/…" link: hrefFor("/leads", {box: "sent", q: ""}) → "#/leads?box=sent" (empty values
 * are left out).
 * @param {string} path
 * @param {Record<string, string|undefined|null>} [query]
 */
export function hrefFor(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ""}`;
}

/**
 * May a user of `role` open `route`? Routes without `roles` are for everybody.
 * @param {Pick<Route, "roles">} route
 * @param {string | null | undefined} role
 */
export const allowed = (route, role) => !route.roles || (!!role && route.roles.includes(role));

/**
 * The route for a "#/…" link (null when none matches).
 * @param {Route[]} routes
 * @param {string} href
 */
export const routeOfHref = (routes, href) => matchRoute(routes, parseHash(href).path)?.route ?? null;

/**
 * Is the nav link `href` the page shown at (path, query)? Its path is the same or a parent,
 * and every query value the link names matches (a missing value counts as `defaults`' one).
 * @param {string} href
 * @param {string} path
 * @param {Record<string, string>} query
 * @param {Record<string, string>} [defaults]
 */
export function isCurrent(href, path, query, defaults = {}) {
  const link = parseHash(href);
  const under = path === link.path || path.startsWith(link.path + "/");
  return under && Object.entries(link.query).every(
    ([key, value]) => (query[key] ?? defaults[key]) === value);
}
