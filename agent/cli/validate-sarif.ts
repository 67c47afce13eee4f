/**
 * `aosp-sim validate --format sarif`: the findings as one SARIF 2.1.0 log, so payloads kept in a
 * repository show their findings in code-scanning UIs. Each result carries its rule id, the
 * file, the line and column of the key its JSON pointer names, or of a JSON syntax error (for payload JSON files; for
 * images, Graph profiles and base64 payloads the file alone, with the pointer as a logical
 * location), and the fix. Each rule carries its summary as help text. Columns are in UTF-16 code
 * units, SARIF's default, and the run says so (columnKind): the messages' own "line L column C",
 * for people, count characters, so the two differ on a line with an emoji before the place. A
 * file's byte-order mark is not counted (SARIF: regions do not depend on one); a second U+FEFF is
 * text, and is (agent/payload/json-locations.ts).
 */
import { RULES, ruleInfo, type Finding } from "../payload/index.js";
import { discardedOccurrences, findingPosition } from "../payload/json-locations.js";
import { packageVersion } from "../protocol/version.js";
import { errorDocument, type ErrorDocument } from "./output.js";
import type { BatchEntry } from "./validate-batch.js";

const LEVELS = { error: "error", warning: "warning", info: "note" } as const;

/**
 * A file as SARIF's artifactLocation.uri takes it: a URI reference (RFC 3986), each path segment
 * percent-encoded. Written as typed, a name with a space, "%" or a letter outside ASCII failed the
 * SARIF schema, one with "#" lost the rest of its name to a fragment, and "a:b.json" read as a
 * scheme. Relative paths stay relative (code scanning resolves them against the repository); an
 * absolute path, POSIX or a Windows drive, becomes a file: URI, the absolute URI GitHub code
 * scanning converts to one relative to the checkout ("Specifying the root for source files"),
 * where "/home/runner/..." alone would be read as relative to the repository's root.
 */
function artifactUri(file: string): string {
  if (file === "-") return "stdin";
  const segments = file.split("\\").join("/").split("/");
  const drive = /^[A-Za-z]:$/.test(segments[0] ?? "") ? `file:///${segments.shift()}/` : "";
  // "/a/b" splits to ["", "a", "b"]: the empty first segment gives file:///a/b its third slash.
  const root = drive === "" && segments.length > 1 && segments[0] === "" ? "file://" : "";
  return drive + root + segments.map((segment) => encodeURIComponent(segment)).join("/");
}

function result(entry: BatchEntry, f: Finding): object {
  const report = entry.report!;
  const text = report.source.kind === "json" && report.payload ? report.payload.text : null;
  const region = text === null ? null : findingPosition(text, f);
  // A key given twice is placed at its last occurrence, the one kept; the discarded ones are related.
  const discarded = text !== null && f.rule === "duplicate-key" ? discardedOccurrences(text, f.path) : [];
  return {
    ruleId: f.rule,
    ruleIndex: RULES.findIndex((r) => r.id === f.rule),
    level: LEVELS[f.severity],
    message: { text: f.hint === "" ? f.message : `${f.message}\nfix: ${f.hint}` },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: artifactUri(entry.file) },
        ...(region ? { region: { startLine: region.line, startColumn: region.column } } : {}),
      },
      ...(f.path === "" ? {} : { logicalLocations: [{ fullyQualifiedName: f.path, kind: "member" }] }),
    }],
    ...(discarded.length === 0 ? {} : {
      relatedLocations: discarded.map((p, i) => ({
        id: i + 1,
        physicalLocation: { artifactLocation: { uri: artifactUri(entry.file) }, region: { startLine: p.line, startColumn: p.column } },
        message: { text: "an earlier occurrence of the key, whose value is discarded" },
      })),
    }),
    properties: { jsonPointer: f.path, sourceKind: report.source.kind },
  };
}

/**
 * What stopped an input, or the whole run, from being checked: a notification, not a result, as
 * no rule was checked. An input's carries its file as the location; the run's names its `where`
 * (a glob, a folder, an option) in the text, as the stderr line does.
 */
function notification(error: ErrorDocument["error"], file: string | null): object {
  const where = file === null && error.where !== null ? `${error.where}: ` : "";
  return {
    level: "error",
    message: { text: `${where}${error.message}${error.fix ? `\nfix: ${error.fix}` : ""}` },
    ...(file === null ? {} : { locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(file) } } }] }),
    properties: { kind: error.kind },
  };
}

/**
 * The log of a run that failed before it had a report (a glob matching nothing, an empty folder,
 * a bad option): no results, `executionSuccessful: false` and the error as a notification, so a
 * CI step reading the file gets the tool's message rather than an empty file.
 */
export function sarifFailureLog(error: unknown, kind?: "usage"): object {
  return sarifLog([], [errorDocument(error, kind).error]);
}

/** The log of a run: every input's results, unreadable inputs (and `runErrors`) as notifications. */
export function sarifLog(entries: readonly BatchEntry[], runErrors: readonly ErrorDocument["error"][] = []): object {
  const notifications = [
    ...entries.flatMap((e) => (e.error ? [notification(e.error, e.file)] : [])),
    ...runErrors.map((error) => notification(error, null)),
  ];
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      columnKind: "utf16CodeUnits",
      // The line breaks the regions count (json-text.ts lineAt): SARIF's default lacks a lone CR.
      newlineSequences: ["\r\n", "\n", "\r"],
      tool: {
        driver: {
          name: "aosp-sim validate",
          version: packageVersion(),
          rules: RULES.map((r) => ({
            id: r.id,
            shortDescription: { text: r.summary },
            help: { text: `${r.summary} (rule set: ${r.set}${r.image ? ", images" : ""})` },
            defaultConfiguration: { level: LEVELS[ruleInfo(r.id).severity] },
          })),
        },
      },
      artifacts: entries.map((e) => ({ location: { uri: artifactUri(e.file) } })),
      results: entries.flatMap((e) => (e.report ? e.report.findings.map((f) => result(e, f)) : [])),
      invocations: [{
        executionSuccessful: notifications.length === 0,
        toolExecutionNotifications: notifications,
      }],
    }],
  };
}
