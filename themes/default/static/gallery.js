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
  };
  const SWIPE_DISTANCE = 50; // px a finger must travel sideways to change the photo
  const SWIPE_SPEED = 0.35; // ... or px/ms for a quick flick

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
      dialog.setAttribute("aria-label", "Photo viewer");
      dialog.innerHTML =
        '<button type="button" class="lb-button lb-close" aria-label="Close">' + icon("close") + "</button>" +
        '<button type="button" class="lb-button lb-prev" aria-label="Previous photo">' + icon("prev") + "</button>" +
        '<button type="button" class="lb-button lb-next" aria-label="Next photo">' + icon("next") + "</button>" +
        '<div class="lb-stage"></div>' +
        '<div class="lb-bar"><p class="lb-title" aria-live="polite"></p>' +
        '<span class="lb-count"></span><a class="lb-link" href="">Details</a></div>';
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

    /* --- keyboard and touch ------------------------------------------------ */

    onKey(event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
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

    /* Tab and Shift+Tab cycle through the viewer's controls and never reach the page behind it. */
    keepFocusInside(event) {
      const controls = Array.from(this.dialog.querySelectorAll("button, a[href]")).filter(
        (el) => !el.hidden && el.getClientRects().length > 0,
      );
      if (controls.length === 0) return;
      const first = controls[0];
      const last = controls[controls.length - 1];
      const active = document.activeElement;
      if (!this.dialog.contains(active)) {
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

    /* Swipe left or right with a finger (or pen); the photos follow the finger. */
    listenForSwipes() {
      let start = null;
      const drag = (dx) => {
        for (const [i, slide] of this.slides) {
          slide.style.transition = dx === null ? "" : "none";
          slide.style.transform = dx === null ? "" : "translateX(calc(" + (i - this.index) * 105 + "% + " + dx + "px))";
        }
      };
      const reset = () => {
        drag(null); // the slides glide from where the finger left them to their places
        start = null;
      };
      this.stage.addEventListener("pointerdown", (event) => {
        this.swiped = false;
        if (event.pointerType === "mouse" || !event.isPrimary) return;
        start = { x: event.clientX, y: event.clientY, time: event.timeStamp, id: event.pointerId };
      });
      this.stage.addEventListener("pointermove", (event) => {
        if (!start || event.pointerId !== start.id) return;
        if (zooming()) return reset(); // the finger pans or pinches the zoomed photo
        let dx = event.clientX - start.x;
        if (Math.abs(dx) <= Math.abs(event.clientY - start.y)) return;
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
