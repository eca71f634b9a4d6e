// @ts-check
// An image upload with a preview: a signature or the company's logo. The chosen file is shown
// before it is sent (read as a data: URL, which the page's CSP allows for images); after the
// upload the server's re-encoded image is shown. PNG or JPEG up to 1 MB (the server decides:
// 413 too large, 422 not an image or a decompression bomb).

import { api } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { errorText } from "../../errors.js";
import { addStrings, t } from "../../i18n.js";
import { toast } from "../../ui.js";

addStrings({
  th: {
    "img.choose": "เลือกไฟล์ภาพ (PNG หรือ JPEG ไม่เกิน 1 MB)", "img.upload": "อัปโหลด",
    "img.uploaded": "อัปโหลดแล้ว", "img.none": "ยังไม่มีภาพ", "img.chosen": "ภาพที่เลือก (ยังไม่ได้อัปโหลด)",
    "img.current": "ภาพปัจจุบัน", "img.tooBig": "ไฟล์ใหญ่เกิน 1 MB", "img.notImage": "เลือกไฟล์ PNG หรือ JPEG",
  },
  en: {
    "img.choose": "Choose an image (PNG or JPEG, at most 1 MB)", "img.upload": "Upload",
    "img.uploaded": "Uploaded", "img.none": "No image yet", "img.chosen": "The chosen image (not uploaded yet)",
    "img.current": "The current image", "img.tooBig": "The file is larger than 1 MB", "img.notImage": "Choose a PNG or JPEG file",
  },
});

const MAX = 1024 * 1024;

/** @param {Blob} blob @returns {Promise<string>} */
const dataUrl = (blob) => new Promise((resolve, reject) => {
  const reader = new FileReader();
  reader.onload = () => resolve(String(reader.result));
  reader.onerror = () => reject(reader.error);
  reader.readAsDataURL(blob);
});

/**
 * {wrap}: a file input, a preview and an Upload button. `path` takes the image (PUT, its
 * bytes) and answers it (GET) once there is one (`has`).
 * @param {{path: string, label: string, alt: string, has: boolean, uploaded?: (answer: any) => void}} spec
 */
export function imageUpload({ path, label, alt, has, uploaded }) {
  const id = nextId("img");
  const input = /** @type {HTMLInputElement} */ (h("input", { id, type: "file", accept: "image/png,image/jpeg",
                                                              "aria-describedby": `${id}-err` }));
  const preview = /** @type {HTMLImageElement} */ (h("img", { class: "img-preview", alt, hidden: true }));
  const caption = h("p", { class: "muted img-caption" }, t("img.none"));
  const error = h("p", { class: "field-error", id: `${id}-err`, role: "alert", hidden: true });
  const send = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "btn btn-primary", disabled: true }, t("img.upload")));
  const say = (/** @type {string} */ text) => { error.textContent = text; error.hidden = !text; };

  async function showServer() {
    try {
      preview.src = await dataUrl(await api(path, { blob: true }));
      preview.hidden = false;
      caption.textContent = t("img.current");
    } catch { /* none yet */ }
  }

  input.addEventListener("change", async () => {
    say("");
    const file = input.files && input.files[0];
    send.disabled = true;
    if (!file) return;
    if (!["image/png", "image/jpeg"].includes(file.type)) { say(t("img.notImage")); return; }
    if (file.size > MAX) { say(t("img.tooBig")); return; }
    preview.src = await dataUrl(file);
    preview.hidden = false;
    caption.textContent = t("img.chosen");
    send.disabled = false;
  });
  send.addEventListener("click", async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    send.disabled = true;
    say("");
    try {
      const answer = await api(path, { method: "PUT", bytes: file });
      toast(t("img.uploaded"));
      input.value = "";
      if (uploaded) uploaded(answer);
      await showServer();
    } catch (err) {
      say(errorText(err));
      send.disabled = false;
    }
  });
  if (has) showServer();
  return {
    wrap: h("div", { class: "field img-upload" },
      h("label", { for: id }, label), input, error,
      h("figure", { class: "img-figure" }, preview, h("figcaption", {}, caption)),
      h("div", {}, send)),
  };
}
