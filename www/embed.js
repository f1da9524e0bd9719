/*
 * Sealbook widget loader (DESIGN §3). Usage:
 *   <script src="https://book.example/widget/embed.js" async data-business="bistro-du-coin"
 *     data-keys="sha256:…,sha256:…" data-lang="fr" data-api="https://book.example"></script>
 * data-lang and data-api are optional (data-api defaults to this file's origin);
 * data-courier-keys pins the courier's keys when the business sends visitors a
 * confirmation and reminders (without it, the widget offers none);
 * data-form="none" puts no booking form on the page (the cookie banner only).
 * The consent layer (consent.js, which the build puts in front of this file)
 * reads the same tag.
 * Inserts <sealbook-widget> after the tag, with an open shadow root and scoped styles,
 * then loads and mounts the wasm widget from this file's directory. The loader sets no cookie,
 * writes no storage, contacts only the API and this file's origin. Theme with
 * --sealbook-{accent,accent-text,text,muted,background,border,error,radius,font,
 * font-size,max-width} on the element or an ancestor.
 */
(() => {
  "use strict";

  const TAG = "sealbook-widget";
  // `cargo xtask build-widget` replaces both names with ones that carry the
  // file's hash, so browsers may keep them for a year (xtask/src/delivery.rs).
  const GLUE = "sealbook_widget.js";
  const WASM = "sealbook_widget_bg.wasm";
  // Filled in by the build (Trunk.toml): the glue and the wasm run only if they
  // are the files this loader was built with, so a snippet whose `integrity`
  // pins this file pins the whole widget.
  const GLUE_SRI = "sha256-@GLUE_SHA256@";
  const WASM_SRI = "sha256-@WASM_SHA256@";
  // One wasm instance per page, however many tags: keyed by the glue's URL.
  const MODULES = Symbol.for("sealbook.widget.modules");

  // Filled in by the build (scripts/inline-texts.js) from i18n/<lang>.json: the
  // `loader` texts of every language, by code. They say that the booking form
  // cannot load, so they cannot be fetched: each language's travels in this file.
  const MESSAGES = "@I18N_LOADER@";

  const CSS = `
:host { all: initial; display: block; }
:host([hidden]) { display: none; }
.sb-root {
  --sb-accent: var(--sealbook-accent, #0b5cad);
  --sb-accent-text: var(--sealbook-accent-text, #ffffff);
  --sb-text: var(--sealbook-text, #1b1b1f);
  --sb-muted: var(--sealbook-muted, #4a4a55);
  --sb-bg: var(--sealbook-background, #ffffff);
  --sb-border: var(--sealbook-border, #767680);
  --sb-error: var(--sealbook-error, #b00020);
  --sb-radius: var(--sealbook-radius, 6px);
  box-sizing: border-box;
  max-width: var(--sealbook-max-width, 32rem);
  padding: 1rem;
  font-family: var(--sealbook-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  font-size: var(--sealbook-font-size, 16px);
  line-height: 1.45;
  color: var(--sb-text);
  background: var(--sb-bg);
  overflow-wrap: anywhere;
}
.sb-root *, .sb-root *::before, .sb-root *::after { box-sizing: inherit; }
.sb-heading { margin: 0 0 0.5rem; font-size: 1.25em; line-height: 1.25; }
.sb-intro { margin: 0 0 1rem; color: var(--sb-muted); font-size: 0.95em; }
.sb-form { display: grid; gap: 1rem; margin: 0; }
.sb-field { display: grid; gap: 0.25rem; min-width: 0; }
.sb-label { font-weight: 600; }
.sb-hint { margin: 0; color: var(--sb-muted); font-size: 0.875em; }
.sb-input {
  width: 100%; min-height: 2.75rem; margin: 0; padding: 0.5rem 0.625rem;
  font: inherit; color: inherit; background: var(--sb-bg);
  border: 1px solid var(--sb-border); border-radius: var(--sb-radius);
}
.sb-input[readonly], .sb-input:disabled { background: #f0f0f3; }
.sb-input[aria-invalid="true"] { border: 2px solid var(--sb-error); }
textarea.sb-input { min-height: 5rem; resize: vertical; }
.sb-field-error { margin: 0; color: var(--sb-error); font-size: 0.875em; font-weight: 600; }
.sb-check { grid-template-columns: auto 1fr; align-items: start; column-gap: 0.5rem; }
.sb-check input { width: 1.25rem; height: 1.25rem; margin: 0.15rem 0 0; }
.sb-check .sb-hint, .sb-check .sb-field-error { grid-column: 2; }
.sb-step { margin: 0; font-size: 1.1em; }
.sb-lead, .sb-month { margin: 0; font-weight: 600; }
.sb-summary, .sb-error {
  margin: 0; padding: 0.75rem; color: var(--sb-error); background: var(--sb-bg);
  border: 2px solid var(--sb-error); border-radius: var(--sb-radius); font-weight: 600;
}
.sb-nav, .sb-cal-head, .sb-slots { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.sb-cal-head { justify-content: space-between; }
.sb-submit, .sb-secondary, .sb-slot {
  min-height: 2.75rem; margin: 0; padding: 0.5rem 1.25rem; cursor: pointer;
  font: inherit; font-weight: 600; border: 2px solid var(--sb-accent); border-radius: var(--sb-radius);
}
.sb-submit { color: var(--sb-accent-text); background: var(--sb-accent); }
.sb-submit:disabled, .sb-secondary:disabled { cursor: default; opacity: 0.5; }
.sb-secondary, .sb-slot { color: var(--sb-accent); background: var(--sb-bg); }
a.sb-secondary { display: inline-flex; align-items: center; text-decoration: none; }
.sb-month-nav { min-width: 2.75rem; padding: 0.5rem; }
.sb-slots { margin: 0; padding: 0; list-style: none; }
.sb-cal { width: 100%; border-collapse: collapse; table-layout: fixed; text-align: center; }
.sb-cal th { padding: 0.25rem 0; color: var(--sb-muted); font-size: 0.8em; font-weight: 600; }
.sb-cal td { padding: 2px; }
.sb-day { height: 2.75rem; border-radius: var(--sb-radius); cursor: pointer; }
.sb-free { color: var(--sb-accent); font-weight: 700; border: 1px solid var(--sb-accent); }
.sb-off { color: var(--sb-muted); text-decoration: line-through; cursor: default; }
.sb-day[aria-selected="true"] { color: var(--sb-accent-text); background: var(--sb-accent); }
.sb-review { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 1rem; margin: 0; }
.sb-review dt { font-weight: 600; }
.sb-review dd { margin: 0; }
.sb-status { margin: 0; color: var(--sb-muted); }
.sb-sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.sb-result { display: grid; gap: 0.75rem; padding: 1rem; border: 2px solid var(--sb-accent); border-radius: var(--sb-radius); }
.sb-result p { margin: 0; }
.sb-reference { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
.sb-root :focus-visible, .sb-step:focus, .sb-error:focus { outline: 3px solid var(--sb-accent); outline-offset: 2px; }
.sb-load-error {
  margin: 0; padding: 0.75rem; color: #b00020; background: #ffffff;
  border: 2px solid #b00020; font: 16px/1.45 system-ui, sans-serif;
}
`;

  if (!customElements.get(TAG)) {
    customElements.define(TAG, class SealbookWidget extends HTMLElement {});
  }

  // A module or a deferred call has no currentScript: fall back to the first tag not yet mounted.
  const script =
    document.currentScript ||
    document.querySelector('script[src$="embed.js"][data-business]:not([data-sealbook-mounted])');
  if (!script || !script.src) {
    console.error("sealbook: cannot find the embed.js script tag");
    return;
  }
  script.setAttribute("data-sealbook-mounted", "");

  const data = script.dataset;
  // A page that only needs the cookie banner (the consent layer above) gets no form.
  if (data.form === "none") return;
  // Every language has loader texts, so MESSAGES names every language the widget speaks.
  const language = [data.lang, document.documentElement.lang, ...(navigator.languages || [navigator.language])]
    .map((tag) => (tag || "").trim().toLowerCase().split(/[-_]/)[0])
    .find((code) => Object.keys(MESSAGES).includes(code));
  const messages = MESSAGES[language || "en"];

  const host = document.createElement(TAG);
  const shadow = host.attachShadow({ mode: "open" });
  adoptStyles(shadow);
  if (document.head && document.head.contains(script)) {
    // An element in <head> would not render: put the widget at the end of <body>.
    whenBody(() => document.body.append(host));
  } else {
    script.after(host);
  }

  let scriptUrl;
  let api;
  try {
    scriptUrl = new URL(script.src, document.baseURI);
    api = new URL(data.api || scriptUrl.origin, document.baseURI).origin;
  } catch (err) {
    fail(messages.config, err);
    return;
  }
  const business = (data.business || "").trim();
  const kids = (list) => (list || "").split(",").map((kid) => kid.trim()).filter(Boolean);
  const keys = kids(data.keys);
  const courierKeys = kids(data.courierKeys);
  if (!business || keys.length === 0) {
    fail(messages.config, "data-business and data-keys are required");
    return;
  }

  const glueUrl = new URL(GLUE, scriptUrl).href;
  const wasmUrl = new URL(WASM, scriptUrl).href;
  // The consent banner first (budget: ≤ 10 KB brotli before it shows), then the form.
  const consentReady = (window.Sealbook && window.Sealbook.consent && window.Sealbook.consent.ready) || Promise.resolve();
  consentReady
    .then(() => load(glueUrl, wasmUrl))
    .then((glue) => glue.mount(shadow, { business, keys, courierKeys, lang: language || null, api }))
    .catch((err) => fail(messages.load, err));

  function load(glue, wasm) {
    const modules = window[MODULES] || (window[MODULES] = new Map());
    if (!modules.has(glue)) {
      // `import()` cannot check integrity, but it reuses the module a
      // modulepreload fetched and checked; a mismatch fails both.
      const checked = new Promise((resolve, reject) => {
        const link = document.createElement("link");
        link.rel = "modulepreload";
        link.href = glue;
        link.integrity = GLUE_SRI;
        link.onload = resolve;
        link.onerror = () => reject(new Error("integrity check failed for " + glue));
        (document.head || document.documentElement).append(link);
      });
      modules.set(
        glue,
        checked.then(() => import(glue)).then(async (module) => {
          await module.default({ module_or_path: fetch(wasm, { integrity: WASM_SRI }) });
          return module;
        }),
      );
    }
    return modules.get(glue);
  }

  function adoptStyles(root) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (err) {
      // No constructable stylesheets (older Safari): a <style> element does the same.
      const style = document.createElement("style");
      style.textContent = CSS;
      root.append(style);
    }
  }

  function whenBody(then) {
    if (document.body) {
      then();
    } else {
      document.addEventListener("DOMContentLoaded", then, { once: true });
    }
  }

  function fail(message, detail) {
    console.error("sealbook:", detail);
    for (const child of Array.from(shadow.children)) {
      if (child.tagName !== "STYLE") child.remove();
    }
    const notice = document.createElement("p");
    notice.className = "sb-load-error";
    notice.setAttribute("role", "alert");
    notice.textContent = message;
    shadow.append(notice);
  }
})();
