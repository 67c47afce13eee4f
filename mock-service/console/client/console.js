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
