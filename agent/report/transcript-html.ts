/**
 * `aosp-sim show --html`: one self-contained page (no scripts or styles fetched from anywhere)
 * with the device's timeline, the machine's states with the path this device took highlighted
 * (failure states in red), and every HTTP exchange as an expandable <details> element.
 *
 * The diagram is the machine's structure (agent/machine/diagram.ts) drawn as nested boxes, one
 * per state, in the machine's order: each box the device entered has class "visited" and
 * `data-order` (the step it was first entered at); failure states have class "failure".
 */
import type { HttpRecord } from "../client/http.js";
import type { MachineDiagram } from "../machine/diagram.js";
import type { RecordedPart, Transcript } from "./read-transcript.js";
import { endingLine, timelineOf } from "./read-transcript.js";
import { formatElapsed, timelineState } from "./timeline.js";
import { injectedBy } from "./transcript.js";

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Every state path the device was in, in the order first entered (parents included). */
export function visitedStates(transcript: Pick<Transcript, "records">): string[] {
  const seen: string[] = [];
  for (const r of transcript.records) {
    if (r.type !== "state") continue;
    const parts = r.state.split(".");
    for (let i = 1; i <= parts.length; i++) {
      const path = parts.slice(0, i).join(".");
      if (!seen.includes(path)) seen.push(path);
    }
  }
  return seen;
}

/** The page of a transcript; one interrupted, or cut off before its end record, says so where the ending goes. */
export function transcriptHtml(transcript: RecordedPart, diagram: MachineDiagram): string {
  const { start } = transcript;
  const visited = visitedStates(transcript);
  const id = start.identity;
  const timeline = timelineOf(transcript.records)
    .map((e) => `<tr class="${e.kind}"><td>${formatElapsed(e.elapsedMs)}</td><td>${esc(timelineState(e.state))}</td><td>${esc(e.event)}</td><td>${esc(e.detail)}</td></tr>`)
    .join("\n");
  const exchanges = transcript.records.filter((r): r is HttpRecord => r.type === "http").map(exchangeHtml).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aosp-sim transcript: ${esc(id.serialNumber)}</title>
<style>
/* The diagram's boxes are scoped to #diagram: the timeline's rows are <tr class="state"> too. */
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;vertical-align:top}
tr.power td{color:#946000}tr.note td{color:#0a6a7a}
/* Every text colour is 4.5:1 or more on its background (WCAG AA): the states not taken are grey on
   white and on the path's blue, a failure state the device ended in darker red on its pink. */
#diagram .state{border:1px solid #bbb;border-radius:4px;margin:3px;padding:2px 6px;display:inline-block;vertical-align:top;color:#666}
#diagram .state.compound,#diagram .state.parallel{display:block}
#diagram .state.visited{border:2px solid #1f6feb;background:#e7f0ff;color:#000;font-weight:600}
#diagram .state.failure{border-color:#c0392b;color:#c0392b}#diagram .state.failure.visited{background:#fde2e1;color:#a93226}
details{margin:4px 0}summary{cursor:pointer;font-family:monospace}pre{background:#f6f6f6;padding:6px;overflow:auto}
</style></head><body><main>
<h1>Device ${esc(id.manufacturer)} ${esc(id.model)}, Android ${esc(id.osVersion)}, serial ${esc(id.serialNumber)}</h1>
<p>Seed ${start.seed ?? "none recorded"}; faults: ${esc(start.faults.join(", ") || "none")}; clock: ${start.clock}; ${endingHtml(transcript)}.</p>
<h2>Timeline</h2>
<table id="timeline"><thead><tr><th>elapsed</th><th>state</th><th>event</th><th>detail</th></tr></thead><tbody>
${timeline}
</tbody></table>
<h2>States</h2>
<p>Path taken: <span id="path">${visited.map(esc).join(" → ")}</span></p>
<div id="diagram">${statesHtml(diagram, "", visited)}</div>
<h2>HTTP exchanges</h2>
<div id="exchanges">
${exchanges}
</div>
</main></body></html>
`;
}

/** How the run ended: in its final state, stopped short (--until, its time out, a signal), or cut off before its end record. */
function endingHtml(transcript: RecordedPart): string {
  const { end } = transcript;
  if (end === null) return `<b id="cut-off">${esc(endingLine(transcript))}</b>`;
  if (end.interrupted !== undefined) return `<b id="interrupted">${esc(endingLine(transcript))}</b>`;
  if (end.until !== undefined || end.timedOut) return `<b id="stopped">${esc(endingLine(transcript))}</b>`;
  return `ended in <b id="final-state">${esc(end.finalStatePath)}</b>${end.failure ? ` (${esc(end.failure.code)}: ${esc(end.failure.message)})` : ""}`;
}

/** The states directly under `parent` ("" for the top), nested. */
function statesHtml(diagram: MachineDiagram, parent: string, visited: readonly string[]): string {
  const children = diagram.states.filter((s) => s.path.split(".").length === (parent === "" ? 1 : parent.split(".").length + 1) && (parent === "" || s.path.startsWith(`${parent}.`)));
  return children
    .map((s) => {
      const order = visited.indexOf(s.path);
      const classes = ["state", s.type, ...(order >= 0 ? ["visited"] : []), ...(s.tags.includes("failure") ? ["failure"] : [])];
      const inner = s.type === "compound" || s.type === "parallel" ? statesHtml(diagram, s.path, visited) : "";
      return `<div class="${classes.join(" ")}" data-path="${esc(s.path)}"${order >= 0 ? ` data-order="${order}"` : ""} title="${esc(s.description ?? "")}">${esc(s.path.split(".").at(-1)!)}${inner}</div>`;
    })
    .join("");
}

function exchangeHtml(r: HttpRecord): string {
  const outcome = r.response ? String(r.response.status) : `no answer (${r.error ?? "error"})`;
  const injected = injectedBy(r);
  return `<details class="exchange"><summary>${esc(r.method)} ${esc(r.url)} → ${esc(outcome)}${injected !== null ? ` [${esc(injected)}]` : ""}</summary><pre>${esc(JSON.stringify({ request: r.request, response: r.response, error: r.error, durationMs: r.durationMs }, null, 2))}</pre></details>`;
}
