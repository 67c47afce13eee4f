/** Signing in to the console over plain HTTP, as a browser does (for tests without a browser). */
import { afterAll, beforeAll, expect } from "vitest";
import { DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";
import { startMockService, type MockService, type MockServiceOptions } from "../../../mock-service/index.js";
import type { ServiceApp } from "../../helpers/service-app.js";

export const FORM = "application/x-www-form-urlencoded";
export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export interface ConsoleSession {
  /** The Cookie header value. */
  cookie: string;
  /** The session's CSRF token, as its pages carry it. */
  csrf: string;
  setCookie: string;
  location: string;
}

export async function signIn(service: Pick<MockService, "url" | "adminToken">, token = service.adminToken): Promise<ConsoleSession> {
  const response = await fetch(`${service.url}/signin`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, origin: service.url },
    body: form({ token, next: "/devices" }),
  });
  expect(response.status).toBe(303);
  const setCookie = response.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0]!;
  const page = await (await fetch(`${service.url}/devices`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
  return { cookie, csrf, setCookie, location: response.headers.get("location") ?? "" };
}

/** A service started for a test file, and a console session signed in to it. */
export interface SignedInService {
  readonly service: MockService;
  readonly session: ConsoleSession;
}

/**
 * Starts a service before the file's tests and signs in to its console, and closes it after them
 * (call it at the top of a test file). Its service and session are there from the first hook on.
 */
export function signedInService(options?: MockServiceOptions): SignedInService {
  let started: { service: MockService; session: ConsoleSession } | undefined;
  beforeAll(async () => {
    const service = await startMockService(options);
    started = { service, session: await signIn(service) };
  });
  afterAll(() => started?.service.close());
  const get = () => {
    if (!started) throw new Error("signedInService: the service starts in beforeAll; use it inside a test or a hook");
    return started;
  };
  return {
    get service() {
      return get().service;
    },
    get session() {
      return get().session;
    },
  };
}

/** Enrolls `count` devices with a profile's token through the device API (serial numbers SN0000 on), in process. */
export async function enrollDevices(t: ServiceApp, enrollmentToken: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const reply = await t.app.inject({
      method: "POST",
      url: `${DEVICE_API_PREFIX}/enroll`,
      payload: { enrollmentToken, serialNumber: `SN${String(i).padStart(4, "0")}`, model: "Pixel 8", manufacturer: "Google", osVersion: "14", agentVersion: "24.9.2" },
    });
    expect(reply.statusCode).toBe(200);
  }
}
