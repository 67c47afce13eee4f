/**
 * Base URLs as the options take them (`--service`, `--public-url`, runFleet's service.url): one
 * service is one URL however it was typed, and a URL that is wrong says what is wrong with it.
 */
import { describe, expect, it } from "vitest";
import { httpBaseUrl } from "../../agent/protocol/http-url.js";

describe("httpBaseUrl", () => {
  // Before, kept as typed: merge-reports refused two shards of one service, "HTTP://127.0.0.1:18600"
  // against "http://127.0.0.1:18600", and a leading space stood in the summary and re-run line.
  it("writes one service's URL one way, however it was typed", () => {
    for (const typed of ["http://127.0.0.1:18600", "HTTP://127.0.0.1:18600", "http://127.0.0.1:18600/", " http://127.0.0.1:18600//"]) {
      expect(httpBaseUrl(typed, "--service"), typed).toBe("http://127.0.0.1:18600");
    }
    expect(httpBaseUrl("http://Service.Example:80/intune/", "--service")).toBe("http://service.example/intune");
  });

  // Before: "it is not an absolute URL", for a URL whose only fault is its port.
  it("names a port past 65535 as the problem", () => {
    expect(() => httpBaseUrl("http://127.0.0.1:99999", "--service")).toThrow('--service: "http://127.0.0.1:99999" is not an http or https URL (its port 99999 is above 65535)');
    expect(() => httpBaseUrl("127.0.0.1:8080", "--service")).toThrow("(it is not an absolute URL)");
  });

  // Before, accepted: every path appended to the base landed in its query or fragment, and
  // credentials were copied into every QR code.
  it("refuses a query, a fragment or credentials, naming what to remove", () => {
    expect(() => httpBaseUrl("http://x:8080/?", "--service")).toThrow('--service: "http://x:8080/?" cannot be a base URL: it has a query ("?")');
    expect(() => httpBaseUrl("http://x:8080#", "--service")).toThrow('it has a fragment ("#")');
    expect(() => httpBaseUrl("http://ann@x:8080", "--service")).toThrow("it has credentials (user:password@)");
  });
});
