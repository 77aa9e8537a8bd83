/*
 * sitegen default theme: the gallery lightbox; on photo pages, arrow keys and the first
 * screen's fit. Plain JavaScript, no dependencies, nothing loaded from anywhere else.
 *
 * Progressive enhancement: every grid tile links to the photo's own page (what visitors
 * without JavaScript, crawlers and new tabs get). The lightbox takes over a plain click only
 * and puts that page's address in the address bar (History API): a shared URL is the photo's.
 */
(function () {
  "use strict";

  const ICONS = {
    close: '<path d="M6 6l12 12M18 6L6 18"/>',
    prev: '<path d="M15 5l-7 7 7 7"/>',
    next: '<path d="M9 5l7 7-7 7"/>',
    info: '<circle cx="12" cy="12" r="9"/><path d="M12 11v6M12 7.5v.5"/>',
    share: '<path d="M12 3v12M7 8l5-5 5 5M5 14v6h14v-6"/>',
    play: '<path d="M8 5l11 7-11 7z"/>',
    pause: '<path d="M9 5v14M15 5v14"/>',
    full: '<path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5"/>',
    unfull: '<path d="M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5"/>',
    help: '<circle cx="12" cy="12" r="9"/><path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .8-1 1.5v.7M12 17v.5"/>',
  };
  const SWIPE_DISTANCE = 50; // px a finger must travel sideways to change the photo
  const SWIPE_SPEED = 0.35; // ... or px/ms for a quick flick
  const CLOSE_DISTANCE = 100; // px a finger must pull the photo down to close the viewer
  // What the info panel copies from a photo page (photo.html and its partials), in this order.
  const INFO_PARTS = ".caption, .photo-meta, .licence, .offers, .rights";
  // Classes the info panel keeps (for the theme's style): the offers' (partials/offers.html).
  const INFO_CLASSES = new Set(["offers", "offer-buy", "offer-print", "offer-price", "offer-note"]);
  // Elements the info panel rebuilds from a photo page; any other element becomes its text.
  const INFO_TAGS = /^(P|EM|STRONG|B|I|A|DL|DT|DD|DIV|SPAN|TIME|BR|UL|OL|LI|CODE|SMALL|ABBR)$/;
  // The viewer's words in the site's language: the page carries them once, as JSON (scripts.html,
  // the strings table's viewer.* keys). Inserted as text or into attributes, never parsed as HTML.
  const words = document.getElementById("sitegen-viewer-strings");
  const T = words ? JSON.parse(words.textContent) : {};

  function icon(name) {
    return '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">' + ICONS[name] + "</svg>";
  }

  /* zoom.js, when loaded: it has the pointer while the photo is zoomed or pinched. */
  function zooming() {
    return Boolean(window.sitegenZoom && window.sitegenZoom.active());
  }

  function typingIn(target) {
    return target instanceof Element && target.closest("input, textarea, select, [contenteditable]");
  }

  /* Text for an attribute or for innerHTML: the strings table is the site's, but a quote or "<" in
     a translation must stay text. */
  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  }

  /* A toolbar button: its label is what a screen reader says; its key is announced and in its tooltip. */
  function button(name, label, key) {
    label = esc(label);
    const keys = key ? ' aria-keyshortcuts="' + key + '" title="' + label + " (" + key + ')"' : ' title="' + label + '"';
    return '<button type="button" class="lb-button lb-' + name + '" aria-label="' + label + '"' + keys + ">" + icon(name) + "</button>";
  }

  /* A toggle button says what it will do now: its label, its tooltip (with its key) and its icon. */
  function relabel(button, label, name) {
    button.setAttribute("aria-label", label);
    button.title = label + " (" + button.getAttribute("aria-keyshortcuts") + ")";
    button.innerHTML = icon(name);
  }

  /* Tab and Shift+Tab cycle through a dialog's visible controls and never reach the page behind it
     (a modal <dialog> alone lets Tab wander into the browser's own toolbar and back). */
  function trapFocus(container, event) {
    const controls = Array.from(container.querySelectorAll("button, a[href], input")).filter(
      (el) => !el.hidden && !el.closest("[inert]") && el.getClientRects().length > 0,
    );
    if (controls.length === 0) return;
    const first = controls[0];
    const last = controls[controls.length - 1];
    const active = document.activeElement;
    if (!container.contains(active)) {
      event.preventDefault();
      first.focus();
    } else if (event.shiftKey && active === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }

  /* A copy of a photo page's node built element by element: text goes in as text (never parsed
     as HTML), links keep only web and mail addresses. Captions and credits can come from a
     file's metadata, which is untrusted, and this copy runs in the gallery page. */
  function safeCopy(node, base) {
    if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.data);
    if (node.nodeType !== Node.ELEMENT_NODE) return document.createTextNode("");
    if (!INFO_TAGS.test(node.tagName)) return document.createTextNode(node.textContent);
    const copy = document.createElement(node.tagName);
    for (const name of ["rel", "datetime", "title", "aria-hidden"]) {
      if (node.hasAttribute(name)) copy.setAttribute(name, node.getAttribute(name));
    }
    const known = Array.from(node.classList).filter((name) => INFO_CLASSES.has(name));
    if (known.length) copy.className = known.join(" ");
    if (node.tagName === "A" && node.hasAttribute("href")) {
      try {
        const url = new URL(node.getAttribute("href"), base);
        if (/^(https?|mailto):$/.test(url.protocol)) copy.href = url.href;
      } catch {
        // not an address at all: the link stays text
      }
    }
    for (const child of node.childNodes) copy.append(safeCopy(child, base));
    return copy;
  }

  /* Photo pages: the left and right arrow keys go to the previous and next photo. */
  function photoPageKeys() {
    const prev = document.querySelector('link[rel="prev"]');
    const next = document.querySelector('link[rel="next"]');
    if (!prev && !next) return;
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (typingIn(event.target)) return;
      const link = event.key === "ArrowLeft" ? prev : event.key === "ArrowRight" ? next : null;
      if (link) {
        event.preventDefault();
        window.location.href = link.href;
      }
    });
  }

  /* A photo's box is .is-loading (a spinner after 300 ms) until its file arrived. */
  function markLoading(box, img) {
    if (!img || (img.complete && img.naturalWidth > 0)) return;
    box.classList.add("is-loading");
    const done = () => box.classList.remove("is-loading");
    for (const type of ["load", "error"]) img.addEventListener(type, done, { once: true });
  }

  /* Photo pages: a header taller than style.css reserved (--header-h) is measured. */
  function fitFirstScreen(header) {
    const style = document.documentElement.style;
    const fit = () => {
      style.removeProperty("--header-h");
      const real = header.getBoundingClientRect().height;
      if (real > parseFloat(getComputedStyle(header).minHeight) + 1) style.setProperty("--header-h", real + "px");
    };
    fit();
    window.addEventListener("resize", fit);
  }

  class Lightbox {
    constructor(grid) {
      this.links = Array.from(grid.querySelectorAll("a.grid-link"));
      this.index = -1;
      this.slides = new Map(); // photo index -> slide element; only the current one and its neighbours exist
      this.pushed = false; // whether the history entry we are on was added by us (so closing goes back)
      this.closingFromHistory = false;
      this.swiped = false; // a swipe just ended: its click is not a click beside the photo
      this.pageTitle = document.title;
      this.pageUrl = window.location.href;
      this.build();
      grid.addEventListener("click", (event) => this.onGridClick(event));
      window.addEventListener("popstate", (event) => this.onPopState(event));
      window.addEventListener("resize", () => this.updateSizes());
    }

    build() {
      const dialog = document.createElement("dialog");
      dialog.className = "lightbox";
      dialog.setAttribute("aria-label", T.dialog);
      dialog.innerHTML =
        '<button type="button" class="lb-button lb-close" aria-label="' + esc(T.close) + '">' + icon("close") + "</button>" +
        '<button type="button" class="lb-button lb-prev" aria-label="' + esc(T.previous) + '">' + icon("prev") + "</button>" +
        '<button type="button" class="lb-button lb-next" aria-label="' + esc(T.next) + '">' + icon("next") + "</button>" +
        '<div class="lb-stage"></div>' +
        '<div class="lb-bar"><p class="lb-title" aria-live="polite"></p>' +
        '<span class="lb-count"></span><a class="lb-link" href="">' + esc(T.details) + "</a></div>";
      this.dialog = dialog;
      this.stage = dialog.querySelector(".lb-stage");
      this.title = dialog.querySelector(".lb-title");
      this.count = dialog.querySelector(".lb-count");
      this.pageLink = dialog.querySelector(".lb-link");
      this.closeButton = dialog.querySelector(".lb-close");
      this.prevButton = dialog.querySelector(".lb-prev");
      this.nextButton = dialog.querySelector(".lb-next");

      this.closeButton.addEventListener("click", () => this.close());
      this.prevButton.addEventListener("click", () => this.move(-1));
      this.nextButton.addEventListener("click", () => this.move(1));
      dialog.addEventListener("keydown", (event) => this.onKey(event));
      // Escape: the browser fires "cancel"; close our way, so the history entry is handled too.
      dialog.addEventListener("cancel", (event) => {
        event.preventDefault();
        this.close();
      });
      dialog.addEventListener("close", () => this.onClosed());
      this.stage.addEventListener("click", (event) => {
        if (this.swiped) return;
        if (!(event.target instanceof HTMLImageElement)) this.close(); // a click beside the photo
      });
      this.listenForSwipes();
      this.buildControls();
      document.body.append(dialog);
    }

    /* --- opening, moving, closing ------------------------------------------ */

    onGridClick(event) {
      const link = event.target instanceof Element ? event.target.closest("a.grid-link") : null;
      if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const index = this.links.indexOf(link);
      if (index < 0) return;
      event.preventDefault();
      this.open(index, "push");
    }

    open(index, history) {
      if (!this.dialog.open) {
        if (history === "push") this.pageUrl = window.location.href; // the gallery's own address
        this.dialog.showModal();
        document.documentElement.classList.add("lb-open");
      }
      this.show(index, history);
      this.closeButton.focus();
    }

    move(step) {
      const index = this.index + step;
      if (index < 0 || index >= this.links.length) return;
      this.show(index, "replace");
    }

    close() {
      if (this.dialog.open) this.dialog.close();
    }

    /* After the dialog closed, however that happened: restore the page, its URL and the focus. */
    onClosed() {
      document.documentElement.classList.remove("lb-open");
      document.title = this.pageTitle;
      this.resetControls();
      if (!this.closingFromHistory) {
        if (this.pushed) {
          window.history.back(); // back to the gallery's own entry: the Back button then leaves the gallery
        } else {
          window.history.replaceState(null, "", this.pageUrl);
        }
      }
      this.pushed = false;
      this.closingFromHistory = false;
      const link = this.links[this.index];
      if (link) link.focus();
      for (const slide of this.slides.values()) slide.remove();
      this.slides.clear();
      if (window.sitegenZoom) window.sitegenZoom.detach();
    }

    onPopState(event) {
      const state = event.state;
      if (state && typeof state.sitegenLightbox === "number") {
        this.open(state.sitegenLightbox, "none"); // Forward into a photo: this entry is ours again
        this.pushed = true;
      } else if (this.dialog.open) {
        this.closingFromHistory = true; // Back out of the lightbox
        this.close();
      }
    }

    show(index, history) {
      const count = this.links.length;
      this.index = index;
      for (const [i, slide] of this.slides) {
        if (Math.abs(i - index) > 1) {
          slide.remove();
          this.slides.delete(i);
        }
      }
      // The neighbours are built too (off screen): that preloads the next and previous photo.
      for (const i of [index, index + 1, index - 1]) {
        if (i < 0 || i >= count) continue;
        let slide = this.slides.get(i);
        if (!slide) {
          slide = this.makeSlide(i);
          slide.classList.add(i < index ? "is-prev" : i > index ? "is-next" : "is-current");
          this.slides.set(i, slide);
          this.stage.append(slide);
        }
        slide.classList.toggle("is-prev", i < index);
        slide.classList.toggle("is-next", i > index);
        slide.classList.toggle("is-current", i === index);
        slide.inert = i !== index;
        slide.setAttribute("aria-hidden", String(i !== index));
      }
      if (window.sitegenZoom) window.sitegenZoom.attach(this.slides.get(index).querySelector("img"));

      const link = this.links[index];
      const title = link.dataset.title || link.querySelector("img").alt;
      this.title.textContent = title;
      this.count.textContent = index + 1 + " / " + count;
      this.pageLink.href = link.href;
      const focused = document.activeElement;
      this.prevButton.hidden = index === 0;
      this.nextButton.hidden = index === count - 1;
      if (focused instanceof HTMLElement && focused.hidden) this.closeButton.focus();

      const state = { sitegenLightbox: index };
      if (history === "push") {
        window.history.pushState(state, "", link.href);
        this.pushed = true;
      } else if (history === "replace") {
        window.history.replaceState(state, "", link.href);
      }
      document.title = title + " · " + this.pageTitle;
      this.afterShow();
    }

    /* A slide: a <picture> of the photo's full-view files, sized for the whole screen. The
       marked files come from data-view-srcset when the tile shows clean thumbnails. */
    makeSlide(i) {
      const tile = this.links[i];
      const thumb = tile.querySelector("img");
      const largest = Number(thumb.getAttribute("width")); // the widest file there is
      const ratio = largest / Number(thumb.getAttribute("height"));
      const sizes = this.sizesFor(ratio, largest);
      const figure = document.createElement("figure");
      figure.className = "lb-slide";
      figure.dataset.ratio = String(ratio);
      figure.dataset.largest = String(largest);
      const picture = document.createElement("picture");
      for (const from of tile.querySelectorAll("source")) {
        const source = document.createElement("source");
        source.type = from.type;
        source.sizes = sizes;
        source.srcset = from.dataset.viewSrcset || from.srcset;
        if (from.dataset.zoom) source.dataset.zoom = from.dataset.zoom;
        picture.append(source);
      }
      const img = document.createElement("img");
      picture.append(img); // in the <picture> before it has a source, so only the chosen file is fetched
      img.alt = thumb.alt;
      for (const key of ["zoom", "zoomWidth", "zoomHeight"]) if (thumb.dataset[key]) img.dataset[key] = thumb.dataset[key];
      img.width = Number(thumb.getAttribute("width"));
      img.height = Number(thumb.getAttribute("height"));
      img.decoding = "async";
      img.draggable = false;
      // The box's size before the file arrives (style.css); a small original is not blown up.
      img.style.setProperty("--largest", largest + "px");
      img.style.setProperty("--ar", String(ratio));
      img.style.backgroundColor = thumb.style.backgroundColor;
      // The grid's file is already in the cache: it fills in while the large one loads,
      // unless it is a clean thumbnail (a full view never shows an unmarked picture).
      if (thumb.currentSrc && !thumb.dataset.viewSrcset) {
        img.style.backgroundImage = 'url("' + thumb.currentSrc + '")';
      }
      img.sizes = sizes;
      img.srcset = thumb.dataset.viewSrcset || thumb.srcset;
      img.src = thumb.dataset.viewSrc || thumb.getAttribute("src");
      figure.append(picture);
      markLoading(figure, img);
      return figure;
    }

    /* The displayed width in CSS px: the photo fits the stage's width and height, up to its own size. */
    sizesFor(ratio, largest) {
      const box = this.stage.getBoundingClientRect();
      const width = box.width || window.innerWidth;
      const height = box.height || window.innerHeight;
      return Math.ceil(Math.min(width, height * ratio, largest)) + "px";
    }

    updateSizes() {
      if (!this.dialog.open) return;
      for (const slide of this.slides.values()) {
        const sizes = this.sizesFor(Number(slide.dataset.ratio), Number(slide.dataset.largest));
        for (const el of slide.querySelectorAll("source, img")) el.sizes = sizes;
      }
    }

    /* --- controls: full screen, slideshow, info panel, share, keyboard help -------- */

    buildControls() {
      // The <dialog> itself may not go full screen (the Fullscreen API refuses dialogs), so
      // everything the viewer shows sits in one frame, and the frame does.
      const frame = document.createElement("div");
      frame.className = "lb-frame";
      frame.append(...this.dialog.childNodes);
      this.dialog.append(frame);
      this.frame = frame;
      frame.insertAdjacentHTML(
        "beforeend",
        '<div class="lb-tools">' +
          button("help", T.help, "?") +
          button("info", T.info, "i") +
          button("share", T.share, "") +
          button("play", T.play, "s") +
          button("full", T.full, "f") +
          "</div>" +
          '<aside class="lb-panel" id="lb-panel" aria-label="' + esc(T.panel) + '" hidden></aside>' +
          '<div class="lb-note"><p class="lb-status" role="status" aria-live="polite"></p>' +
          '<input class="lb-url" type="url" readonly hidden aria-label="' + esc(T.address) + '"></div>' +
          '<dialog class="lb-keys" aria-labelledby="lb-keys-title"><h2 id="lb-keys-title">' + esc(T.help) + "</h2><dl>" +
          [
            ["←</kbd> <kbd>→", T.keys_arrows],
            [esc(T.key_home) + "</kbd> <kbd>" + esc(T.key_end), T.keys_ends],
            ["+</kbd> <kbd>-</kbd> <kbd>0", T.keys_zoom],
            ["f", T.full],
            ["s", T.keys_slideshow],
            ["i", T.keys_info],
            ["?", T.keys_help],
            [esc(T.key_esc), T.close],
          ]
            .map(([keys, what]) => "<div><dt><kbd>" + keys + "</kbd></dt><dd>" + esc(what) + "</dd></div>")
            .join("") +
          '</dl><button type="button" class="lb-keys-close">' + esc(T.close) + "</button></dialog>",
      );
      const find = (selector) => frame.querySelector(selector);
      this.fullButton = find(".lb-full");
      this.playButton = find(".lb-play");
      this.infoButton = find(".lb-info");
      this.info = find(".lb-panel");
      this.status = find(".lb-status");
      this.urlField = find(".lb-url");
      this.help = find(".lb-keys");
      this.infoButton.setAttribute("aria-controls", "lb-panel");
      this.infoButton.setAttribute("aria-expanded", "false");

      // No Fullscreen API (iPhone Safari has it for videos only): no button that cannot work.
      this.fullButton.hidden = !(document.fullscreenEnabled && frame.requestFullscreen);
      this.fullButton.addEventListener("click", () => this.toggleFullscreen());
      document.addEventListener("fullscreenchange", () => this.onFullscreenChange());
      this.playButton.addEventListener("click", () => this.toggleSlideshow());
      this.infoButton.addEventListener("click", () => this.toggleInfo());
      find(".lb-share").addEventListener("click", () => this.share());
      find(".lb-help").addEventListener("click", () => this.toggleHelp());
      find(".lb-keys-close").addEventListener("click", () => this.toggleHelp());
      this.help.addEventListener("close", () => this.helpOpener && this.helpOpener.focus());

      const grid = document.querySelector("[data-slideshow-interval]");
      this.interval = 1000 * (Number(grid && grid.dataset.slideshowInterval) || 5);
      this.playing = false;
      this.timer = 0;
      this.pages = new Map(); // photo page URL -> promise of its parsed document, for the info panel
      // A slideshow runs only while someone can see it: not in a hidden tab...
      document.addEventListener("visibilitychange", () => this.schedule());
      // ... and it stops when the visitor asks their system for less motion while it runs.
      // Started with reduced motion already on, it runs (they asked for it by name) with cuts
      // instead of slides (style.css, Motion).
      const motion = window.matchMedia("(prefers-reduced-motion: reduce)");
      motion.addEventListener("change", () => motion.matches && this.stopSlideshow());
    }

    /* The keys of the controls; true when the key was one of them. */
    controlKey(event) {
      if (this.help.open) {
        if (event.key === "?") this.toggleHelp();
        if (event.key === "Tab") trapFocus(this.help, event);
        return true; // nothing behind the help moves while it is open
      }
      if (typingIn(event.target)) return event.key !== "Tab"; // the share field: keys are for it
      const action = {
        f: () => !this.fullButton.hidden && this.toggleFullscreen(),
        s: () => !this.playButton.hidden && this.toggleSlideshow(),
        i: () => this.toggleInfo(),
        "?": () => this.toggleHelp(),
      }[event.key];
      if (!action) return false;
      event.preventDefault();
      action();
      return true;
    }

    /* Called by show(): the controls follow the photo now shown. */
    afterShow() {
      this.playButton.hidden = this.links.length < 2;
      this.urlField.hidden = true;
      this.status.textContent = "";
      if (!this.info.hidden) this.fillInfo();
      this.schedule(); // each photo gets the whole interval, also after an arrow key
    }

    /* Called when the viewer closed: nothing keeps running behind the gallery. */
    resetControls() {
      this.stopSlideshow();
      if (document.fullscreenElement === this.frame) document.exitFullscreen().catch(() => {});
      if (this.help.open) this.help.close();
    }

    toggleFullscreen() {
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
      else this.frame.requestFullscreen().catch(() => {}); // refused (no user gesture, a policy): stay
    }

    onFullscreenChange() {
      const full = document.fullscreenElement === this.frame;
      relabel(this.fullButton, full ? T.exit_full : T.full, full ? "unfull" : "full");
      this.updateSizes(); // the stage changed size
    }

    toggleSlideshow() {
      if (this.playing) {
        this.stopSlideshow();
        return;
      }
      if (this.index === this.links.length - 1) this.show(0, "replace"); // from the end: start over
      this.playing = true;
      relabel(this.playButton, T.pause, "pause");
      this.schedule();
    }

    stopSlideshow() {
      this.playing = false;
      clearTimeout(this.timer);
      relabel(this.playButton, T.play, "play");
    }

    /* The next turn of the slideshow, if it runs and can be seen. */
    schedule() {
      clearTimeout(this.timer);
      if (this.playing && !document.hidden) this.timer = setTimeout(() => this.advance(), this.interval);
    }

    /* The next photo is shown once its file is loaded and decoded (its slide exists already,
       show() builds the neighbours), so the slideshow never shows an empty frame. The last
       photo ends it: a gallery has an order, and its end is where the photographer put it. */
    advance() {
      const at = this.index;
      const next = this.slides.get(at + 1);
      if (!next) {
        this.stopSlideshow();
        return;
      }
      next
        .querySelector("img")
        .decode()
        .catch(() => {}) // a file that failed: the slide shows its colour, as when stepping by hand
        .then(() => {
          if (this.playing && this.index === at && this.dialog.open && !document.hidden) this.move(1);
        });
    }

    toggleInfo() {
      const open = this.info.hidden;
      this.info.hidden = !open;
      this.frame.classList.toggle("has-info", open);
      this.infoButton.setAttribute("aria-expanded", String(open));
      if (open) this.fillInfo();
      this.updateSizes(); // on wide screens the panel takes its room from the stage
    }

    /* The photo page's own caption, credit, licence and (when the site shows them) camera facts:
       fetched when the panel is opened, so a gallery page carries no extra byte for it. */
    fillInfo() {
      const link = this.links[this.index];
      const title = document.createElement("h2");
      title.textContent = link.dataset.title || link.querySelector("img").alt;
      this.info.replaceChildren(title);
      this.info.setAttribute("aria-busy", "true");
      const show = (doc) => {
        if (this.links[this.index] !== link) return; // moved on meanwhile
        for (const part of doc ? doc.querySelectorAll(INFO_PARTS) : []) this.info.append(safeCopy(part, link.href));
        if (this.info.childElementCount === 1) {
          const page = document.createElement("a"); // not fetched (offline?): the page has it all
          page.href = link.href;
          page.textContent = T.page_link;
          this.info.append(page);
        }
        this.info.removeAttribute("aria-busy");
      };
      this.page(link.href).then(show, () => show(null));
      const next = this.links[this.index + 1];
      if (next) this.page(next.href).catch(() => {}); // ready when the visitor moves on
    }

    page(url) {
      if (!this.pages.has(url)) {
        const parsed = fetch(url)
          .then((response) => (response.ok ? response.text() : Promise.reject(new Error(response.status))))
          .then((html) => new DOMParser().parseFromString(html, "text/html")); // inert: runs and loads nothing
        parsed.catch(() => this.pages.delete(url)); // try again next time
        this.pages.set(url, parsed);
      }
      return this.pages.get(url);
    }

    /* The system's share sheet where there is one (phones); else the address is copied, and
       said so. Where the clipboard is refused, the address is selected in a field to copy. */
    share() {
      const link = this.links[this.index];
      if (navigator.share) {
        navigator.share({ title: this.title.textContent, url: link.href }).catch(() => {}); // cancelled: fine
        return;
      }
      const copied = navigator.clipboard ? navigator.clipboard.writeText(link.href) : Promise.reject();
      copied.then(
        () => {
          this.status.textContent = T.copied;
          clearTimeout(this.noteTimer);
          this.noteTimer = setTimeout(() => (this.status.textContent = ""), 4000); // seen and said: done
        },
        () => {
          this.urlField.value = link.href;
          this.urlField.hidden = false;
          this.urlField.focus();
          this.urlField.select();
          this.status.textContent = T.copy_selected;
        },
      );
    }

    toggleHelp() {
      if (this.help.open) {
        this.help.close();
        return;
      }
      this.helpOpener = document.activeElement;
      this.help.showModal();
      this.help.querySelector(".lb-keys-close").focus();
    }

    /* --- keyboard and touch ------------------------------------------------ */

    onKey(event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (this.controlKey(event)) return;
      if (event.key === "ArrowRight") {
        event.preventDefault();
        this.move(1);
      } else if (event.key === "ArrowLeft") {
        event.preventDefault();
        this.move(-1);
      } else if (event.key === "Home") {
        event.preventDefault();
        this.show(0, "replace");
      } else if (event.key === "End") {
        event.preventDefault();
        this.show(this.links.length - 1, "replace");
      } else if (event.key === "Tab") {
        this.keepFocusInside(event);
      }
    }

    keepFocusInside(event) {
      trapFocus(this.dialog, event);
    }

    /* Swipe left or right with a finger (or pen); the photos follow the finger. Pulling the
       photo down closes the viewer, as in the phone's own photo apps. A pointerdown whose default
       was prevented belongs to another gesture (panning a zoomed photo) and is left alone. */
    listenForSwipes() {
      let start = null;
      const drag = (dx, dy = 0) => {
        for (const [i, slide] of this.slides) {
          slide.style.transition = dx === null ? "" : "none";
          slide.style.transform =
            dx === null ? "" : "translate(calc(" + (i - this.index) * 105 + "% + " + dx + "px), " + dy + "px)";
        }
      };
      const reset = () => {
        drag(null); // the slides glide from where the finger left them to their places
        start = null;
      };
      this.stage.addEventListener("pointerdown", (event) => {
        this.swiped = false;
        if (event.pointerType === "mouse" || !event.isPrimary || event.defaultPrevented) return;
        start = { x: event.clientX, y: event.clientY, time: event.timeStamp, id: event.pointerId };
      });
      this.stage.addEventListener("pointermove", (event) => {
        if (!start || event.pointerId !== start.id) return;
        if (zooming()) return reset(); // the finger pans or pinches the zoomed photo
        let dx = event.clientX - start.x;
        const dy = event.clientY - start.y;
        if (Math.abs(dx) <= Math.abs(dy)) {
          if (dy > 0) drag(0, dy); // pulled down: about to close
          return;
        }
        const atEnd = (dx > 0 && this.index === 0) || (dx < 0 && this.index === this.links.length - 1);
        if (atEnd) dx /= 3; // nothing there: resist
        drag(dx);
      });
      this.stage.addEventListener("pointerup", (event) => {
        if (!start || event.pointerId !== start.id) return;
        const dx = event.clientX - start.x;
        const dy = event.clientY - start.y;
        const speed = Math.abs(dx) / Math.max(1, event.timeStamp - start.time);
        reset();
        const far = Math.abs(dx) > SWIPE_DISTANCE || (Math.abs(dx) > 20 && speed > SWIPE_SPEED);
        if (far && Math.abs(dx) > Math.abs(dy)) {
          this.swiped = true; // the click that follows is not a "click beside the photo"
          this.move(dx < 0 ? 1 : -1);
        } else if (dy > CLOSE_DISTANCE && dy > Math.abs(dx)) {
          this.swiped = true;
          this.close();
        }
      });
      this.stage.addEventListener("pointercancel", reset);
    }
  }

  photoPageKeys();
  const stage = document.querySelector(".photo-stage");
  const header = document.querySelector(".site-header");
  if (stage) markLoading(stage, stage.querySelector("img"));
  if (stage && header) fitFirstScreen(header);
  const grid = document.querySelector("[data-lightbox]");
  if (grid && typeof HTMLDialogElement === "function") {
    new Lightbox(grid);
  }
})();
