/**
 * A worker thread of `aosp-sim validate` over many inputs (validate-batch.ts): validates one
 * file per task. Unreadable input comes back as an entry, not a throw, because an InputError
 * loses its class on the way back from a worker.
 */
import { validateFile, type BatchEntry } from "./validate-batch.js";
import type { ValidateOptions } from "./validate.js";

export default function validateTask({ file, options }: { file: string; options: ValidateOptions }): Promise<BatchEntry> {
  return validateFile(file, options);
}
