// qostil serve: live reload. Injected into pages by `qostil serve` only, never by `build`.
(function () {
  "use strict";
  var scrollKey = "qostil-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    var restore = function () { window.scrollTo(0, Number(saved)); };
    restore();
    window.addEventListener("load", restore);
  }

  function reload() {
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  function clearOverlay() {
    var old = document.getElementById("qostil-error-overlay");
    if (old) old.remove();
  }

  function showOverlay(errors) {
    clearOverlay();
    var box = document.createElement("div");
    box.id = "qostil-error-overlay";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,10,10,.92);" +
      "color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem;overflow:auto";
    var title = document.createElement("h2");
    title.textContent = "qostil: the last change does not build";
    title.style.cssText = "margin:0 0 1rem;font:600 1.2rem/1.3 system-ui,sans-serif;color:#ffb4a8";
    box.appendChild(title);
    errors.forEach(function (e) {
      var p = document.createElement("pre");
      p.style.cssText = "white-space:pre-wrap;margin:0 0 .75rem;padding:.75rem;background:#2a1616;border-left:4px solid #ff6b57";
      p.textContent = e;
      box.appendChild(p);
    });
    var note = document.createElement("p");
    note.textContent = "The page shows the last good build. Fix the file and save: this overlay goes away by itself.";
    note.style.cssText = "font-family:system-ui,sans-serif;color:#ddd";
    box.appendChild(note);
    document.body.appendChild(box);
  }

  // assets: logical path → published path (`style.css` → `style.3f2a9c1e.css`): a changed
  // stylesheet has a new name; others get a fresh query string.
  function swapStylesheets(assets) {
    var stamp = Date.now();
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      var plain = url.pathname.replace(/\.[0-9a-f]{8}(\.css)$/, "$1");
      var renamed = false;
      Object.keys(assets || {}).forEach(function (logical) {
        if (!renamed && plain.slice(-logical.length - 1) === "/" + logical) {
          url.pathname = plain.slice(0, plain.length - logical.length) + assets[logical];
          renamed = true;
        }
      });
      if (!renamed) url.searchParams.set("qostil", String(stamp));
      link.href = url.toString();
    });
  }

  var connectedBefore = false;
  function connect() {
    var source = new EventSource("/_qostil/events");
    source.addEventListener("hello", function (event) {
      var data = JSON.parse(event.data || "{}");
      // After the server restarted, the page may be out of date.
      if (connectedBefore && !data.error) reload();
      connectedBefore = true;
      if (data.error) showOverlay(data.error); else clearOverlay();
    });
    source.addEventListener("reload", function (event) {
      var data = JSON.parse(event.data || "{}");
      clearOverlay();
      var paths = data.paths || [];
      var here = location.pathname;
      if (paths.indexOf("*") >= 0 || paths.indexOf(here) >= 0 || window.__qostilNotFound) reload();
    });
    source.addEventListener("css", function (event) {
      swapStylesheets(JSON.parse(event.data || "{}").assets);
    });
    source.addEventListener("build-error", function (event) {
      showOverlay(JSON.parse(event.data).error);
    });
    source.addEventListener("ok", clearOverlay);
    window.__qostilEvents = source;
  }
  connect();
})();
