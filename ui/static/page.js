// Page script of the chat (injected by ui/page.py with window.__qaConfig set before it):
// the page language, Vietnamese for Streamlit's own strings and labels, icon names hidden from screen
// readers, [n] markers that open their passage, the copy buttons, and the browser-id cookie.
(function () {
  const cfg = window.__qaConfig || {};
  const doc = window.document;

  // Cookies: the browser's history id and the conversation on screen (a year; this site only).
  for (const [name, value] of Object.entries(cfg.cookies || {})) {
    if (!value) continue;
    const current = doc.cookie.split("; ").find((c) => c.startsWith(name + "="));
    if (current !== name + "=" + value && (name !== cfg.browserCookie || !current)) {
      doc.cookie = name + "=" + value + "; path=/; max-age=31536000; SameSite=Lax";
    }
  }
  doc.documentElement.lang = "vi";
  if (window.__qaPageReady) return;
  window.__qaPageReady = true;

  const exact = new Map(Object.entries(cfg.exact || {}));
  const patterns = (cfg.patterns || []).map(([p, r]) => [new RegExp(p), r]);
  const ATTRS = ["aria-label", "title", "placeholder", "alt", "aria-description", "aria-roledescription"];

  function translated(text) {
    const key = text.trim();
    if (!key) return null;
    if (exact.has(key)) return text.replace(key, exact.get(key));
    for (const [re, repl] of patterns) {
      if (re.test(key)) return text.replace(key, key.replace(re, repl));
    }
    return null;
  }

  function fixElement(el) {
    for (const attr of ATTRS) {
      const value = el.getAttribute && el.getAttribute(attr);
      if (value) {
        const vi = translated(value);
        if (vi !== null && vi !== value) el.setAttribute(attr, vi);
      }
    }
    // Material icons are drawn from their ligature name ("format_quote"): not words to read aloud.
    if (el.matches && el.matches('[data-testid="stIconMaterial"], .material-symbols-rounded, [data-testid="stIconEmoji"]')) {
      if (el.getAttribute("aria-hidden") !== "true") el.setAttribute("aria-hidden", "true");
      el.setAttribute("translate", "no");
    }
  }

  function fixTree(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      const vi = translated(root.nodeValue || "");
      if (vi !== null && vi !== root.nodeValue) root.nodeValue = vi;
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    for (const el of root.querySelectorAll("*")) fixElement(el);
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const vi = translated(node.nodeValue || "");
      if (vi !== null && vi !== node.nodeValue) node.nodeValue = vi;
    }
  }

  // Translated in the observer's own callback, a microtask after the change: before the next paint and
  // before any other script reads the page. (On the next animation frame, as before, a test's scan could
  // run first and find Streamlit's "Thumbs up": 1 run in 4 of the browser tests on this machine.)
  new MutationObserver((mutations) => {
    const roots = new Set();
    for (const m of mutations) {
      if (m.type === "childList") m.addedNodes.forEach((n) => roots.add(n));
      else roots.add(m.target);
    }
    for (const root of roots) if (root.isConnected) fixTree(root);
    if (doc.documentElement.lang !== "vi") doc.documentElement.lang = "vi";
  }).observe(doc.documentElement, {
    childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: ATTRS.concat(["lang"]),
  });
  fixTree(doc.body);

  // [n] in an answer: open its passage (an expander keyed qa-cite-TURN-N) and bring it into view.
  doc.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.qa-cite");
    if (!link) return;
    event.preventDefault();
    const box = doc.querySelector(".st-key-" + link.dataset.target);
    if (!box) return;
    const details = box.querySelector("details");
    if (details && !details.open) details.querySelector("summary").click();
    box.scrollIntoView({ behavior: "smooth", block: "start" });
    box.classList.add("qa-flash");
    setTimeout(() => box.classList.remove("qa-flash"), 1600);
    const summary = box.querySelector("summary");
    if (summary) summary.focus({ preventScroll: true });
  });

  doc.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("button.qa-print")) window.print();
  });

  // Copy buttons: the text travels in the button's data-text attribute.
  doc.addEventListener("click", async (event) => {
    const button = event.target.closest && event.target.closest("button.qa-copy");
    if (!button) return;
    const text = button.dataset.text || "";
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch (e) {
      const area = doc.createElement("textarea");
      area.value = text;
      area.setAttribute("aria-hidden", "true");
      area.style.position = "fixed";
      area.style.opacity = "0";
      doc.body.appendChild(area);
      area.select();
      try { ok = doc.execCommand("copy"); } catch (e2) { ok = false; }
      area.remove();
    }
    button.textContent = ok ? cfg.copied : cfg.copyFailed;
    button.dataset.copied = ok ? "yes" : "no";
  });
})();
