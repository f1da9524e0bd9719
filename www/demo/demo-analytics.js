// Stand-in for a third-party analytics script in the Sealbook demo. The demo
// pages gate it behind the "analytics" category and load it from another
// origin; once it runs it sets the cookie the notice declares and says so on
// the page, so a visitor can watch consent at work.
(() => {
  const id = Math.random().toString(36).slice(2);
  document.cookie = `_demo_stats=${id}; Path=/; Max-Age=${395 * 24 * 3600}; SameSite=Lax`;
  const said = {
    fr: "Script de statistiques chargé : cookie _demo_stats posé.",
    de: "Statistik-Skript geladen: Cookie _demo_stats gesetzt.",
    en: "Analytics script loaded: cookie _demo_stats set.",
  };
  const status = document.getElementById("demo-status");
  if (status) {
    const item = document.createElement("li");
    item.textContent = said[document.documentElement.lang] || said.en;
    status.append(item);
  }
})();
