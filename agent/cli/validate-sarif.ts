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
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { RULES, ruleInfo, type Finding } from "../payload/index.js";
import { discardedOccurrences, findingPosition } from "../payload/json-locations.js";
import { packageVersion } from "../protocol/version.js";
import { errorDocument, type ErrorDocument } from "./output.js";
import type { BatchEntry } from "./validate-batch.js";

const LEVELS = { error: "error", warning: "warning", info: "note" } as const;

/** The base id relative artifact URIs are given against, as code-scanning tools name the source root. */
const SOURCE_ROOT_ID = "%SRCROOT%";

/** Whether `dir` holds a git work tree's `.git`: a folder with HEAD, or a worktree's `gitdir:` file. */
function holdsGitDir(dir: string): boolean {
  const git = join(dir, ".git");
  try {
    if (statSync(git).isDirectory()) return existsSync(join(git, "HEAD"));
    return readFileSync(git, "utf8").startsWith("gitdir:");
  } catch {
    return false;
  }
}

/**
 * The folder relative URIs are written against: the top of the git work tree `cwd` is in (the
 * repository's root, which GitHub code scanning resolves relative URIs against), else `cwd`.
 * Found by looking for `.git` upwards, as git does, without running git.
 */
function sourceRoot(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (holdsGitDir(dir)) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}

/** A file's artifactLocation: relative to the source root with its base id, or an absolute URI. */
interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

/**
 * Where a file is, as SARIF's artifactLocation takes it. A relative path is resolved against the
 * folder validate runs in and written relative to the source root (sourceRoot), with the base id
 * the run declares: written as typed, `cd payloads && validate a.json` put the alert on a.json at
 * the repository's root. A path outside the source root, like an absolute one, is an absolute URI.
 */
function artifactLocation(file: string, root: string): ArtifactLocation {
  if (file === "-" || isAbsolute(file) || /^[A-Za-z]:[\\/]/.test(file)) return { uri: artifactUri(file) };
  const inRoot = relative(root, resolve(file));
  if (inRoot === ".." || inRoot.startsWith(`..${sep}`) || isAbsolute(inRoot)) return { uri: artifactUri(resolve(file)) };
  return { uri: artifactUri(inRoot), uriBaseId: SOURCE_ROOT_ID };
}

/**
 * A path as a URI reference (RFC 3986), each path segment percent-encoded. Written as typed, a
 * name with a space, "%" or a letter outside ASCII failed the SARIF schema, one with "#" lost the
 * rest of its name to a fragment, and "a:b.json" read as a scheme. An absolute path, POSIX or a
 * Windows drive, becomes a file: URI, the absolute URI GitHub code scanning converts to one
 * relative to the checkout ("Specifying the root for source files"), where "/home/runner/..."
 * alone would be read as relative to the repository's root.
 */
function artifactUri(file: string): string {
  if (file === "-") return "stdin";
  const segments = file.split("\\").join("/").split("/");
  const drive = /^[A-Za-z]:$/.test(segments[0] ?? "") ? `file:///${segments.shift()}/` : "";
  // "/a/b" splits to ["", "a", "b"]: the empty first segment gives file:///a/b its third slash.
  const root = drive === "" && segments.length > 1 && segments[0] === "" ? "file://" : "";
  return drive + root + segments.map((segment) => encodeURIComponent(segment)).join("/");
}

function result(entry: BatchEntry, f: Finding, root: string): object {
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
        artifactLocation: artifactLocation(entry.file, root),
        ...(region ? { region: { startLine: region.line, startColumn: region.column } } : {}),
      },
      ...(f.path === "" ? {} : { logicalLocations: [{ fullyQualifiedName: f.path, kind: "member" }] }),
    }],
    ...(discarded.length === 0 ? {} : {
      relatedLocations: discarded.map((p, i) => ({
        id: i + 1,
        physicalLocation: { artifactLocation: artifactLocation(entry.file, root), region: { startLine: p.line, startColumn: p.column } },
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
function notification(error: ErrorDocument["error"], file: string | null, root: string): object {
  const where = file === null && error.where !== null ? `${error.where}: ` : "";
  return {
    level: "error",
    message: { text: `${where}${error.message}${error.fix ? `\nfix: ${error.fix}` : ""}` },
    ...(file === null ? {} : { locations: [{ physicalLocation: { artifactLocation: artifactLocation(file, root) } }] }),
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
  const root = sourceRoot(process.cwd());
  const notifications = [
    ...entries.flatMap((e) => (e.error ? [notification(e.error, e.file, root)] : [])),
    ...runErrors.map((error) => notification(error, null, root)),
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
      // The folder relative URIs are relative to (SARIF 3.14.14): the repository's root in a git work tree.
      originalUriBaseIds: { [SOURCE_ROOT_ID]: { uri: `${pathToFileURL(root).href.replace(/\/?$/, "/")}` } },
      artifacts: entries.map((e) => ({ location: artifactLocation(e.file, root) })),
      results: entries.flatMap((e) => (e.report ? e.report.findings.map((f) => result(e, f, root)) : [])),
      invocations: [{
        executionSuccessful: notifications.length === 0,
        toolExecutionNotifications: notifications,
      }],
    }],
  };
}
