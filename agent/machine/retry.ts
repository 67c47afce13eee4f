/**
 * Retrying a service call: exponential backoff on the device's clock, a bounded number of tries.
 * With the defaults (5 attempts, 2 s doubling) a call is tried at 0, 2, 6, 14 and 30 s, then the
 * step fails naming the cause.
 */
import type { DeviceSettings, RetryState, StepFailure } from "./types.js";

/** Attempts made at `step` once this failure is counted (1 for a first failure). */
export function attemptsMade(retry: RetryState | null, step: string): number {
  return (retry !== null && retry.step === step ? retry.attempt : 0) + 1;
}

export function backoffDelay(policy: DeviceSettings["retry"], attempt: number): number {
  return Math.min(policy.maxDelayMs, Math.round(policy.baseDelayMs * policy.factor ** (attempt - 1)));
}

export function mayRetry(settings: DeviceSettings, retry: RetryState | null, step: string, cause: StepFailure): boolean {
  return cause.retryable && attemptsMade(retry, step) < settings.retry.maxAttempts;
}

export function nextRetry(settings: DeviceSettings, retry: RetryState | null, step: string, cause: StepFailure): RetryState {
  const attempt = attemptsMade(retry, step);
  const delayMs = backoffDelay(settings.retry, attempt);
  return { step, attempt, delayMs, dueAt: cause.at + delayMs, cause };
}
