// medsite serve: live reload. Added to HTML responses by the server only;
// files in the output folder never contain it.
(() => {
  "use strict";
  const scrollKey = "medsite-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    const restore = () => window.scrollTo(0, Number(saved));
    if (document.readyState === "complete") restore();
    else window.addEventListener("load", restore);
  }

  let overlay = null;
  function showError(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "medsite-error-overlay";
      overlay.setAttribute("role", "alert");
      Object.assign(overlay.style, {
        position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
        margin: "0", padding: "2rem", whiteSpace: "pre-wrap",
        background: "rgba(24, 24, 24, 0.94)", color: "#fff",
        font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace",
      });
      document.documentElement.appendChild(overlay);
    }
    // textContent: the diagnostics are shown as text, never parsed as HTML.
    overlay.textContent =
      "medsite: the last change broke the build; this page is the last good one.\n\n" + text;
  }
  function hideError() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function swapStylesheets(paths) {
    const changed = new Set(paths.map((path) => "/" + path));
    const links = [...document.querySelectorAll('link[rel~="stylesheet"]')].filter(
      (link) => new URL(link.href, location.href).origin === location.origin,
    );
    const direct = links.filter((link) => changed.has(new URL(link.href, location.href).pathname));
    // A changed file that no link names may be @imported: refresh them all.
    for (const link of direct.length ? direct : links) {
      const url = new URL(link.href, location.href);
      url.searchParams.set("medsite-reload", String(Date.now()));
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove());
      fresh.addEventListener("error", () => link.remove());
      link.after(fresh);
    }
  }

  function reload(navigate) {
    if (navigate && navigate !== location.pathname) {
      location.href = navigate;
      return;
    }
    sessionStorage.setItem(scrollKey, String(window.scrollY));
    location.reload();
  }

  const source = new EventSource("/__medsite/reload");
  source.onmessage = (event) => {
    const message = JSON.parse(event.data);
    switch (message.kind) {
      case "error": showError(message.text); break;
      case "ok": hideError(); break;
      case "css": hideError(); swapStylesheets(message.paths); break;
      case "reload": reload(message.navigate); break;
    }
  };
})();
