// @ts-check
// Same-origin calls to the public API. The token lives in sessionStorage (per tab, gone when
// the tab closes); a 401 on an authenticated call ends the session.

import { lang } from "./i18n.js";

const TOKEN_KEY = "tidtam.token";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.code;
    this.fields = (body && Array.isArray(body.fields)) ? body.fields : [];
    this.serverMessage = body && typeof body.message === "string" ? body.message : null;
  }
}

/** fetch() itself failed: the server is down or the network is gone. */
export class NetworkError extends Error {}

let onUnauthorized = () => {};
export const setUnauthorizedHandler = (fn) => { onUnauthorized = fn; };

export const getToken = () => {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch { return null; }
};
export const setToken = (token) => {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: the session lasts until reload */ }
};

async function readBody(res) {
  if (res.status === 204) return null;
  const type = res.headers.get("content-type") || "";
  if (type.includes("json")) {
    try { return await res.json(); } catch { return null; }
  }
  const text = await res.text();
  return text ? { message: text.slice(0, 300) } : null;
}

/**
 * api("/api/v1/leads", {query: {box: "inbox"}}) → parsed JSON.
 * Options: method, query (object; empty values dropped), json (body), form (urlencoded body),
 * bytes (a Blob sent as it is, with its own type: an uploaded image), blob (answer as a Blob:
 * a PDF, an image).
 * @param {string} path
 * @param {{method?: string, query?: Record<string, any>, json?: any,
 *          form?: Record<string, string>, headers?: Record<string, string>,
 *          bytes?: Blob, blob?: boolean}} [options]
 * @returns {Promise<any>}
 */
export async function api(path, { method = "GET", query, json, form, headers: extra, bytes, blob } = {}) {
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
    }
    const qs = params.toString();
    if (qs) url += "?" + qs;
  }
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json", "Accept-Language": lang(), ...extra };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form) {
    body = new URLSearchParams(form);
  } else if (bytes) {
    headers["Content-Type"] = bytes.type || "application/octet-stream";
    body = bytes;
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: "same-origin" });
  } catch (err) {
    throw new NetworkError(String(err));
  }
  if (blob && res.ok) return await res.blob();
  const data = await readBody(res);
  if (res.status === 401 && token) {
    setToken(null);
    onUnauthorized();
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** A fresh Idempotency-Key for a POST that creates or changes many (a retry sends the same). */
export function idempotencyKey() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // not a secure context: no randomUUID
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A form's POST that creates (or acts): every submit carries an Idempotency-Key, the same one
 * while the same path, query and body go again (a double click, a retry after a lost answer),
 * so the server makes one record and answers the repeat with it; a new key once a submit
 * succeeded or the body changed (the server refuses a key reused with another body).
 * const create = creator(); … await create("/api/v1/leads", body)
 * @returns {(path: string, json?: any, query?: Record<string, any>) => Promise<any>}
 */
export function creator() {
  let key = "";
  let sent = "";
  return async (path, json = {}, query = undefined) => {
    const what = JSON.stringify([path, query ?? null, json]);
    if (!key || what !== sent) { key = idempotencyKey(); sent = what; }
    const mine = key;
    const made = await api(path, { method: "POST", json, query, headers: { "Idempotency-Key": mine } });
    if (key === mine) key = "";
    return made;
  };
}

/** A list endpoint may answer a bare list or a page {items: [...]}: always give the list. */
export const asList = (data) =>
  Array.isArray(data) ? data : (data && Array.isArray(data.items) ? data.items : []);
