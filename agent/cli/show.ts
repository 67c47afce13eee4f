/**
 * `aosp-sim show <transcript>`: the timeline as `enroll` printed it, then the HTTP exchanges;
 * with --html FILE, one self-contained page (agent/report/transcript-html.ts). A recording cut off
 * before its end record (a run killed before it could write one) is shown as far as it goes, and
 * said to be cut off (exit 0: what it holds is shown; `replay` refuses it). One a signal
 * interrupted ends with its end record, which says so: shown as interrupted, no warning.
 */
import type { Command } from "commander";
import { InputError } from "../protocol/errors.js";
import { checkOutputFile, refuseUnwritable, writeFailed } from "../protocol/output-path.js";
import { printable } from "../protocol/printable.js";
import { replaceFile } from "../protocol/replace-file.js";
import { machineDiagram } from "../machine/diagram.js";
import { deviceMachine } from "../machine/device-machine.js";
import { identityLine } from "../report/device-output.js";
import { endingLine, timelineOf } from "../report/read-transcript.js";
import { transcriptHtml } from "../report/transcript-html.js";
import { injectedBy } from "../report/transcript.js";
import { formatTimelineEntry, timelineHeader } from "../report/timeline.js";
import { routeOf } from "../sim/replay-compare.js";
import { action, err, EXIT_OK, formatInputError, inputLabel, out, printError, printLine } from "./output.js";
import { refuseEmptyFileArguments } from "./input.js";
import { transcriptToShow } from "./transcript-input.js";

export function registerShow(program: Command): void {
  program
    .command("show")
    .description("Print a transcript's timeline (as enroll printed it) and its HTTP exchanges; --html writes one self-contained page.")
    .argument("<transcript>", "a transcript written by `enroll --transcript FILE` or `run --transcript FILE` (- reads it from stdin); one cut off before its end record (a killed run) is shown as far as it goes, said on stderr, exit 0")
    .option("--html <file>", "write a page with the timeline, the state diagram with this device's path, and each HTTP exchange")
    .action(action(show));
}

async function show(file: string, options: { html?: string }): Promise<number> {
  refuseEmptyFileArguments("show", [file], "the transcript", "aosp-sim show enrollment.jsonl");
  if (options.html !== undefined) checkOutputFile({ option: "--html", path: options.html, what: "HTML page", example: "transcript.html" }, [{ path: file, what: "transcript" }]);
  const transcript = await transcriptToShow(file);
  if (transcript.cutOff !== null) {
    const warning = new InputError(`the recording was cut off (${transcript.cutOff}): shown as far as it goes`, {
      where: inputLabel(file),
      hint: "record the run again and let it finish to replay it",
    });
    printError(formatInputError(warning, err.yellow("aosp-sim: warning:")));
  }
  if (options.html !== undefined) {
    refuseUnwritable(options.html, "transcript.html", "cannot be written");
    try {
      // Whole or not at all: a disk filling half-way leaves the page written before as it was.
      replaceFile(options.html, transcriptHtml(transcript, machineDiagram(deviceMachine)));
    } catch (error) {
      throw writeFailed(error, options.html, "cannot be written");
    }
    printLine(`wrote ${printable(options.html)}`);
    return EXIT_OK;
  }
  const { start } = transcript;
  // A transcript is a file from outside: what it says is shown, not obeyed by the terminal.
  printLine(out.bold(printable(`Device: ${identityLine(start.identity, start.seed ?? undefined)}`)));
  if (start.faults.length > 0) printLine(out.yellow(printable(`Faults: ${start.faults.join(", ")}`)));
  printLine(timelineHeader(out));
  for (const entry of timelineOf(transcript.records)) printLine(formatTimelineEntry(entry, out));
  printLine();
  const exchanges = transcript.records.filter((r) => r.type === "http");
  // A recording cut off before its first request has none: said, rather than a heading over nothing.
  printLine(out.bold(exchanges.length === 0 ? "HTTP exchanges: none recorded" : "HTTP exchanges:"));
  for (const r of exchanges) {
    const outcome = r.response ? String(r.response.status) : `no answer: ${r.error ?? "error"}`;
    const injected = injectedBy(r);
    printLine(printable(`  ${r.method.padEnd(5)} ${routeOf(r.url).padEnd(60)} ${outcome}${injected !== null ? `  (${injected})` : ""}`));
  }
  printLine();
  printLine(printable(endingLine(transcript)));
  return EXIT_OK;
}
