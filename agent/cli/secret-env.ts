/**
 * Secrets given through the environment instead of the command line: every user of a machine
 * can read another's arguments (`ps`, /proc/PID/cmdline), and a Kubernetes Secret passed as
 * an argument shows in the pod's spec and logs. An option given on the command line wins.
 */
import { InputError } from "../protocol/errors.js";

/** The admin token of `serve`, and of `fleet --service` and `run --service`, when --admin-token is left out. */
export const ADMIN_TOKEN_ENV = "AOSP_SIM_ADMIN_TOKEN";
/** The password of `enroll --user`, when --password is left out. */
export const PASSWORD_ENV = "AOSP_SIM_PASSWORD";
/** The new password of `enroll --user` (for an account that must change its password), when --new-password is left out. */
export const NEW_PASSWORD_ENV = "AOSP_SIM_NEW_PASSWORD";

/** A secret and where it came from: the option's value, or the environment variable's. */
export interface GivenSecret {
  value: string;
  from: "option" | "environment";
}

/**
 * `given` (the option's value) when given, else the variable's value when it is set, else
 * undefined. A variable set but empty is refused: an unset shell variable or a Secret's missing
 * key would otherwise run with no token, or as no one.
 */
export function secretOption(given: string | undefined, variable: string, env: NodeJS.ProcessEnv = process.env): GivenSecret | undefined {
  if (given !== undefined) return { value: given, from: "option" };
  const value = env[variable];
  if (value === undefined) return undefined;
  if (value === "") throw new InputError("is set but empty", { where: variable, hint: `set it to the secret, or unset it to leave it out (unset ${variable})` });
  return { value, from: "environment" };
}
