/** Signing in to the console over plain HTTP, as a browser does (for tests without a browser). */
import { expect } from "vitest";
import { DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";
import type { MockService } from "../../../mock-service/index.js";
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
