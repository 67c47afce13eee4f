/**
 * The entries (aliases) Android's PKCS12 key store lists for a store, as ManagedProvisioning sees
 * them through `KeyStore.aliases()` (docs/provisioning-facts.md §1, "EAP certificates").
 *
 * BouncyCastle's `PKCS12KeyStoreSpi.engineLoad` (platform/external/bouncycastle) walks the
 * AuthenticatedSafe's ContentInfos: `data` ones in the clear, `encryptedData` ones decrypted with
 * the password. Every pkcs8ShroudedKeyBag, and every keyBag inside encrypted content, becomes a key
 * entry named by its friendlyName, else by its localKeyId in hex, else "unmarked" (renamed after
 * the first certificate's key identifier once certificates are read). A certBag becomes an entry
 * of its own only when it carries a friendlyName (and no key was unmarked); a certificate with only
 * a localKeyId is the chain of the key with that id. `engineAliases` lists the certificate names,
 * then the key names not already among them; each table ignores case (a later spelling replaces an
 * earlier one), their union does not. `engineIsKeyEntry` asks the key table.
 */
import { children, derElement, type DerElement, hex } from "./pkcs12-der.js";
import { decryptWithEmptyPassword, type IterationBudget, MAX_ITERATIONS } from "./pkcs12-cipher.js";

const OID = {
  data: "2a864886f70d010701",
  encryptedData: "2a864886f70d010706",
  keyBag: "2a864886f70d010c0a0101",
  shroudedKeyBag: "2a864886f70d010c0a0102",
  certBag: "2a864886f70d010c0a0103",
  friendlyName: "2a864886f70d010914",
  localKeyId: "2a864886f70d010915",
} as const;

/** One entry of the store as `KeyStore.aliases()` lists it. */
export interface Pkcs12Entry {
  alias: string;
  /** `KeyStore.isKeyEntry(alias)`: a private key is stored under this alias. */
  key: boolean;
}

/** A table that, like BouncyCastle's IgnoresCaseHashtable, keys on the lower-cased name. */
class IgnoresCase {
  private readonly names = new Map<string, string>();
  put(name: string): void {
    this.names.set(name.toLowerCase(), name);
  }
  has(name: string): boolean {
    return this.names.has(name.toLowerCase());
  }
  remove(name: string): void {
    this.names.delete(name.toLowerCase());
  }
  get size(): number {
    return this.names.size;
  }
  list(): string[] {
    return [...this.names.values()];
  }
}

interface Bag {
  type: string;
  friendlyName: string | null;
  localKeyId: string | null;
}

/** A SafeBag's type and naming attributes; null when it is not shaped as RFC 7292 says. */
function readBag(bytes: Uint8Array, element: DerElement): Bag | null {
  const [bagId, , attributes] = (element.tag === 0x30 ? children(bytes, element) : null) ?? [];
  if (bagId?.tag !== 0x06) return null;
  const bag: Bag = { type: hex(bytes, bagId), friendlyName: null, localKeyId: null };
  if (attributes === undefined) return bag;
  if (attributes.tag !== 0x31) return null;
  for (const attribute of children(bytes, attributes) ?? []) {
    const [attrId, values] = (attribute.tag === 0x30 ? children(bytes, attribute) : null) ?? [];
    const value = values?.tag === 0x31 ? children(bytes, values)?.[0] : undefined;
    if (attrId?.tag !== 0x06 || value === undefined) continue; // an empty value set is skipped, as BouncyCastle does
    const id = hex(bytes, attrId);
    if (id === OID.friendlyName) {
      if (value.tag !== 0x1e || (value.end - value.start) % 2 !== 0) return null; // a BMPString: UTF-16BE
      bag.friendlyName = Buffer.from(bytes.subarray(value.start, value.end)).swap16().toString("utf16le");
    } else if (id === OID.localKeyId) {
      if (value.tag !== 0x04) return null;
      bag.localKeyId = hex(bytes, value);
    }
  }
  return bag;
}

/** The SafeBags of a SafeContents (a SEQUENCE of SafeBag), or null. */
function readSafeContents(bytes: Uint8Array): Bag[] | null {
  const seq = derElement(bytes, 0);
  if (seq === null || seq.tag !== 0x30 || seq.end !== bytes.length) return null;
  const bags: Bag[] = [];
  for (const element of children(bytes, seq) ?? [null]) {
    const bag = element === null ? null : readBag(bytes, element);
    if (bag === null) return null;
    bags.push(bag);
  }
  return bags;
}

/** The content of one ContentInfo of the AuthenticatedSafe: its bags, [] for a type Android skips, null when unreadable. */
function contentInfoBags(
  bytes: Uint8Array, info: DerElement, wrongZero: boolean, budget: IterationBudget,
): { bags: Bag[]; encrypted: boolean } | null {
  const [type, explicit] = (info.tag === 0x30 ? children(bytes, info) : null) ?? [];
  if (type?.tag !== 0x06 || explicit?.tag !== 0xa0) return null;
  const inner = derElement(bytes, explicit.start);
  if (inner === null || inner.end > explicit.end) return null;
  if (hex(bytes, type) === OID.data) {
    if (inner.tag !== 0x04) return null;
    const bags = readSafeContents(bytes.subarray(inner.start, inner.end));
    return bags && { bags, encrypted: false };
  }
  if (hex(bytes, type) !== OID.encryptedData) return { bags: [], encrypted: false };
  // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo ::= SEQUENCE { contentType, algorithm, [0] IMPLICIT content } }
  const [, encryptedContentInfo] = (inner.tag === 0x30 ? children(bytes, inner) : null) ?? [];
  const [, algorithm, content] = (encryptedContentInfo?.tag === 0x30 ? children(bytes, encryptedContentInfo) : null) ?? [];
  if (algorithm === undefined || content?.tag !== 0x80) return null;
  const plain = decryptWithEmptyPassword(bytes, algorithm, bytes.subarray(content.start, content.end), wrongZero, budget);
  const bags = plain && readSafeContents(plain);
  return bags && { bags, encrypted: true };
}

/**
 * The store's entries as Android lists them, given the AuthenticatedSafe's DER bytes and whether
 * the MAC verified only with the "wrong zero" password; null when some content cannot be read here.
 */
export function pkcs12Entries(authenticatedSafe: Uint8Array, wrongZero: boolean): Pkcs12Entry[] | null {
  const safe = derElement(authenticatedSafe, 0);
  if (safe === null || safe.tag !== 0x30 || safe.end !== authenticatedSafe.length) return null;
  const keys = new IgnoresCase();
  const certificates: Bag[] = [];
  let unmarked = false;
  // Real stores hold one or two encrypted contents; all of them together get one count's worth.
  const budget: IterationBudget = { iterations: MAX_ITERATIONS };
  for (const info of children(authenticatedSafe, safe) ?? [null]) {
    const content = info === null ? null : contentInfoBags(authenticatedSafe, info, wrongZero, budget);
    if (content === null) return null;
    for (const bag of content.bags) {
      if (bag.type === OID.certBag) {
        certificates.push(bag);
        continue;
      }
      // A keyBag in the clear is only logged ("extra in data"); inside encrypted content it is a key.
      const isKey = bag.type === OID.shroudedKeyBag || (bag.type === OID.keyBag && content.encrypted);
      if (!isKey) continue;
      // Inside encrypted content a key without localKeyId throws a NullPointerException: not judged here.
      if (content.encrypted && bag.localKeyId === null) return null;
      if (bag.friendlyName !== null) keys.put(bag.friendlyName);
      else if (bag.localKeyId !== null) keys.put(bag.localKeyId);
      if (bag.localKeyId === null) {
        unmarked = true;
        keys.put("unmarked");
      }
    }
  }
  const named = new IgnoresCase();
  if (unmarked) {
    if (certificates.length > 0) {
      // Renamed after the first certificate's subject key identifier; only its being one name matters here.
      keys.remove("unmarked");
      keys.put("\u0000key identifier of the first certificate");
    }
  } else {
    for (const bag of certificates) if (bag.friendlyName !== null) named.put(bag.friendlyName);
  }
  const aliases = [...new Set([...named.list(), ...keys.list()])];
  return aliases.map((alias) => ({ alias, key: keys.has(alias) }));
}
