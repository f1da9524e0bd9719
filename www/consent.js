/*
 * Sealbook consent layer (DESIGN §6): the host site's cookie banner, its stored
 * choice, and the gate for the host's optional scripts. The build puts this file
 * in front of the loader in embed.js, so one script tag (and one integrity hash)
 * brings both, and the banner needs nothing but this script and the business's
 * public profile (and, in a language other than English, its texts in that
 * language, fetched at the same time): it is up before the booking form's wasm
 * is even requested.
 *
 * Host page contract:
 *   <script type="text/plain" data-category="analytics" data-src="https://…"></script>
 *     runs only once "analytics" is granted (inline code too); other elements
 *     with data-category and data-src (iframe, img) get their src then.
 *   <iframe data-category="marketing" data-service="YouTube" data-src="https://…"></iframe>
 *     (or a div that a gated script fills) shows a placeholder in the visitor's
 *     language until "marketing" or that one service (declared by that name in
 *     the notice) is allowed; its button allows the service alone, recorded.
 *   data-consent="external"   no banner; the host's own CMP calls Sealbook.consent.set({...}).
 *   data-consent-mode="google" Google Consent Mode v2 defaults (all denied), updated on choice.
 *   data-consent-reopen="none" no floating "Cookie settings" button (call Sealbook.consent.show()).
  data-cookie-domain="example.com" the choice's cookie is shared with every subdomain of that
    domain (the page's own domain or a parent of it, not a public suffix), else host-only.
 *   window "sealbook:consent" event on every choice; detail = Sealbook.consent.get().
 *   Gated elements the page adds later (its own scripts, a tag manager) are gated the same way.
 *   --sealbook-{accent,accent-text,text,muted,background,border,radius,font} on the page
 *   theme the banner as they theme the booking form.
 */
(() => {
  "use strict";

  const script =
    document.currentScript ||
    document.querySelector('script[src$="embed.js"][data-business]:not([data-sealbook-mounted])');
  if (!script || !script.src) return;
  const sealbook = (window.Sealbook = window.Sealbook || {});
  // One consent layer per page, however many booking forms it embeds.
  if (sealbook.consent) return;

  const COOKIE = "sealbook_consent";
  // DESIGN §6.6: ask again after at most six months.
  const MAX_AGE_SECONDS = 183 * 24 * 60 * 60;
  const OPTIONAL = ["preferences", "analytics", "marketing"];
  // Global Privacy Control refuses sale/sharing, which is what marketing cookies do.
  const GPC_REFUSES = ["marketing"];
  // Suffixes under which anyone can register a name: a cookie for one of them
  // would reach every other site under it. Browsers refuse those by the full
  // Public Suffix List; this short list lets the common ones fall back to a
  // host-only cookie with a warning instead of leaving the choice unstored.
  const PUBLIC_SUFFIXES =
    "co.uk org.uk me.uk ltd.uk plc.uk net.uk ac.uk gov.uk com.au net.au org.au edu.au gov.au co.nz net.nz org.nz co.za co.jp ne.jp or.jp co.kr co.in net.in org.in com.br net.br com.mx com.ar com.cn net.cn org.cn com.tw com.hk com.sg com.tr com.pl net.pl org.pl co.at or.at co.il com.es org.es com.pt com.gr com.ru com.ua co.id com.my com.ph com.vn github.io gitlab.io netlify.app vercel.app pages.dev herokuapp.com blogspot.com appspot.com azurewebsites.net cloudfront.net".split(
      " ",
    );

  // Filled in by the build (scripts/inline-texts.js) from i18n/<lang>.json:
  // every language code, English first, and the banner's English texts, shown
  // at once in English. Another language's come from the server (the business's
  // own laid over the translation's), fetched beside the notice; English fills
  // any text they lack.
  const LANGUAGES = "@I18N_LANGUAGES@";
  const ENGLISH = "@I18N_BANNER_EN@";

  // The page's --sealbook-* custom properties reach through `all: initial`
  // (custom properties are not reset by it), so the banner takes the site's colours.
  const CSS = `
:host {
  all: initial;
  --a: var(--sealbook-accent, #0b5cad); --at: var(--sealbook-accent-text, #ffffff);
  --t: var(--sealbook-text, #1b1b1f); --m: var(--sealbook-muted, #4a4a55);
  --bg: var(--sealbook-background, #ffffff); --b: var(--sealbook-border, #767680);
  --r: var(--sealbook-radius, 6px);
}
dialog {
  box-sizing: border-box; width: min(40rem, calc(100vw - 1rem)); max-height: calc(100vh - 1rem);
  margin: auto auto 0.5rem; padding: 1.25rem; overflow: auto;
  font: 16px/1.45 var(--sealbook-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  color: var(--t); background: var(--bg); border: 2px solid var(--t); border-radius: calc(var(--r) + 2px);
  overflow-wrap: anywhere;
}
dialog::backdrop { background: rgba(0, 0, 0, 0.35); }
dialog *, dialog *::before, dialog *::after { box-sizing: border-box; }
h2 { margin: 0 0 0.5rem; font-size: 1.2em; line-height: 1.25; }
h2:focus { outline: none; }
p { margin: 0 0 0.75rem; }
a { color: var(--a); }
.gpc { padding: 0.5rem 0.75rem; border-left: 4px solid var(--a); background: color-mix(in srgb, var(--a) 8%, var(--bg)); }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 1rem; }
button {
  flex: 1 1 10rem; min-height: 2.75rem; margin: 0; padding: 0.5rem 1rem; cursor: pointer;
  font: inherit; font-weight: 600; color: var(--at); background: var(--a);
  border: 2px solid var(--a); border-radius: var(--r);
}
button.quiet { color: var(--a); background: var(--bg); }
button:focus-visible, a:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid var(--t); outline-offset: 2px; }
.category { padding: 0.75rem 0; border-top: 1px solid var(--b); }
.category label { display: flex; gap: 0.75rem; align-items: center; font-weight: 600; }
.category input { width: 1.25rem; height: 1.25rem; margin: 0; accent-color: var(--a); }
.category p { margin: 0.25rem 0 0; color: var(--m); }
details { margin-top: 0.25rem; }
summary { cursor: pointer; color: var(--a); }
ul { margin: 0.25rem 0 0; padding-left: 1.25rem; }
li { margin: 0.25rem 0; }
li label { display: inline-flex; gap: 0.5rem; align-items: center; }
.embed {
  box-sizing: border-box; display: flex; flex-direction: column; justify-content: center; gap: 0.75rem;
  height: 100%; padding: 1rem; font: 16px/1.45 var(--sealbook-font, system-ui, sans-serif);
  color: var(--t); background: var(--bg); border: 2px dashed var(--b); border-radius: var(--r);
}
:host(sealbook-embed) { display: block; max-width: 100%; }
.embed p, .embed .gpc { margin: 0; }
.embed button { flex: none; align-self: flex-start; }
.reopen {
  position: fixed; left: 0.5rem; bottom: 0.5rem; z-index: 2147483646; flex: none; min-height: 2.75rem;
  padding: 0.4rem 0.8rem; font: 600 14px/1.2 var(--sealbook-font, system-ui, sans-serif);
}
.reopen svg { display: none; }
/* On a phone the control is a small round icon in the corner, not a label over the text. */
@media (max-width: 40rem) {
  .reopen { width: 2.75rem; height: 2.75rem; padding: 0; border-radius: 50%; }
  .reopen svg { display: block; width: 1.5rem; height: 1.5rem; margin: auto; fill: currentColor; }
  .reopen span { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
}
[hidden] { display: none !important; }
`;

  const data = script.dataset;
  // The language shown, and recorded with a choice: English if no text came in another.
  let language =
    [data.lang, document.documentElement.lang, ...(navigator.languages || [navigator.language])]
      .map((tag) => (tag || "").trim().toLowerCase().split(/[-_]/)[0])
      .find((code) => LANGUAGES.includes(code)) || "en";
  let text = ENGLISH;
  const external = data.consent === "external";
  const cookieDomain = sharedCookieDomain(data.cookieDomain);
  const business = (data.business || "").trim();
  let api = "";
  try {
    api = new URL(data.api || new URL(script.src, document.baseURI).origin, document.baseURI).origin;
  } catch (err) {
    // The loader reports a broken tag; the consent layer then stays closed.
  }

  if (data.consentMode === "google") {
    window.dataLayer = window.dataLayer || [];
    gtag("consent", "default", {
      ad_storage: "denied",
      ad_user_data: "denied",
      ad_personalization: "denied",
      analytics_storage: "denied",
      wait_for_update: 500,
    });
  }

  const gpc = navigator.globalPrivacyControl === true;
  let notice = null;
  let choice = null;
  let host = null;
  let dialog = null;
  let reopen = null;
  let returnFocus = null;
  // The settings dialog's per-service boxes: [category id, service name, checkbox].
  const serviceBoxes = [];
  let sheet = null;
  let activation = Promise.resolve();
  // Watches for gated elements added later, from the first choice on.
  let observer = null;
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));

  sealbook.consent = Object.freeze({
    /** The current choice (a copy), or null before the visitor chose. */
    get: () => (choice ? publicChoice(choice) : null),
    /** Opens the cookie choices (the reopen control does the same). */
    show: () => {
      if (notice && !external) ready.then(() => open(choice ? "settings" : "banner"));
    },
    /** For data-consent="external": the host's CMP reports `{category: boolean}`. */
    set: (granted) => {
      if (!external || !granted || typeof granted !== "object") return false;
      const categories = notice ? optionalCategories() : OPTIONAL;
      const chosen = categories.filter((id) => granted[id] === true && !refusedByGpc(id));
      apply(decide(chosen, "custom"), { record: false, store: false });
      return true;
    },
    /** Resolves once the banner is up or a stored choice applied (the loader waits for it). */
    ready,
  });

  if (external || !business || !api) {
    markReady();
    return;
  }
  const base = `${api}/api/v1/businesses/${encodeURIComponent(business)}`;
  // Both requests leave before either answer is awaited: a banner in another
  // language waits for the slower of the two, not for one after the other.
  const profileLoaded = getJson(`${base}/profile`);
  const translated = language === "en" ? null : bannerTexts();
  profileLoaded
    .then(async (profile) => {
      notice = profile && profile.consent ? profile.consent : null;
      if (!notice) return;
      // In English, only a business that replaced some texts has any to fetch.
      const own = Array.isArray(profile.own_texts) && profile.own_texts.includes("en/banner");
      const fetching = translated || (own ? bannerTexts() : null);
      if (fetching) {
        const fetched = await fetching;
        if (fetched) text = fetched;
        else language = "en";
      }
      const stored = readCookie();
      if (stored) {
        apply(stored, { record: false, store: false });
      } else if (optionalCategories().length === 0) {
        // Nothing optional to ask about: no banner, no cookie, no record (the
        // visitor chose nothing); the notice stays readable behind the reopen control.
        apply(decide([], "none"), { record: false, store: false });
      } else if (optionalCategories().every(refusedByGpc)) {
        // Nothing left to ask: GPC has answered for every optional purpose.
        apply(decide([], "gpc"), { record: true, store: true });
      } else {
        whenBody(() => open("banner"));
        // Behind the banner, embeds already say what they are.
        activation = activation.then(whenParsed).then(() => placehold({ granted: [], services: [] }));
        return;
      }
      whenBody(showReopen);
    })
    .catch((err) => console.error("sealbook: cannot load the consent notice", err))
    .finally(() => whenBody(markReady));

  /** The JSON at `url`, or null for an error status; rejects on a network failure. */
  function getJson(url) {
    return fetch(url, { credentials: "omit", headers: { Accept: "application/json" } }).then((response) =>
      response.ok ? response.json() : null,
    );
  }

  /**
   * The banner's texts in `language` from the server, each one it lacks in
   * English, with a warning; null (all English) when none came. Never rejects:
   * a missing translation must not keep the banner from showing.
   */
  function bannerTexts() {
    return getJson(`${base}/texts/${language}/banner`)
      .catch(() => null)
      .then((body) => {
        const texts = (body && body.texts) || {};
        const merged = {};
        const missing = Object.keys(ENGLISH).filter((key) => {
          const given = typeof texts[key] === "string" && texts[key] !== "";
          merged[key] = given ? texts[key] : ENGLISH[key];
          return !given;
        });
        if (missing.length === Object.keys(ENGLISH).length) {
          console.warn(`sealbook: cannot load the banner's texts in "${language}"; it is shown in Sealbook's English`);
          return null;
        }
        if (missing.length) {
          console.warn(`sealbook: the banner texts in "${language}" lack ${missing.join(", ")}; shown in English`);
        }
        return merged;
      });
  }

  function optionalCategories() {
    return (notice.categories || []).map((category) => category.id).filter((id) => OPTIONAL.includes(id));
  }

  function refusedByGpc(id) {
    return gpc && GPC_REFUSES.includes(id);
  }

  /**
   * A choice from the categories granted and the services allowed on their own
   * (only those of refused categories count, never one GPC refuses); the action
   * says how it was made.
   */
  function decide(granted, action, services = []) {
    const all = notice ? optionalCategories() : OPTIONAL;
    const refused = all.filter((id) => !granted.includes(id));
    if (action !== "withdraw" && refused.some(refusedByGpc)) action = "gpc";
    services = allowable(services, refused);
    const now = Math.floor(Date.now() / 1000);
    return {
      // Under an external CMP there is no record here for an id to point to.
      id: external ? null : choice ? choice.id : randomId(),
      version: notice ? notice.version : null,
      granted: all.filter((id) => granted.includes(id)),
      refused,
      services,
      action,
      time: now,
      expires: now + MAX_AGE_SECONDS,
    };
  }

  /**
   * The names in `services` that may be allowed on their own when `refused`
   * are the refused categories: declared, each once, of a refused category,
   * never one GPC refuses.
   */
  function allowable(services, refused) {
    return services.filter((name, index) => {
      const found = serviceNamed(name);
      return found && services.indexOf(name) === index && refused.includes(found.category) && !refusedByGpc(found.category);
    });
  }

  function publicChoice(c) {
    return {
      id: c.id,
      version: c.version,
      granted: c.granted.slice(),
      refused: c.refused.slice(),
      services: c.services.slice(),
      action: c.action,
      expires: c.expires,
    };
  }

  /** Makes `next` the current choice: cookies, scripts, Consent Mode, event, record. */
  function apply(next, { record, store }) {
    const previous = choice;
    choice = next;
    if (previous) takenBack(previous, next).forEach(deleteCookiesOf);
    if (store) writeCookie(next);
    if (data.consentMode === "google") {
      const ads = next.granted.includes("marketing") ? "granted" : "denied";
      gtag("consent", "update", {
        ad_storage: ads,
        ad_user_data: ads,
        ad_personalization: ads,
        analytics_storage: next.granted.includes("analytics") ? "granted" : "denied",
      });
    }
    activation = activation.then(whenParsed).then(() => activateGated(next));
    watchLateElements();
    if (record) sendRecord(next);
    window.dispatchEvent(new CustomEvent("sealbook:consent", { detail: publicChoice(next) }));
  }

  /**
   * Gated elements the page adds after the choice (its own code, a tag manager)
   * run or load when their category is granted, like those it was parsed with;
   * the others stay inert. Elements this layer activates carry
   * data-sealbook-activated, so they do not wake the observer again.
   */
  function watchLateElements() {
    if (observer || !window.MutationObserver) return;
    const pending = "[data-category]:not([data-sealbook-activated])";
    observer = new MutationObserver((mutations) => {
      const gated = mutations.some((mutation) =>
        Array.from(mutation.addedNodes).some(
          (node) => node.nodeType === 1 && (node.matches(pending) || node.querySelector(pending)),
        ),
      );
      if (gated) activation = activation.then(() => activateGated(choice));
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
  }

  /**
   * Runs the gated elements `c` allows once each, in document order; the
   * embeds it does not allow get their placeholder.
   */
  async function activateGated(c) {
    for (const element of document.querySelectorAll("[data-category]")) {
      if (element.hasAttribute("data-sealbook-activated")) continue;
      if (!allows(c, element.getAttribute("data-category"), element.dataset.service)) continue;
      element.setAttribute("data-sealbook-activated", "");
      if (element.tagName !== "SCRIPT") {
        if (element.dataset.src) element.setAttribute("src", element.dataset.src);
        unplace(element);
        continue;
      }
      if (element.type !== "text/plain") continue;
      const runnable = document.createElement("script");
      for (const { name, value } of Array.from(element.attributes)) {
        if (!["type", "data-src", "data-sealbook-activated"].includes(name)) runnable.setAttribute(name, value);
      }
      if (element.dataset.scriptType) runnable.type = element.dataset.scriptType;
      runnable.nonce = element.nonce;
      runnable.setAttribute("data-sealbook-activated", "");
      if (element.dataset.src) {
        // The next one waits, so that scripts run in document order (bounded wait).
        const loaded = new Promise((resolve) => {
          runnable.onload = runnable.onerror = resolve;
          setTimeout(resolve, 10000);
        });
        runnable.src = element.dataset.src;
        element.replaceWith(runnable);
        await loaded;
      } else {
        runnable.text = element.text;
        element.replaceWith(runnable);
      }
    }
    placehold(c);
  }

  /** Whether choice `c` allows `category`, or the declared service `name` of it on its own. */
  function allows(c, category, name) {
    const found = name && c.services.includes(name) && serviceNamed(name);
    return category === "necessary" || c.granted.includes(category) || (!!found && found.category === category);
  }

  /** The notice's service called `name`, and its category's id. */
  function serviceNamed(name) {
    for (const category of (notice && notice.categories) || []) {
      const service = (category.services || []).find((s) => s.name === name);
      if (service) return { service, category: category.id };
    }
    return null;
  }

  /** The notice's services (objects) that choice `c` allows. */
  function allowedServices(c) {
    return ((notice && notice.categories) || []).flatMap((category) =>
      (category.services || []).filter((service) => allows(c, category.id, service.name)),
    );
  }

  /** The services `previous` allowed and `next` no longer does. */
  function takenBack(previous, next) {
    const still = allowedServices(next);
    return allowedServices(previous).filter((service) => !still.includes(service));
  }

  /** Whether going from `previous` to `next` takes back anything granted or allowed. */
  function withdraws(previous, next) {
    return previous.granted.some((id) => !next.granted.includes(id)) || takenBack(previous, next).length > 0;
  }

  /**
   * Each embed (a gated element with data-service, not a script) that `c`
   * does not allow stays empty behind a placeholder, in a shadow root of its
   * own so the page's styles reach neither: what it is, who would set
   * cookies, and a button that allows that service alone.
   */
  function placehold(c) {
    if (external || !notice) return;
    for (const element of document.querySelectorAll("[data-category][data-service]:not(script)")) {
      const name = element.dataset.service;
      const category = element.getAttribute("data-category");
      if (allows(c, category, name)) continue;
      if (element.hasAttribute("data-sealbook-activated")) {
        // Withdrawn: the embed is unloaded (a box loses what its script put in
        // it), and waits again, even one the page keeps hidden.
        element.removeAttribute("data-sealbook-activated");
        element.removeAttribute("src");
        if (element.tagName !== "IFRAME") element.replaceChildren();
      }
      if (element.sealbookPlaceholder || element.hidden) continue;
      const found = serviceNamed(name);
      if (!found) console.warn(`sealbook: data-service="${name}" is not a service of the consent notice`);
      // Replacer functions: a "$" in a name is a character, not a pattern.
      const fill = (template) =>
        template.replaceAll("{s}", () => name).replaceAll("{p}", () => (found ? found.service.provider : name));
      const action = refusedByGpc(category)
        ? el("p", { class: "gpc" }, text.gpc)
        : found && found.category === category
          ? button("", "", fill(text.load), () => allowService(name, element))
          : button("", "quiet", text.reopen, () => open(choice ? "settings" : "banner"));
      const placeholder = document.createElement("sealbook-embed");
      for (const side of ["width", "height"]) {
        const size = element.getAttribute(side);
        if (size) placeholder.style[side === "width" ? "width" : "minHeight"] = /^\d+$/.test(size) ? `${size}px` : size;
      }
      styled(placeholder.attachShadow({ mode: "open" })).append(el("div", { class: "embed", lang: language }, el("p", {}, fill(text.embed)), action));
      element.sealbookPlaceholder = placeholder;
      element.hidden = true;
      element.before(placeholder);
    }
  }

  function unplace(element) {
    if (!element.sealbookPlaceholder) return;
    element.sealbookPlaceholder.remove();
    element.sealbookPlaceholder = null;
    element.hidden = false;
  }

  /** An embed's button: that service allowed on its own, recorded, and the focus on what it loaded. */
  function allowService(name, element) {
    const services = choice ? choice.services : [];
    apply(decide(choice ? choice.granted : [], "custom", [...services, name]), { record: true, store: true });
    activation = activation.then(() => {
      if (!element.isConnected) return;
      if (element.tagName !== "IFRAME" && !element.hasAttribute("tabindex")) element.tabIndex = -1;
      element.focus();
    });
  }

  /** Withdrawal: the declared cookies of the service go, on every domain they could be set for. */
  function deleteCookiesOf(service) {
    const present = document.cookie.split(";").map((pair) => pair.split("=")[0].trim()).filter(Boolean);
    const hostParts = location.hostname.split(".");
    const domains = [""];
    for (let i = 0; i < hostParts.length - 1; i++) domains.push(`; Domain=${hostParts.slice(i).join(".")}`);
    for (const cookie of service.cookies || []) {
      const pattern = cookie.name;
      // A trailing * names a family of cookies, e.g. _ga_*.
      const names = pattern.endsWith("*")
        ? present.filter((name) => name.startsWith(pattern.slice(0, -1)))
        : [pattern];
      for (const name of names) {
        for (const domain of domains) {
          document.cookie = `${name}=; Max-Age=0; Path=/${domain}`;
        }
      }
    }
  }

  function readCookie() {
    const pair = document.cookie.split(";").map((p) => p.trim()).find((p) => p.startsWith(COOKIE + "="));
    if (!pair) return null;
    try {
      const stored = JSON.parse(decodeURIComponent(pair.slice(COOKIE.length + 1)));
      const now = Math.floor(Date.now() / 1000);
      const categories = optionalCategories();
      // Choices stored before services could be allowed on their own have none.
      stored.services = stored.services || [];
      const valid =
        typeof stored.id === "string" &&
        stored.version === notice.version &&
        stored.expires > now &&
        stored.expires - stored.time <= MAX_AGE_SECONDS &&
        Array.isArray(stored.granted) &&
        // A category added to the notice since then must be asked about.
        categories.every((id) => stored.granted.includes(id) || stored.refused.includes(id)) &&
        // GPC switched on since then wins over an old grant.
        !stored.granted.some(refusedByGpc) &&
        Array.isArray(stored.services) &&
        stored.services.length ===
          allowable(
            stored.services,
            categories.filter((id) => !stored.granted.includes(id)),
          ).length;
      return valid ? stored : null;
    } catch (err) {
      return null;
    }
  }

  function writeCookie(c) {
    const value = encodeURIComponent(JSON.stringify(c));
    const secure = location.protocol === "https:" ? "; Secure" : "";
    const cookie = `${COOKIE}=${value}; Max-Age=${c.expires - c.time}; Path=/; SameSite=Lax${secure}`;
    if (cookieDomain) {
      // A host-only copy from before would shadow the shared one on this host.
      document.cookie = `${COOKIE}=; Max-Age=0; Path=/`;
      document.cookie = `${cookie}; Domain=${cookieDomain}`;
      if (document.cookie.split(";").some((pair) => pair.trim() === `${COOKIE}=${value}`)) return;
      // The browser's own list knows more public suffixes than ours.
      console.warn(`sealbook: the browser refused a cookie for ${cookieDomain}; the choice is kept for this host only`);
    }
    document.cookie = cookie;
  }

  /**
   * The Domain for the choice's cookie from data-cookie-domain, or "" for a
   * host-only cookie: only the page's own host or a parent of it, never a
   * single label, a public suffix of our list or an IP address.
   */
  function sharedCookieDomain(wanted) {
    if (!wanted) return "";
    const domain = wanted.trim().toLowerCase().replace(/^\./, "");
    const hostname = location.hostname.toLowerCase();
    const fits =
      (hostname === domain || hostname.endsWith(`.${domain}`)) &&
      domain.includes(".") &&
      !PUBLIC_SUFFIXES.includes(domain) &&
      !/^[\d.]+$|:/.test(hostname);
    if (!fits) {
      console.warn(`sealbook: data-cookie-domain="${wanted}" is not this page's domain or a parent of it (or is a public suffix); the choice is kept for this host only`);
    }
    return fits ? domain : "";
  }

  async function sendRecord(c) {
    let noticeHash;
    try {
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(noticeText()));
      noticeHash = base64url(new Uint8Array(digest));
    } catch (err) {
      console.error("sealbook: cannot hash the notice (no secure context?); the choice is not recorded", err);
      return;
    }
    const body = JSON.stringify({
      consent_id: c.id,
      notice_version: c.version,
      language,
      granted: c.granted,
      refused: c.refused,
      services: c.services,
      action: c.action,
      notice_hash: noticeHash,
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const response = await fetch(`${api}/api/v1/businesses/${encodeURIComponent(business)}/consents`, {
          method: "POST",
          credentials: "omit",
          keepalive: true,
          headers: { "Content-Type": "application/json" },
          body,
        });
        if (response.ok || response.status < 500) return;
      } catch (err) {
        // Network trouble: one more try, then the choice stands unrecorded.
      }
    }
  }

  /**
   * The notice exactly as shown, in the texts the banner was opened with (a
   * fetched text, or English where none came): what the record's hash proves.
   */
  function noticeText() {
    if (!dialog) render();
    return dialog.textContent.replace(/\s+/g, " ").trim();
  }

  function render() {
    host = document.createElement("sealbook-consent");
    const shadow = styled(host.attachShadow({ mode: "open" }));
    const policy = link(notice.privacy_policy, text.policy, "sbc-policy");
    const gpcNote = gpc ? el("p", { class: "gpc" }, text.gpc) : null;
    const banner = el(
      "section",
      { id: "sbc-banner" },
      el("h2", { id: "sbc-title", tabindex: "-1" }, text.title),
      el("p", {}, text.intro, " ", policy),
      gpcNote,
      el(
        "div",
        { class: "actions" },
        button("sbc-accept", "", text.accept, () => choose("accept_all")),
        button("sbc-reject", "", text.reject, () => choose("reject_all")),
        button("sbc-settings", "quiet", text.settings, () => view("settings")),
      ),
    );
    const categories = (notice.categories || []).map((category) => {
      const optional = category.id !== "necessary";
      const locked = !optional || refusedByGpc(category.id);
      const toggle = el("input", {
        type: "checkbox",
        role: "switch",
        id: `sbc-cat-${category.id}`,
        "aria-describedby": `sbc-desc-${category.id}`,
      });
      toggle.checked = !optional;
      toggle.disabled = locked;
      const services = (category.services || []).map((service) => {
        // Each service of an optional category may be allowed on its own.
        const box = optional ? el("input", { type: "checkbox" }) : null;
        if (box) {
          box.disabled = locked;
          box.addEventListener("change", () => box.checked || (toggle.checked = false));
          serviceBoxes.push([category.id, service.name, box]);
        }
        return el(
          "li",
          {},
          el("label", {}, box, el("strong", {}, service.name)),
          ` — ${text.provider}: ${service.provider}. ${localized(service.purpose)}`,
          service.cookies && service.cookies.length
            ? ` ${text.cookies}: ${service.cookies.map((c) => `${c.name} (${c.duration})`).join(", ")}.`
            : "",
          service.privacy_policy
            ? el("span", {}, " ", link(service.privacy_policy, `${text.policy} (${service.name})`))
            : null,
        );
      });
      toggle.addEventListener("change", () => {
        for (const [id, , box] of serviceBoxes) if (id === category.id) box.checked = toggle.checked;
      });
      return el(
        "div",
        { class: "category" },
        el("label", {}, toggle, `${text[category.id] || category.id}${optional ? "" : ` — ${text.always}`}`),
        el("p", { id: `sbc-desc-${category.id}` }, localized(category.description)),
        services.length ? el("details", {}, el("summary", {}, `${text.services} (${services.length})`), el("ul", {}, ...services)) : null,
      );
    });
    const settings = el(
      "section",
      { id: "sbc-choices", hidden: "" },
      el("h2", { id: "sbc-choices-title", tabindex: "-1" }, text.choices),
      el("p", {}, link(notice.privacy_policy, text.policy)),
      gpcNote ? gpcNote.cloneNode(true) : null,
      ...categories,
      el(
        "div",
        { class: "actions" },
        button("sbc-accept-2", "", text.accept, () => choose("accept_all")),
        button("sbc-reject-2", "", text.reject, () => choose("reject_all")),
        button("sbc-save", "quiet", text.save, () => choose("custom")),
      ),
    );
    dialog = el("dialog", { "aria-labelledby": "sbc-title", lang: language }, banner, settings);
    // Esc is a refusal of the optional purposes (DESIGN §6.11), never a consent.
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      choose("reject_all");
    });
    dialog.addEventListener("close", () => {
      if (!choice) choose("reject_all");
    });
    dialog.addEventListener("keydown", trapTab);
    // The label stays the button's name; a phone shows the icon instead (CSS above).
    reopen = button("sbc-reopen", "quiet reopen", el("span", {}, text.reopen), () =>
      open(choice ? "settings" : "banner"),
    );
    reopen.prepend(cookieIcon());
    reopen.lang = language;
    reopen.hidden = true;
    shadow.append(dialog, reopen);
    if (data.consentReopen === "none") reopen.remove();
  }

  function open(which) {
    if (!dialog) render();
    if (!host.isConnected) document.body.append(host);
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
      setInert(true);
    }
    reopen.hidden = true;
    view(which);
    if (which === "banner") performance.mark("sealbook:consent-banner");
  }

  function view(which) {
    const settings = which === "settings";
    const shadow = host.shadowRoot;
    shadow.getElementById("sbc-banner").hidden = settings;
    shadow.getElementById("sbc-choices").hidden = !settings;
    dialog.setAttribute("aria-labelledby", settings ? "sbc-choices-title" : "sbc-title");
    if (settings) {
      for (const id of optionalCategories()) {
        const toggle = shadow.getElementById(`sbc-cat-${id}`);
        if (toggle) toggle.checked = !!choice && choice.granted.includes(id);
      }
      for (const [id, name, box] of serviceBoxes) box.checked = !!choice && allows(choice, id, name);
    }
    shadow.getElementById(settings ? "sbc-choices-title" : "sbc-title").focus();
  }

  function choose(how) {
    let granted;
    if (how === "accept_all") granted = optionalCategories().filter((id) => !refusedByGpc(id));
    else if (how === "reject_all") granted = [];
    else granted = optionalCategories().filter((id) => host.shadowRoot.getElementById(`sbc-cat-${id}`).checked);
    const services =
      how === "custom" ? serviceBoxes.filter(([id, , box]) => box.checked && !granted.includes(id)).map(([, name]) => name) : [];
    const next = decide(granted, how, services);
    if (choice && withdraws(choice, next)) next.action = "withdraw";
    apply(next, { record: true, store: true });
    close();
  }

  function close() {
    if (dialog && dialog.open) {
      setInert(false);
      dialog.close();
    }
    showReopen();
    const target = returnFocus && returnFocus.isConnected && returnFocus !== document.body ? returnFocus : null;
    if (target && typeof target.focus === "function") target.focus();
    else if (reopen && reopen.isConnected) reopen.focus();
  }

  function showReopen() {
    if (!dialog) render();
    if (!host.isConnected) document.body.append(host);
    if (reopen) reopen.hidden = false;
  }

  /** The page behind the modal dialog cannot be reached, by pointer or by keyboard. */
  function setInert(on) {
    for (const child of Array.from(document.body.children)) {
      if (child === host) continue;
      if (on && !child.inert) {
        child.inert = true;
        child.setAttribute("data-sealbook-inert", "");
      } else if (!on && child.hasAttribute("data-sealbook-inert")) {
        child.inert = false;
        child.removeAttribute("data-sealbook-inert");
      }
    }
  }

  /** Tab and Shift+Tab cycle inside the dialog. */
  function trapTab(event) {
    if (event.key !== "Tab") return;
    const focusable = Array.from(
      dialog.querySelectorAll("button, a[href], input:not([disabled]), summary"),
    ).filter((node) => !node.closest("[hidden]") && node.getClientRects().length > 0);
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = host.shadowRoot.activeElement;
    if (event.shiftKey && (active === first || !focusable.includes(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !focusable.includes(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  /** `shadow` with the layer's styles, one sheet shared by the dialog and every placeholder. */
  function styled(shadow) {
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
      }
      shadow.adoptedStyleSheets = [sheet];
    } catch (err) {
      shadow.append(el("style", {}, CSS));
    }
    return shadow;
  }

  /** A cookie, drawn without markup parsing (pages with Trusted Types allow no innerHTML). */
  function cookieIcon() {
    const SVG = "http://www.w3.org/2000/svg";
    const icon = document.createElementNS(SVG, "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    icon.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute(
      "d",
      "M12 2a10 10 0 1 0 10 10 4 4 0 0 1-5-5 4 4 0 0 1-5-5Zm-4 8a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3Zm5 5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3Zm-6 2a1 1 0 1 1 0 2 1 1 0 0 1 0-2Z",
    );
    icon.append(path);
    return icon;
  }

  function button(id, className, label, onClick) {
    const node = el("button", { type: "button", id, class: className }, label);
    node.addEventListener("click", onClick);
    return node;
  }

  /**
   * A link to `href` if it is https (http only to this machine), else the label
   * alone: the notice comes from the server, and a javascript: or data: link
   * from a hostile one would run as the host site.
   */
  function link(href, label, id = "") {
    let url;
    try {
      url = new URL(href);
    } catch (err) {
      // Not an absolute URL: no link.
    }
    const safe =
      url && (url.protocol === "https:" || (url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)));
    return safe ? el("a", { id, href: url.href, target: "_blank", rel: "noopener" }, label) : el("span", { id }, label);
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== "" || name === "hidden") node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined && child !== "") node.append(child);
    }
    return node;
  }

  function localized(texts) {
    return (texts && (texts[language] || texts.en || Object.values(texts)[0])) || "";
  }

  function gtag() {
    window.dataLayer.push(arguments);
  }

  function randomId() {
    return base64url(crypto.getRandomValues(new Uint8Array(16)));
  }

  function base64url(bytes) {
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /** Resolves once the whole document is parsed, so every gated element is known. */
  function whenParsed() {
    return new Promise((resolve) => {
      if (document.readyState !== "loading") resolve();
      else document.addEventListener("DOMContentLoaded", resolve, { once: true });
    });
  }

  function whenBody(then) {
    if (document.body) then();
    else document.addEventListener("DOMContentLoaded", then, { once: true });
  }
})();
