/**
 * Small transcripts written by hand, each record as a run writes it unless a test changes it: a
 * start record, the boot to the welcome screen, and an end record there.
 */
import { expect } from "vitest";
import { registerReplay } from "../../agent/cli/replay.js";
import { registerShow } from "../../agent/cli/show.js";
import { InputError } from "../../agent/protocol/errors.js";
import { parseTranscript } from "../../agent/report/read-transcript.js";
import { TRANSCRIPT_FORMAT } from "../../agent/report/transcript.js";
import { runCommand, type InProcessResult } from "./in-process-cli.js";

export const AT = "2025-01-01T00:00:00.000Z";
export const IDENTITY = { serialNumber: "R3CT40KX9ZB", manufacturer: "Vuzix", model: "M400", osVersion: "11" };

type Fields = Record<string, unknown>;

export const startRecord = (change: Fields = {}): Fields => ({ type: "start", format: TRANSCRIPT_FORMAT, at: AT, identity: IDENTITY, faults: [], clock: "simulated", payloadText: null, seed: 7, ...change });
export const stateRecord = (change: Fields = {}): Fields => ({ type: "state", at: AT, elapsedMs: 0, state: "welcome", event: "power on", detail: "Welcome", from: "off", eventType: "BOOT", ...change });
export const endRecord = (change: Fields = {}): Fields => ({ type: "end", at: AT, finalState: "welcome", finalStatePath: "welcome", failure: null, apps: [], ...change });

/** Records as JSON lines, each ended by a newline. */
export function jsonLines(records: readonly Fields[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join("");
}

/** A whole transcript: the start record (changed by `start`), the boot (changed by `state`), `between`, the end record. */
export function transcriptText(start: Fields = {}, state: Fields = {}, between: readonly Fields[] = []): string {
  return jsonLines([startRecord(start), stateRecord(state), ...between, endRecord()]);
}

/** Why parseTranscript (replay's reading) refuses `text`, as the InputError it throws. */
export function refusal(text: string): InputError {
  try {
    parseTranscript(text, "t.jsonl");
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("the transcript was accepted");
}

/** `show FILE` and `replay FILE`, each run in this process. */
export async function showAndReplay(file: string): Promise<{ show: InProcessResult; replay: InProcessResult }> {
  return { show: await runCommand(registerShow, ["show", file]), replay: await runCommand(registerReplay, ["replay", file]) };
}
