/*
 * sitegen default theme: zoom to detail and pan, on the photo page and in the lightbox
 * (gallery.js attaches it to the photo it shows). Plain JavaScript, no dependencies.
 *
 * Scale 1 is the photo as laid out; the deepest zoom shows the largest published file
 * (data-zoom, from the templates) at one image pixel per CSS pixel, never more (max_size is
 * the limit). That file is fetched on the first zoom only and laid over the displayed image
 * once decoded, so there is never an empty frame. The zoom is a CSS transform of the image
 * inside its box (the "view": lightbox slide or photo stage, which clips it): nothing moves.
 */
(function () {
  "use strict";

  const TAP_MOVE = 10; // px a pointer may travel and still be a click or tap
  const DOUBLE_TAP_MS = 400; // the second tap of a double tap comes within this time ...
  const DOUBLE_TAP_PX = 40; // ... and this close to the first
  const KEY_STEP = 2; // "+" and "-" double and halve the scale
  const PAN_STEP = 80; // px an arrow key pans

  let current = null; // the one zoomable image at a time

  class Zoom {
    /* img: the displayed image; page: true on a photo page, where a plain wheel scrolls the page
       unless the photo is zoomed (in the lightbox the wheel always zooms: nothing to scroll). */
    constructor(img, page) {
      this.img = img;
      this.page = page;
      this.view = img.offsetParent || img.parentElement; // positioned: the slide or the stage
      this.scale = 1;
      this.x = 0; // translation of the image from its laid-out place, CSS px
      this.y = 0;
      this.pointers = new Map(); // pointerId -> {x, y} of the pointers down on the view
      this.gesture = null; // the drag or pinch in progress
      this.lastTap = null;
      this.clicked = false; // a click that ends our tap or drag is swallowed
      this.layer = null; // the <picture> of the largest file, once asked for
      this.listeners = [
        [this.view, "pointerdown", (e) => this.onDown(e)],
        [this.view, "pointermove", (e) => this.onMove(e)],
        [this.view, "pointerup", (e) => this.onUp(e)],
        [this.view, "pointercancel", (e) => this.onUp(e)],
        [this.view, "wheel", (e) => this.onWheel(e), { passive: false }],
        // A drag that panned ends in a click: it is no click on (or beside) the photo.
        [this.view, "click", (e) => this.onClick(e), true],
        [window, "resize", () => this.apply(false)],
      ];
      for (const [target, type, fn, options] of this.listeners) target.addEventListener(type, fn, options);
      this.view.classList.add("zoom-view");
      this.apply(false);
    }

    detach() {
      for (const [target, type, fn, options] of this.listeners) target.removeEventListener(type, fn, options);
      this.scale = 1;
      this.apply(false);
      this.view.classList.remove("zoom-view", "is-zoomable", "is-zoomed", "is-dragging");
      if (this.layer) this.layer.remove();
    }

    /* The image's laid-out box (without our transform), relative to the view. Not offsetLeft
       & co.: they are rounded, and the zoom would magnify that into a misfit of the large file.
       The drawn box and the drawn transform are read at one instant (mid-transition too). */
    measure() {
      const r = this.img.getBoundingClientRect();
      const m = new DOMMatrix(getComputedStyle(this.img).transform);
      const v = this.view.getBoundingClientRect();
      const inner = { left: v.left + this.view.clientLeft, top: v.top + this.view.clientTop };
      return {
        left: r.left - m.e - inner.left, // relative to the view
        top: r.top - m.f - inner.top,
        width: r.width / m.a,
        height: r.height / m.d,
        view: { left: inner.left, top: inner.top, width: this.view.clientWidth, height: this.view.clientHeight },
      };
    }

    /* The largest scale: the largest file's width over the laid-out width (1 if not larger). */
    maxScale(box = this.measure()) {
      const width = Number(this.img.dataset.zoomWidth) || 0;
      return box.width > 0 ? Math.max(1, width / box.width) : 1;
    }

    /* Scale to `scale` keeping the image point under (cx, cy) (client px) where it is. */
    zoomTo(scale, cx, cy, animate) {
      const box = this.measure();
      const view = box.view;
      const next = Math.min(Math.max(scale, 1), this.maxScale(box));
      const ratio = next / this.scale;
      // Where the image's corner is meant to be (not where a running transition has it now).
      const left = view.left + box.left + this.x;
      const top = view.top + box.top + this.y;
      if (cx === undefined) {
        cx = view.left + view.width / 2;
        cy = view.top + view.height / 2;
      }
      this.x += (cx - left) * (1 - ratio);
      this.y += (cy - top) * (1 - ratio);
      this.scale = next;
      this.apply(animate);
    }

    panBy(dx, dy, animate) {
      this.x += dx;
      this.y += dy;
      this.apply(animate);
    }

    /* Keep the image inside the bounds, then draw it. An image larger than the view covers it
       (no edge may come inside); a smaller one is centred, so no gap is larger than needed. */
    apply(animate) {
      const img = this.img;
      const box = this.measure();
      const most = this.maxScale(box);
      this.scale = Math.min(this.scale, most);
      if (this.scale <= 1.001) {
        this.scale = 1;
        this.x = this.y = 0;
      } else {
        this.x = bound(this.x, box.left, box.width * this.scale, box.view.width);
        this.y = bound(this.y, box.top, box.height * this.scale, box.view.height);
      }
      const zoomed = this.scale > 1;
      const transform = zoomed ? "translate(" + this.x + "px, " + this.y + "px) scale(" + this.scale + ")" : "";
      this.view.classList.toggle("zoom-animate", animate);
      this.view.classList.toggle("is-zoomable", most > 1);
      this.view.classList.toggle("is-zoomed", zoomed);
      img.style.transform = transform;
      if (zoomed && !this.layer) this.loadLargest();
      if (this.layer) {
        const top = this.layer.lastElementChild;
        top.style.left = box.left + "px";
        top.style.top = box.top + "px";
        top.style.width = box.width + "px";
        top.style.height = box.height + "px";
        top.style.transform = transform;
      }
    }

    /* The largest file, in the best format the browser takes (as the page's <picture> does),
       shown over the displayed image only once it is decoded. */
    loadLargest() {
      const picture = document.createElement("picture");
      picture.className = "zoom-layer";
      const parent = this.img.parentElement;
      if (parent instanceof HTMLPictureElement) {
        for (const from of parent.querySelectorAll("source[data-zoom]")) {
          const source = document.createElement("source");
          source.type = from.type;
          source.srcset = from.dataset.zoom;
          picture.append(source);
        }
      }
      const top = document.createElement("img");
      picture.append(top);
      top.alt = "";
      top.draggable = false;
      top.src = this.img.dataset.zoom;
      this.layer = picture;
      this.view.append(picture);
      this.view.classList.add("is-loading"); // the spinner of style.css, after 300 ms
      const done = () => this.view.classList.remove("is-loading");
      top.decode().then(() => {
        done();
        picture.classList.add("is-ready");
      }, done); // a file that failed never shows: the displayed image stays as it is
    }

    /* --- pointer: click and double tap toggle, drag pans, two fingers pinch ---------------- */

    onDown(event) {
      this.clicked = false;
      if (event.button > 0 || this.maxScale() <= 1) return; // the main button or a finger only
      if (this.pointers.size === 0 && !this.hits(event)) return; // a control, a stage link: theirs
      this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (this.pointers.size === 2) {
        this.gesture = { pinch: this.spread(), scale: this.scale, centre: this.centre(), moved: true };
      } else if (this.pointers.size === 1) {
        this.gesture = { x: event.clientX, y: event.clientY, moved: false, captured: this.scale > 1 };
        if (this.scale > 1) this.view.setPointerCapture(event.pointerId);
      }
    }

    onMove(event) {
      const point = this.pointers.get(event.pointerId);
      if (!point || !this.gesture) return;
      point.x = event.clientX;
      point.y = event.clientY;
      const g = this.gesture;
      if (g.pinch) {
        // Towards the pinch centre, and the centre's own movement pans.
        const centre = this.centre();
        this.x += centre.x - g.centre.x;
        this.y += centre.y - g.centre.y;
        g.centre = centre;
        this.zoomTo((g.scale * this.spread()) / g.pinch, centre.x, centre.y, false);
      } else if (this.pointers.size === 1) {
        const dx = event.clientX - g.x;
        const dy = event.clientY - g.y;
        if (!g.moved && Math.hypot(dx, dy) < TAP_MOVE) return;
        g.moved = true;
        if (this.scale > 1) {
          this.view.classList.add("is-dragging");
          g.x = event.clientX;
          g.y = event.clientY;
          this.panBy(dx, dy, false);
        }
      }
    }

    onUp(event) {
      if (!this.pointers.delete(event.pointerId)) return;
      const g = this.gesture;
      if (this.pointers.size > 0) {
        // One finger of a pinch lifted: the other pans from where it is.
        const [rest] = this.pointers.values();
        this.gesture = { x: rest.x, y: rest.y, moved: true };
        return;
      }
      this.gesture = null;
      this.view.classList.remove("is-dragging");
      // The click that ends a drag, a captured pointer or a zoom is ours: a captured pointer's
      // click goes to the view, where the lightbox would take it for a click beside the photo.
      // A plain tap's click is left to others.
      this.clicked = Boolean(g && (g.moved || g.captured));
      if (!g || g.moved || event.type === "pointercancel") return;
      if (event.pointerType === "touch") {
        const tap = { x: event.clientX, y: event.clientY, time: event.timeStamp };
        const last = this.lastTap;
        this.lastTap = tap;
        if (!last || tap.time - last.time > DOUBLE_TAP_MS || Math.hypot(tap.x - last.x, tap.y - last.y) > DOUBLE_TAP_PX) return;
        this.lastTap = null;
      } else if (event.button !== 0) {
        return;
      }
      this.clicked = true;
      this.toggle(event.clientX, event.clientY);
    }

    onClick(event) {
      if (!this.clicked) return;
      this.clicked = false;
      event.stopPropagation();
      event.preventDefault();
    }

    onWheel(event) {
      if (this.maxScale() <= 1 || (this.page && this.scale === 1 && !event.ctrlKey)) return;
      if (!this.hits(event) && this.scale === 1) return;
      event.preventDefault();
      // Lines and pages are rare (most wheels and every trackpad report pixels); a wheel notch
      // of ~100 px zooms by about 1.4x, and a trackpad pinch (ctrl + wheel) follows the fingers.
      const delta = event.deltaY * (event.deltaMode === 1 ? 40 : event.deltaMode === 2 ? 800 : 1);
      this.zoomTo(this.scale * Math.pow(2, -delta / (event.ctrlKey ? 100 : 200)), event.clientX, event.clientY, false);
    }

    /* A click or double tap goes to the largest scale at that point, or back to the fit. */
    toggle(cx, cy) {
      this.zoomTo(this.scale > 1 ? 1 : this.maxScale(), cx, cy, true);
    }

    /* Whether a pointer is ours: on the photo (a mouse beside it clicks the lightbox closed).
       A finger anywhere in the view is ours too, as a pinch on a phone often starts beside the
       photo or on the photo page's side links; a tap there still makes its click (to close, or
       follow the link), and a finger that moved makes none. */
    hits(event) {
      const target = event.target;
      if (event.pointerType === "touch") return !target.closest("button, a:not(.stage-link)");
      return target === this.img;
    }

    spread() {
      const [a, b] = this.pointers.values();
      return Math.max(1, Math.hypot(a.x - b.x, a.y - b.y));
    }

    centre() {
      const [a, b] = this.pointers.values();
      return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    }

    /* --- keys: + - 0 zoom; arrows pan while zoomed; Esc zooms out -------------------------- */

    key(event) {
      const k = event.key;
      if (k === "+" || k === "=") this.zoomTo(this.scale * KEY_STEP, undefined, undefined, true);
      else if (k === "-" && this.scale > 1) this.zoomTo(this.scale / KEY_STEP, undefined, undefined, true);
      else if ((k === "0" || k === "Escape") && this.scale > 1) this.zoomTo(1, undefined, undefined, true);
      else if (k.startsWith("Arrow") && this.scale > 1) {
        const step = { ArrowLeft: [1, 0], ArrowRight: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[k];
        this.panBy(step[0] * PAN_STEP, step[1] * PAN_STEP, true);
      } else return false;
      return true;
    }
  }

  /* The translation that keeps an image of `size` px, laid out at `offset` in a view of `room`
     px, inside the bounds described at apply(). */
  function bound(shift, offset, size, room) {
    if (size <= room) return (room - size) / 2 - offset;
    return Math.min(Math.max(shift, room - size - offset), -offset);
  }

  /* Keys go to the zoom first (capture phase on window): a key it takes (arrows while zoomed,
     Esc to zoom out) never reaches the lightbox or the photo page's own arrow keys. */
  window.addEventListener(
    "keydown",
    (event) => {
      if (!current || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) return;
      if (current.maxScale() > 1 && current.key(event)) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true,
  );

  /* The API gallery.js uses: attach to the photo shown, detach when it changes or closes; and
     whether the zoom has the pointer (zoomed or pinching), so a swipe does not change photo. */
  window.sitegenZoom = {
    attach(img, page) {
      this.detach();
      if (img && img.dataset.zoom) current = new Zoom(img, Boolean(page));
    },
    detach() {
      if (current) current.detach();
      current = null;
    },
    active() {
      return Boolean(current && (current.scale > 1 || current.pointers.size > 1));
    },
  };

  const stage = document.querySelector(".photo-stage img");
  if (stage) window.sitegenZoom.attach(stage, true);
})();
