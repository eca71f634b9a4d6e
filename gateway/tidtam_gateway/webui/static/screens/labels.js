// @ts-check
// #/labels: every user's own (personal) labels: add, rename, retire.

import { mountScope } from "./admin/labels.js";

/** @param {HTMLElement} root */
export const mount = (root) => mountScope("personal", root);
