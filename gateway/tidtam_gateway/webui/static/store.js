// @ts-check
// The one store: who is signed in, the tenant's settings and the catalogues every screen
// names things from (pipelines and stages, people, sources, labels, reasons). Screens read
// `state`; whoever changes the user calls changed() so the shell re-draws what shows it.

import { api, asList } from "./api.js";

/** The seeded lead sources; the tenant's own ones come from GET /lead-sources. */
export const SOURCES = ["website", "facebook", "line", "email", "phone", "walk_in", "referral", "other"];

/**
 * @typedef {{id: string, name: string, email?: string, role: string, language?: string|null,
 *            team_id?: string|null, tenant_id?: string, must_change_password?: boolean}} Me
 * @typedef {{id: string, name: string, role?: string, active?: boolean}} Person
 * @typedef {{id: string, name: string, name_en?: string|null, position: number}} Stage
 * @typedef {{id: string, name: string, name_en?: string|null, stages: Stage[]}} Pipeline
 * @typedef {{id: string, name: string, color: string|null, scope: string, retired?: boolean}} Label
 * @typedef {{value: string, label_th: string, label_en: string}} CustomOption
 * @typedef {{key: string, label_th: string, label_en: string|null, type: string,
 *            options: CustomOption[], required: boolean, position: number}} CustomField
 */

export const state = {
  /** @type {Me | null} */
  me: null,
  /** @type {Record<string, any> | null} GET /settings (null until loaded or when refused) */
  settings: null,
  /** @type {Person[] | null} one page of GET /people; null when it failed */
  users: null,
  /** @type {Map<string, Person>} */
  userById: new Map(),
  /** @type {Pipeline[]} */
  pipelines: [],
  /** @type {Map<string, {stage: Stage, pipeline: Pipeline}>} */
  stageById: new Map(),
  /** @type {{key: string, name: string}[]} the tenant's extra sources beyond SOURCES */
  sources: [],
  /** @type {Label[]} system labels and my own */
  labels: [],
  /** @type {Record<string, string[]>} kind (lost|junk) → reasons */
  reasons: {},
  /** @type {CustomField[]} the tenant's custom fields of leads, in display order */
  leadFields: [],
  /** @type {{id: string, items: any[]} | null} the possible duplicates of the lead just made */
  createdDuplicates: null,
};

/** @type {Set<() => void>} */
const listeners = new Set();

/** Call `fn` whenever the signed-in user changes; returns the unsubscribe. */
export function onChange(/** @type {() => void} */ fn) {
  listeners.add(fn);
  return () => { listeners.delete(fn); };
}

/** Tell the listeners the user changed (a new name, language, sign-in or sign-out). */
export function changed() {
  for (const fn of listeners) fn();
}

/** @param {Me} me */
export function signIn(me) {
  state.me = me;
  changed();
}

/** Forget everything of the signed-in user. */
export function signOut() {
  Object.assign(state, { me: null, settings: null, users: null, userById: new Map(), pipelines: [],
                         stageById: new Map(), sources: [], labels: [], reasons: {}, leadFields: [],
                         createdDuplicates: null });
  changed();
}

/** Is the signed-in user one of `roles` (absent: anybody signed in)? */
export function hasRole(/** @type {string[] | undefined} */ roles) {
  return !!state.me && (!roles || roles.includes(state.me.role));
}

/** Pipelines, people, sources, labels and settings: each optional, the UI degrades without. */
export async function loadCatalogs() {
  const [pipelines, users, sources, labels, settings, leadFields] = await Promise.allSettled([
    api("/api/v1/pipelines"),
    api("/api/v1/people", { query: { limit: 200 } }),  // every role may name colleagues
    api("/api/v1/lead-sources"),
    api("/api/v1/labels"),
    api("/api/v1/settings"),
    api("/api/v1/custom-fields", { query: { entity: "lead" } }),
  ]);
  if (pipelines.status === "fulfilled") setPipelines(asList(pipelines.value));
  state.users = users.status === "fulfilled" ? asList(users.value) : null;
  state.userById = new Map((state.users || []).map((u) => [u.id, u]));
  if (sources.status === "fulfilled") {
    state.sources = asList(sources.value).filter((s) => s && s.key && !SOURCES.includes(s.key));
  }
  if (labels.status === "fulfilled") state.labels = asList(labels.value);
  state.settings = settings.status === "fulfilled" ? settings.value : null;
  if (leadFields.status === "fulfilled") state.leadFields = asList(leadFields.value);
}

/** Keep the pipelines with their stages in order, and the stage index. */
export function setPipelines(/** @type {Pipeline[]} */ pipelines) {
  state.pipelines = pipelines;
  state.stageById = new Map();
  for (const p of state.pipelines) {
    p.stages = [...(p.stages || [])].sort((a, b) => a.position - b.position);
    for (const s of p.stages) state.stageById.set(s.id, { stage: s, pipeline: p });
  }
}

/** Remember a person met outside the first page of GET /people (a search result). */
export function rememberPerson(/** @type {Person} */ person) {
  if (!state.userById.has(person.id)) state.userById.set(person.id, person);
}
