/**
 * The console's forms post application/x-www-form-urlencoded; the rest of the service accepts
 * JSON only, so this parser is added inside the console's plugin and nowhere else. A field sent
 * twice (checkboxes) becomes an array.
 */
import type { FastifyInstance } from "fastify";

export type FormBody = Record<string, string | string[]>;

/** Console forms are small; the admin token and a rule of a few KB are the largest fields. */
export const FORM_BODY_LIMIT = 64 * 1024;

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
