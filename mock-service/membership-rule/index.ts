/** Entra ID dynamic membership rules for device groups: parse once, evaluate per device. */
export { evaluateRule } from "./evaluate.js";
export { MAX_RULE_LENGTH, MembershipRuleError, parseMembershipRule } from "./parser.js";
export type { Operator, RuleNode, Value } from "./parser.js";
export { AOSP_DEVICE_OS_TYPE, deviceFacts, DEVICE_PROPERTIES, type DeviceFacts, type SimulatedDevice } from "./device-properties.js";
