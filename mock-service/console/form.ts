/**
 * The console's forms post application/x-www-form-urlencoded; the rest of the service accepts
 * JSON only, so this parser is added inside the console's plugin and nowhere else. A field sent
 * twice (checkboxes) becomes an array.
 */
import type { FastifyInstance } from "fastify";

export type FormBody = Record<string, string | string[]>;

/**
 * The largest form body the console reads. The largest form is Create terms and conditions:
 * its texts may be as long as the admin API takes (TEXT_LIMITS.terms, 68,096 characters in all),
 * and a browser sends each character as up to 12 bytes (a 4-byte UTF-8 character as four %XX
 * escapes): about 800 KiB. The limit was 64 KiB, so terms of 7,000 Japanese characters, which the
 * admin API takes, could not be sent from the console at all.
 */
export const FORM_BODY_LIMIT = 1024 * 1024;

/** The sign-in form holds one token; it is read before anyone is signed in, so it stays small. */
export const SIGN_IN_BODY_LIMIT = 64 * 1024;

export function parseForms(app: FastifyInstance): void {
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      const form: FormBody = Object.create(null) as FormBody;
      for (const [key, value] of new URLSearchParams(body as string)) {
        const previous = form[key];
        form[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
      }
      done(null, form);
    },
  );
}

/** One text field of a form (the first, if sent twice), trimmed of nothing: the service decides. */
export function field(form: FormBody | undefined, name: string): string {
  const value = form?.[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** Every value of a repeated field (checkboxes). */
export function fields(form: FormBody | undefined, name: string): string[] {
  const value = form?.[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
