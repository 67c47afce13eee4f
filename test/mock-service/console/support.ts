/** Signing in to the console over plain HTTP, as a browser does (for tests without a browser). */
import { expect } from "vitest";
import type { MockService } from "../../../mock-service/index.js";

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
