/**
 * An emulator's two host ports, `-port P`: its console on P and its adb port on P + 1, both on
 * the loopback interface.
 *
 * The emulator does not stop when another program holds one of them. `-port P` is handed to its
 * qemu as `-android-ports P,P+1` (android-qemu2-glue/main.cpp), and that path ignores whether
 * the ports could be bound (android_ports_setup, android/android-emu/android/qemu-setup.cpp;
 * aosp-mirror/platform_external_qemu): the emulator boots without its console and adb port, its
 * log says at most `bind: Address already in use`, and adb never reaches it. Only without
 * `-port`, when the emulator looks for a free pair itself, does it give up with "It seems too
 * many emulator instances are running on this machine". So a start looks for itself, first.
 * docs/emulator-facts.md §7.
 */
import { connect } from "node:net";

/** The highest console port (-port): 64 emulators from 5554 (the emulator's -help-port). */
export const LAST_CONSOLE_PORT = 5682;

/**
 * Whether a program accepts connections on 127.0.0.1:PORT. Connecting rather than binding: a
 * probe that binds would, for its moment, hold the port from the emulator or from another probe.
 * A listener the emulator's bind would collide with (on 127.0.0.1 or on every interface) accepts.
 */
export function listening(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Which of emulator-P's ports (P, P + 1) a program listens on, in that order. */
export async function takenPorts(consolePort: number): Promise<number[]> {
  const pair = [consolePort, consolePort + 1];
  const held = await Promise.all(pair.map((port) => listening(port)));
  return pair.filter((_, i) => held[i]);
}

/**
 * The next console port after `consolePort` whose pair is free and whose emulator adb does not
 * list, or null when none is left up to LAST_CONSOLE_PORT.
 */
export async function nextFreePort(consolePort: number, attached: { has(serial: string): boolean }): Promise<number | null> {
  for (let port = consolePort + 2; port <= LAST_CONSOLE_PORT; port += 2) {
    if (attached.has(`emulator-${port}`)) continue;
    if ((await takenPorts(port)).length === 0) return port;
  }
  return null;
}

/** What holds a port, for the fix: the command that names the program on each system. */
export function whoHolds(port: number): string {
  return `\`lsof -nP -iTCP:${port} -sTCP:LISTEN\` (Linux, macOS) or \`netstat -ano | findstr :${port}\` (Windows) names it`;
}

/** Which of emulator-P's ports are taken, as a sentence's subject and verb: "emulator-5554's console port 5554 is". */
export function describeTaken(consolePort: number, taken: readonly number[]): string {
  const serial = `emulator-${consolePort}`;
  if (taken.length > 1) return `${serial}'s console and adb ports ${taken.join(" and ")} are`;
  return `${serial}'s ${taken[0] === consolePort ? "console" : "adb"} port ${taken[0]} is`;
}
