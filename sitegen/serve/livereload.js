// sitegen serve: live reload for the preview. The preview server adds this script to the HTML it
// sends; it is never part of a build. It listens for rebuilds over Server-Sent Events and reloads
// the page when the page changed, swaps stylesheets in place when only CSS changed, and shows a
// build error on top of the page until the next successful build.
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me.getAttribute("data-build");
  var path = me.getAttribute("data-path");
  var eventsUrl = me.getAttribute("data-events");
  var source = null;
  var overlay = null;

  function showError(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "sitegen-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;" +
        "background:rgba(24,24,24,.95);color:#f4f4f4;font:15px/1.5 system-ui,sans-serif";
      var title = document.createElement("h2");
      title.textContent = "sitegen: the last save did not build";
      title.style.cssText = "margin:0 0 1rem;font-size:1.25rem;color:#ff8a80";
      var text = document.createElement("pre");
      text.style.cssText = "white-space:pre-wrap;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
      var hint = document.createElement("p");
      hint.textContent = "The preview still serves the last good build. Fix the problem and save: this page reloads.";
      overlay.appendChild(title);
      overlay.appendChild(text);
      overlay.appendChild(hint);
      document.body.appendChild(overlay);
    }
    overlay.querySelector("pre").textContent = message;
  }

  function clearError() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function swapStylesheets(renamed) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      var fresh = link.cloneNode(false);
      fresh.href = renamed[url.pathname] || url.pathname + "?livereload=" + Date.now();
      var done = function () { link.remove(); };
      fresh.addEventListener("load", done);
      fresh.addEventListener("error", done);
      link.parentNode.insertBefore(fresh, link.nextSibling);
    });
  }

  function connect() {
    if (source) return;
    // The page says which it is, so the preview renders the open pages first after a template change.
    source = new EventSource(path ? eventsUrl + "?path=" + encodeURIComponent(path) : eventsUrl);
    source.addEventListener("hello", function (e) {
      var data = JSON.parse(e.data);
      if (data.error) showError(data.error);
      else if (data.build !== build) location.reload();
    });
    source.addEventListener("reload", function (e) {
      var data = JSON.parse(e.data);
      if (overlay || data.all || !path || data.pages.indexOf(path) >= 0) location.reload();
      else build = data.build;
    });
    source.addEventListener("css", function (e) {
      var data = JSON.parse(e.data);
      build = data.build;
      clearError();
      swapStylesheets(data.renamed);
    });
    source.addEventListener("failed", function (e) {
      showError(JSON.parse(e.data).message);
    });
  }

  function disconnect() {
    if (source) {
      source.close();
      source = null;
    }
  }

  // A hidden tab lets go of its connection (browsers allow only a few per host) and catches up when shown.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) disconnect();
    else connect();
  });
  if (!document.hidden) connect();
})();
