/**
 * The agent's client for the device API (agent/protocol/device-api.ts), implementing ServicePort
 * over HttpTransport. Error bodies become StepError carrying the service's code ("tokenRevoked",
 * "agentVersionTooOld", ...); 5xx answers become retryable "serviceUnavailable" failures.
 */
import {
  deviceRoutes,
  type AcceptTermsRequest,
  type AcknowledgeActionRequest,
  type CheckInRequest,
  type CheckInResponse,
  type EnrollRequest,
  type EnrollResponse,
  type ErrorBody,
  type PolicyStateReport,
  type SignInRequest,
  type SignInResponse,
  type UpdatesResponse,
  type UploadLogsRequest,
  type UploadLogsResponse,
} from "../protocol/device-api.js";
import { TAKES_LIGHT_SIGNALS, type LightSignal } from "../protocol/light-abort.js";
import { StepError } from "../machine/step-error.js";
import type { Session } from "../machine/types.js";
import { jsonBody, type HttpResponse, type HttpTransport } from "./http.js";

/**
 * Implements agent/device/ports.ts ServicePort (checked where the device is assembled: the
 * client sits below the device and does not import it).
 */
export class ServiceClient {
  /** Its signal parameters are typed LightSignal (agent/protocol/light-abort.ts). */
  readonly [TAKES_LIGHT_SIGNALS] = true;
  constructor(private readonly http: HttpTransport) {}

  enroll(serviceUrl: string, body: EnrollRequest, signal: LightSignal): Promise<EnrollResponse> {
    return this.call<EnrollResponse>("POST", join(serviceUrl, deviceRoutes.enroll()), { body, signal });
  }

  signIn(session: Session, body: SignInRequest, signal: LightSignal): Promise<SignInResponse> {
    // A 429 here is the account lockout (accountLocked): the sign-in screen shows it; the transport
    // must not wait it out and send the same password again.
    return this.forDevice<SignInResponse>("POST", session, deviceRoutes.signIn(session.deviceId), signal, body, { retryThrottled: false });
  }

  checkIn(session: Session, body: CheckInRequest, signal: LightSignal): Promise<CheckInResponse> {
    return this.forDevice<CheckInResponse>("POST", session, deviceRoutes.checkIn(session.deviceId), signal, body);
  }

  getUpdates(session: Session, signal: LightSignal): Promise<UpdatesResponse> {
    return this.forDevice<UpdatesResponse>("GET", session, deviceRoutes.updates(session.deviceId), signal);
  }

  async acknowledge(session: Session, actionId: string, body: AcknowledgeActionRequest, signal: LightSignal): Promise<void> {
    await this.forDevice<unknown>("POST", session, deviceRoutes.acknowledge(session.deviceId, actionId), signal, body);
  }

  async acceptTerms(session: Session, termsId: string, body: AcceptTermsRequest, signal: LightSignal): Promise<void> {
    await this.forDevice<unknown>("POST", session, deviceRoutes.acceptTerms(session.deviceId, termsId), signal, body);
  }

  async reportPolicyStates(session: Session, body: PolicyStateReport, signal: LightSignal): Promise<void> {
    await this.forDevice<unknown>("POST", session, deviceRoutes.policyStates(session.deviceId), signal, body);
  }

  uploadLogs(session: Session, body: UploadLogsRequest, signal: LightSignal): Promise<UploadLogsResponse> {
    return this.forDevice<UploadLogsResponse>("POST", session, deviceRoutes.logs(session.deviceId), signal, body);
  }

  /** A call on the enrolled device's own routes, with its credential. */
  private forDevice<T>(
    method: "GET" | "POST",
    session: Session,
    route: string,
    signal: LightSignal,
    body?: unknown,
    extra: { retryThrottled?: boolean } = {},
  ): Promise<T> {
    return this.call<T>(method, join(session.serviceUrl, route), { signal, session, ...extra, ...(body === undefined ? {} : { body }) });
  }

  private async call<T>(
    method: "GET" | "POST",
    url: string,
    options: { body?: unknown; signal: LightSignal; session?: Session; retryThrottled?: boolean },
  ): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.session) headers["authorization"] = `Bearer ${options.session.deviceCredential}`;
    const response = await this.http.send({
      method,
      url,
      headers,
      ...(options.body === undefined ? {} : { json: options.body }),
      purpose: "device-api",
      signal: options.signal,
      ...(options.retryThrottled === undefined ? {} : { retryThrottled: options.retryThrottled }),
    });
    if (response.status >= 200 && response.status < 300) return jsonBody(response) as T;
    throw serviceError(method, url, response);
  }
}

/** Joins a base URL (possibly with a path prefix) and an absolute route. */
export function join(base: string, route: string): string {
  return `${base.replace(/\/+$/, "")}${route}`;
}

/** The StepError a non-2xx answer stands for. */
export function serviceError(method: string, url: string, response: HttpResponse): StepError {
  const body = jsonBody(response) as Partial<ErrorBody> | undefined;
  const code = typeof body?.error?.code === "string" ? body.error.code : undefined;
  const message = typeof body?.error?.message === "string" ? body.error.message : `HTTP ${response.status}`;
  const where = `${method} ${new URL(url).pathname}`;
  if (response.status >= 500) {
    return new StepError("serviceUnavailable", `${where}: HTTP ${response.status}${code ? ` ${code}` : ""}: ${message}`, {
      retryable: true,
      status: response.status,
    });
  }
  const options: { status: number; retryable: boolean; minimumVersion?: string } = {
    status: response.status,
    // A locked account stays locked for a minute or more: retrying at once only extends it.
    retryable: response.status === 429 && code !== "accountLocked",
  };
  if (typeof body?.error?.minimumVersion === "string") options.minimumVersion = body.error.minimumVersion;
  return new StepError(code ?? `http${response.status}`, `${where}: ${message}`, options);
}
