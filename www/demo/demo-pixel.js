// Stand-in for a third-party advertising pixel in the Sealbook demo, gated
// behind the "marketing" category and loaded from another origin. Global
// Privacy Control keeps it out without asking.
(() => {
  const id = Math.random().toString(36).slice(2);
  document.cookie = `_demo_ads_id=${id}; Path=/; Max-Age=${90 * 24 * 3600}; SameSite=Lax`;
  const said = {
    fr: "Pixel publicitaire chargé : cookie _demo_ads_id posé.",
    de: "Werbe-Pixel geladen: Cookie _demo_ads_id gesetzt.",
    en: "Advertising pixel loaded: cookie _demo_ads_id set.",
  };
  const status = document.getElementById("demo-status");
  if (status) {
    const item = document.createElement("li");
    item.textContent = said[document.documentElement.lang] || said.en;
    status.append(item);
  }
})();
