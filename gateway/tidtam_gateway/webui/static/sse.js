// @ts-check
// The live unread count: server-sent events read with fetch(), reconnecting with back-off,
// and polling GET /notifications/unread-count while the stream keeps failing.
// Why not the browser's EventSource: it cannot send the Authorization header, and a token in
// the URL would be written to every proxy's access log. The stream's format is the same
// (WHATWG "event stream": event:, data:, retry:, comment lines), parsed here.

export const STREAM = "/api/v1/notifications/stream";
export const COUNT = "/api/v1/notifications/unread-count";
/** Failed connections in a row after which the count is polled until the stream is back. */
export const POLL_AFTER_FAILURES = 3;
export const POLL_MS = 30_000;
export const MAX_DELAY_MS = 60_000;

/** @typedef {{event: string, data: string}} SseEvent */

/**
 * The events complete in `buffer`, the server's `retry:` (ms) if it sent one, and the
 * incomplete rest to keep for the next chunk.
 * @param {string} buffer @returns {{events: SseEvent[], retry: number | null, rest: string}}
 */
export function parseSse(buffer) {
  const blocks = buffer.replace(/\r\n?/g, "\n").split("\n\n");
  const rest = blocks.pop() ?? "";
  /** @type {SseEvent[]} */
  const events = [];
  let retry = null;
  for (const block of blocks) {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue; // a comment: the server's keep-alive
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (name === "event") event = value;
      else if (name === "data") data.push(value);
      else if (name === "retry" && /^\d+$/.test(value)) retry = Number(value);
    }
    if (data.length) events.push({ event, data: data.join("\n") });
  }
  return { events, retry, rest };
}

/** The wait before reconnection number `failures` (0 = the first): `base` doubling, at
 * most MAX_DELAY_MS, times a jitter of 0.5–1 (`random` in [0, 1)) so that a restarted server
 * is not met by every browser at once. */
export function backoff(/** @type {number} */ failures, /** @type {number} */ base,
                        /** @type {number} */ random) {
  return Math.round(Math.min(MAX_DELAY_MS, base * 2 ** failures) * (0.5 + random / 2));
}

/**
 * @typedef {object} FeedOptions
 * @property {(count: number) => void} onCount  each unread count that arrives
 * @property {(mode: "live" | "polling" | "connecting") => void} [onMode]
 * @property {() => void} onUnauthorized  the token is no longer accepted
 * @property {() => string | null} token
 * @property {typeof fetch} [fetch]
 * @property {(fn: () => void, ms: number) => any} [schedule]
 * @property {(handle: any) => void} [cancel]
 * @property {() => number} [random]
 */

/** One signed-in user's unread count, live. start() once; stop() at sign-out. */
export class UnreadFeed {
  /** @param {FeedOptions} options */
  constructor(options) {
    this.o = options;
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.schedule = options.schedule ?? ((fn, ms) => setTimeout(fn, ms));
    this.cancel = options.cancel ?? ((handle) => clearTimeout(handle));
    this.random = options.random ?? Math.random;
    this.base = 1000; // the server's `retry:` replaces it
    this.failures = 0;
    this.stopped = false;
    this.polling = false;
    /** @type {AbortController | null} */
    this.abort = null;
    this.timer = null;
    this.pollTimer = null;
    /** @type {"live" | "polling" | "connecting"} */
    this.mode = "connecting";
  }

  start() { this.connect(); }

  stop() {
    this.stopped = true;
    this.abort?.abort();
    this.cancel(this.timer);
    this.cancel(this.pollTimer);
  }

  headers(/** @type {string} */ accept) {
    return { Accept: accept, Authorization: `Bearer ${this.o.token() ?? ""}` };
  }

  setMode(/** @type {"live" | "polling" | "connecting"} */ mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    this.o.onMode?.(mode);
  }

  async connect() {
    if (this.stopped) return;
    const abort = new AbortController();
    this.abort = abort;
    let res;
    try {
      res = await this.fetch(STREAM, { headers: this.headers("text/event-stream"),
                                       signal: abort.signal, cache: "no-store" });
    } catch { this.retryLater(); return; }
    if (res.status === 401) { this.stop(); this.o.onUnauthorized(); return; }
    if (!res.ok || !res.body) { this.retryLater(); return; }
    await this.read(res.body.getReader());
    this.retryLater(); // the stream ended or broke: connect again
  }

  /** @param {ReadableStreamDefaultReader<Uint8Array>} reader */
  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.stopped) return;
        const parsed = parseSse(buffer + decoder.decode(value, { stream: true }));
        buffer = parsed.rest;
        if (parsed.retry) this.base = parsed.retry;
        for (const { event, data } of parsed.events) {
          if (event !== "unread") continue;
          this.failures = 0; // the server answered: the next break starts the back-off again
          this.stopPolling();
          this.setMode("live");
          this.o.onCount(Number(JSON.parse(data).unread) || 0);
        }
      }
    } catch { /* the connection broke, or stop() aborted it */ }
  }

  retryLater() {
    if (this.stopped) return;
    const delay = backoff(this.failures, this.base, this.random());
    this.failures += 1;
    if (this.failures >= POLL_AFTER_FAILURES) this.startPolling();
    else if (!this.polling) this.setMode("connecting");
    this.timer = this.schedule(() => this.connect(), delay);
  }

  startPolling() {
    if (this.polling) return;
    this.polling = true;
    this.setMode("polling");
    this.poll();
  }

  stopPolling() {
    this.polling = false;
    this.cancel(this.pollTimer);
  }

  async poll() {
    if (!this.polling || this.stopped) return;
    try {
      const res = await this.fetch(COUNT, { headers: this.headers("application/json"), cache: "no-store" });
      if (res.status === 401) { this.stop(); this.o.onUnauthorized(); return; }
      if (res.ok && this.polling) this.o.onCount(Number((await res.json()).unread) || 0);
    } catch { /* still down: try again at the next poll */ }
    if (this.polling && !this.stopped) this.pollTimer = this.schedule(() => this.poll(), POLL_MS);
  }
}
