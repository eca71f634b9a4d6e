// @ts-check
// The one contract every screen keeps, and the shapes the shell hands to it. Types only: the
// module exports nothing at run time (tsc --checkJs reads these JSDoc typedefs).

/**
 * What a route hands a screen: the path's parameters (`/leads/:id` → {id}) and the query
 * (`?box=sent` → {box: "sent"}), path parameters winning.
 * @typedef {Record<string, string>} Params
 */

/**
 * Returned by mount(): called once when the screen leaves. A screen that can follow a change
 * of its own route in place (the leads list opening another lead) sets `update`; the shell
 * then calls it instead of unmounting and mounting again.
 * @typedef {{(): void, update?: (params: Params) => void}} Unmount
 */

/**
 * A screen module (static/screens/*.js) exports mount(root, params, app): it renders into
 * `root` (the page's <main>), and returns its unmount.
 * @typedef {{mount: (root: HTMLElement, params: Params, app: App) => Unmount}} Screen
 */

/**
 * One entry of the route table (routes.js). `path` segments starting with ":" are
 * parameters. `roles` (absent: everybody) hides the route's links from other roles and
 * refuses them the screen. `title` is an i18n key for the document title; `params` are
 * fixed parameters the screen gets on this route (e.g. {view: "new"}).
 * @typedef {{path: string, load: () => Promise<Screen>, title: string, roles?: string[],
 *            params?: Params}} Route
 */

/**
 * A link in the side navigation (routes.js NAV). `group` sorts links under a heading
 * (leads, records, admin, me); `count` names a key of GET /leads/counts shown beside it.
 * A link is shown only to the roles its route allows.
 * @typedef {{group: string, href: string, label: string, count?: string, primary?: boolean}} NavLink
 */

/**
 * What the shell offers every screen.
 * @typedef {object} App
 * @property {(href: string, options?: {replace?: boolean}) => void} navigate  go to a
 *   "#/…" link (a new history entry unless `replace`)
 * @property {(path: string, query?: Record<string, string|undefined|null>) => string} href
 *   build a "#/…" link
 * @property {(message: string, kind?: string) => void} toast
 * @property {(counts: Record<string, number>) => void} setCounts  the box counts in the nav
 * @property {() => void} refreshShell  re-draw the top bar and nav (after the user changed)
 * @property {(language: string) => void} setLanguage  switch the UI to "th" or "en" (the
 *   screen is mounted again in it)
 */

export {};
