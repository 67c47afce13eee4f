// The console's one script, bundled by esbuild at `npm run build` (package.json build:console):
// htmx and its server-sent-events extension, from npm. Pages work without it; it adds the live
// device list, the live device page and the rule check as you type. No inline code anywhere, so
// the Content-Security-Policy can forbid inline scripts, inline styles and eval.
import htmx from "htmx.org";
import "htmx-ext-sse";

// Also in each page's <meta name="htmx-config">; htmx reads both when the page has loaded,
// after this module has run.
htmx.config.includeIndicatorStyles = false; // it would inject an inline <style>, which the CSP refuses
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
htmx.config.selfRequestsOnly = true;

/**
 * Keeps keyboard focus across a live refresh. The device list replaces its whole table when a
 * device changes (about once a second while a fleet runs); the focused link went with it and
 * focus fell back to <body>, so a keyboard or screen reader user was sent to the top of the page
 * every second. Before the swap we note what had focus (its id, else its link, else its name);
 * after it, the element that stands for the same thing takes the focus again, without scrolling.
 * If it is gone (that device left the list), the refreshed region itself takes it.
 */
let refocus = null;

function focusSelector(element) {
  if (element.id) return `#${CSS.escape(element.id)}`;
  const href = element.getAttribute("href");
  if (href) return `${element.localName}[href="${CSS.escape(href)}"]`;
  const name = element.getAttribute("name");
  if (name) return `${element.localName}[name="${CSS.escape(name)}"]`;
  return null;
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  const active = document.activeElement;
  refocus = target && active && active !== document.body && target.contains(active) ? { target, selector: focusSelector(active) } : null;
});

document.addEventListener("htmx:afterSwap", (event) => {
  if (!refocus || refocus.target !== event.detail.target) return;
  const { target, selector } = refocus;
  refocus = null;
  const again = selector ? target.querySelector(selector) : null;
  if (again) return again.focus({ preventScroll: true });
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
});

/**
 * Says on a live page when its live channel (GET /events) fails, in the region's status line, so
 * an admin does not take what the page shows for current. An EventSource error does not tell why
 * it failed, so the page asks /events once itself: no answer means the service is not answering
 * (htmx retries by itself, and the line goes away when it reconnects); 401 means this session is
 * gone (sessions live in the service's memory, so a restart ends them), and only signing in again
 * brings the updates back.
 */
const probing = new WeakSet();

async function channelState(url) {
  const controller = new AbortController();
  try {
    const response = await fetch(url, { signal: controller.signal, cache: "no-store", headers: { accept: "text/event-stream" } });
    controller.abort();
    return response.status === 401 ? "signedOut" : response.ok ? "working" : "down";
  } catch {
    return "down";
  }
}

function liveStatus(region) {
  return region.querySelector(":scope > .live-status");
}

function say(status, words, linkText, href) {
  const link = document.createElement("a");
  link.href = href;
  link.textContent = linkText;
  status.replaceChildren(`${words} `, link, ".");
}

document.addEventListener("htmx:sseError", async (event) => {
  const region = event.target;
  const status = liveStatus(region);
  if (!status || probing.has(region)) return;
  probing.add(region);
  const state = await channelState(region.getAttribute("sse-connect"));
  probing.delete(region);
  const here = `${location.pathname}${location.search}`;
  if (state === "signedOut") {
    say(status, "Not updating: you are signed out (the service may have restarted), so this page no longer shows changes.", "Sign in again", `/signin?next=${encodeURIComponent(here)}`);
  } else if (state === "down") {
    say(status, "Not updating: the service is not answering, so what this page shows may be out of date. It reconnects by itself when the service is back, or", "reload the page", here);
  }
});

document.addEventListener("htmx:sseOpen", (event) => {
  const status = liveStatus(event.target);
  if (status) status.replaceChildren();
});
