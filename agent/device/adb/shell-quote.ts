/**
 * `adb shell` joins its arguments into one command line for the device's shell (mksh), so any
 * value that reaches it (an SSID with spaces, a passphrase with quotes) must be quoted for it.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
