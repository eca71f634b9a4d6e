// A tiny stand-in for the DOM, just enough for the UI's h() and forms, installed as globals
// (document, Node, setTimeout). Imported first by the node probes of tests/gateway/test_webui.py.
class Node {}
class Text extends Node { constructor(t) { super(); this.textContent = t; } }
export class El extends Node {
  constructor(tag) { super(); this.tagName = tag.toUpperCase(); this.children = []; this.attrs = {};
    this.dataset = {}; this.listeners = {}; this.value = ""; this.checked = false; this.hidden = false;
    this.disabled = false; }
  setAttribute(k, v) { this.attrs[k] = String(v); if (k === "hidden") this.hidden = true; }
  removeAttribute(k) { delete this.attrs[k]; }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  append(...c) { this.children.push(...c); }
  replaceChildren(...c) { this.children = c; }
  focus() { globalThis.focused = this; }
  get textContent() { return this.children.map((c) => c.textContent).join(""); }
  set textContent(t) { this.children = [new Text(t)]; }
  all() { return this.children.flatMap((c) => (c instanceof El ? [c, ...c.all()] : [])); }
  get elements() { return this.all().filter((e) => ["INPUT", "SELECT", "BUTTON", "TEXTAREA"].includes(e.tagName)); }
  querySelector(sel) { return this.all().find((e) => e.tagName === "BUTTON" && e.attrs.type === "submit"); }
  async fire(type) { for (const fn of this.listeners[type] || []) await fn({ preventDefault() {}, currentTarget: this }); }
}
globalThis.Node = Node;
globalThis.document = { createElement: (t) => new El(t), createTextNode: (t) => new Text(t) };
globalThis.setTimeout = (fn) => fn();
