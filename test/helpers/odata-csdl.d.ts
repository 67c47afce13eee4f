/** The OASIS CSDL converter ships no types; the tests use its XML reader only. */
declare module "odata-csdl/lib/xml2json.js" {
  /** Converts a CSDL XML document to CSDL JSON; throws on a document that is not CSDL. */
  export function xml2json(xml: string, options?: Record<string, unknown>): Record<string, unknown>;
}
