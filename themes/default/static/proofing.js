/*
 * sitegen default theme: proofing in client and unlisted galleries (partials/proofing.html).
 * Favourites are file names, kept in localStorage per gallery; the section builds a mailto: link
 * to the photographer and a copyable list. A Favourite button joins the lightbox's tools
 * (gallery.js) and follows the photo it shows. Every word comes from the section's data-*.
 */
(() => {
  "use strict";
  const box = document.querySelector("[data-proofing]");
  if (!box) return;
  const d = box.dataset;
  const files = JSON.parse(box.querySelector(".proof-files").textContent || "{}");
  const key = "sitegen-favourites:" + d.gallery;
  const load = () => {
    try {
      const list = JSON.parse(localStorage.getItem(key) || "[]");
      return Array.isArray(list) ? list.filter((n) => typeof n === "string") : [];
    } catch (e) {
      return [];
    }
  };
  let chosen = load();
  const toggles = []; // [button, () => page URL of the photo it marks]
  const path = (href) => new URL(href, location.href).pathname;

  function render() {
    const names = Object.values(files).filter((n) => chosen.includes(n));
    box.querySelector(".proof-count").textContent = d.count.replace("{count}", names.length);
    box.querySelector(".proof-list").value = names.join("\n");
    const send = box.querySelector(".proof-send");
    if (send) {
      send.hidden = !names.length;
      send.href = "mailto:" + d.email + "?subject=" + encodeURIComponent(d.subject) +
        "&body=" + encodeURIComponent(d.intro + "\n\n" + names.join("\n") + "\n");
    }
    for (const [button, url] of toggles) {
      const name = files[url()];
      button.hidden = !name;
      button.setAttribute("aria-pressed", String(!!name && chosen.includes(name)));
    }
  }

  function toggle(url) {
    const name = files[url];
    if (!name) return;
    chosen = load(); // another tab may have changed it
    chosen = chosen.includes(name) ? chosen.filter((n) => n !== name) : [...chosen, name];
    try {
      localStorage.setItem(key, JSON.stringify(chosen));
    } catch (e) {
      /* storage full or refused: the choice lasts as long as the page */
    }
    render();
  }

  function add(button, url) {
    toggles.push([button, url]);
    button.addEventListener("click", () => toggle(url()));
  }

  const own = box.querySelector(".proof-toggle");
  if (own) add(own, () => path(d.current));
  box.querySelector(".proof-copy").addEventListener("click", async (event) => {
    const list = box.querySelector(".proof-list");
    list.select();
    try {
      await navigator.clipboard.writeText(list.value);
      event.target.textContent = d.copied;
    } catch (e) {
      /* no clipboard access: the list is selected for Ctrl+C */
    }
  });

  // The lightbox is built by gallery.js on first use: add the button to its tools when it appears.
  function joinLightbox(dialog) {
    const tools = dialog.querySelector(".lb-tools");
    const link = dialog.querySelector(".lb-link");
    if (!tools || !link || tools.querySelector(".lb-fav")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "lb-button lb-fav";
    button.setAttribute("aria-label", d.label);
    button.title = d.favourite;
    button.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z"/></svg>';
    tools.prepend(button);
    add(button, () => path(link.href));
    new MutationObserver(render).observe(link, { attributes: true, attributeFilter: ["href"] });
    render();
  }
  const found = document.querySelector("dialog.lightbox");
  if (found) joinLightbox(found);
  else {
    const watch = new MutationObserver(() => {
      const dialog = document.querySelector("dialog.lightbox");
      if (dialog) {
        watch.disconnect();
        joinLightbox(dialog);
      }
    });
    watch.observe(document.body, { childList: true });
  }
  window.addEventListener("storage", (event) => {
    if (event.key === key) {
      chosen = load();
      render();
    }
  });
  box.hidden = false;
  render();
})();
