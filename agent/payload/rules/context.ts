/**
 * What a lint rule sees and how it reports. A rule is a plain function over the payload; it
 * emits findings by rule id (the severity comes from the catalog) and marks the payload as one
 * the device refuses outright when Android's parser would throw.
 */
import type { Extras, ResolvedValue } from "../extras.js";
import type { KeyName } from "../keys.js";
import { jsonPointer, type Finding } from "../findings.js";
import { MOCK_SERVICE_CONVENTIONS, type IntuneConventions } from "../../protocol/intune-conventions.js";
import { finding, ruleInfo, type RuleSetName } from "./catalog.js";

export class RuleContext {
  readonly findings: Finding[] = [];
  /** Set when ManagedProvisioning would reject the payload while parsing it ("Can't set up device"). */
  refused = false;

  constructor(
    readonly extras: Extras,
    readonly ruleSet: RuleSetName,
    /** UTF-8 length of what the QR code holds: the text, or a JSON file's compact form (CheckOptions.measure). */
    readonly textBytes: number,
    /** The names the intune-aosp rules expect (the mock service's unless a team gives its own). */
    readonly conventions: IntuneConventions = MOCK_SERVICE_CONVENTIONS,
  ) {}

  get json(): Readonly<Record<string, unknown>> {
    return this.extras.json;
  }

  emit(rule: string, path: string, message: string, hint = ""): void {
    if (ruleInfo(rule).set === "intune-aosp" && this.ruleSet !== "intune-aosp") return;
    this.findings.push(finding(rule, path, message, hint));
  }

  /** Takes back a finding an earlier rule made at `path`, for one that says the same more precisely. */
  withdraw(rule: string, path: string): void {
    const index = this.findings.findIndex((f) => f.rule === rule && f.path === path);
    if (index >= 0) this.findings.splice(index, 1);
  }

  refuse(): void {
    this.refused = true;
  }

  /** The keys among `names` that the payload gives (under the long name or the alias), resolved. */
  given(names: readonly KeyName[]): ResolvedValue[] {
    return names.map((name) => this.extras.resolve(name)).filter((value) => value.key !== null);
  }

  /** Pointer to the key a resolved value came from (the long key when absent). */
  pathOf(value: ResolvedValue): string {
    return jsonPointer(value.key ?? value.spec.key);
  }
}

export type Rule = (ctx: RuleContext) => void;

/** "WIFI_SSID" for the long key, "a.a.e.PWS (WIFI_SSID)" for an alias: how messages name a key. */
export function keyLabel(value: Pick<ResolvedValue, "key" | "spec">): string {
  return value.key !== null && value.key === value.spec.alias ? `${value.key} (${value.spec.name})` : value.spec.name;
}
