/**
 * Whether a path fits a Unix domain socket's address: Linux's sun_path holds 108 bytes and
 * macOS's 104, each with its ending NUL; a longer path cannot be listened on. (Windows' named
 * pipes have no such limit.)
 */
export const MAX_SOCKET_PATH_BYTES = 103;

export function socketPathFits(path: string): boolean {
  return process.platform === "win32" || Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES;
}
