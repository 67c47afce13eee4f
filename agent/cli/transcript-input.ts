/**
 * The transcript `show` and `replay` are given: a file, or "-" for standard input (a transcript
 * piped in, as `curl -s URL | aosp-sim show -` fetches a ticket's attachment). Before, "-" was
 * looked for as a file, "no such file", with the fix to check the path.
 */
import { parseRecordedPart, parseTranscript, readRecordedPart, readTranscriptFile, readTranscriptStream, type RecordedPart, type Transcript } from "../report/read-transcript.js";
import { refuseTerminalStdin, type StdinUse } from "./input.js";
import { STDIN_LABEL } from "./output.js";

const stdinTranscript = (command: string): StdinUse => ({
  noun: "transcript",
  pipe: "a transcript",
  example: `aosp-sim ${command} - < enrollment.jsonl`,
});

async function stdinText(command: string): Promise<string> {
  // A terminal would wait, silently, for a transcript nobody is typing.
  refuseTerminalStdin(stdinTranscript(command));
  return readTranscriptStream(process.stdin, STDIN_LABEL);
}

/** What `show` reads: the recording as far as it goes (one cut off included). */
export async function transcriptToShow(file: string): Promise<RecordedPart> {
  return file === "-" ? parseRecordedPart(await stdinText("show"), STDIN_LABEL) : readRecordedPart(file);
}

/** What `replay` reads: a whole transcript (one cut off is refused). */
export async function transcriptToReplay(file: string): Promise<Transcript> {
  return file === "-" ? parseTranscript(await stdinText("replay"), STDIN_LABEL) : readTranscriptFile(file);
}
