/**
 * The one error type actors throw. It carries a machine-readable code (the service's error code
 * such as "tokenRevoked", or a device-side one such as "checksumError"), whether another try may
 * help, and the time it happened, so the machine can decide and record without knowing which
 * adapter failed.
 */
import type { StepFailure } from "./types.js";

export class StepError extends Error implements StepFailure {
  override readonly name = "StepError";
  readonly code: string;
  readonly retryable: boolean;
  readonly status?: number;
  readonly minimumVersion?: string;
  at: number;

  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; status?: number; minimumVersion?: string; at?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    if (options.status !== undefined) this.status = options.status;
    if (options.minimumVersion !== undefined) this.minimumVersion = options.minimumVersion;
    this.at = options.at ?? Number.NaN;
  }

  toJSON(): StepFailure {
    return toStepFailure(this);
  }
}

/**
 * Turns whatever an actor threw into plain data. Anything that is not a StepError is a defect in
 * an adapter, kept as "internalError" so the device still ends in a state that says so.
 */
export function toStepFailure(error: unknown, fallbackAt = Number.NaN): StepFailure {
  const e = error as Partial<StepFailure> & { message?: unknown } | null;
  const failure: StepFailure = {
    code: typeof e?.code === "string" ? e.code : "internalError",
    message: typeof e?.message === "string" ? e.message : String(error),
    retryable: e?.retryable === true,
    at: typeof e?.at === "number" && Number.isFinite(e.at) ? e.at : fallbackAt,
  };
  if (typeof e?.status === "number") failure.status = e.status;
  if (typeof e?.minimumVersion === "string") failure.minimumVersion = e.minimumVersion;
  return failure;
}
