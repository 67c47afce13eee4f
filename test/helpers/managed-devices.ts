/**
 * Waits until a service holds `count` managed devices: how a test knows a fleet's devices have
 * started (enrolled) before it stops the fleet, whatever the machine's speed.
 */
export async function waitForManagedDevices(url: string, adminToken: string, count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/beta/deviceManagement/managedDevices`, { headers: { authorization: `Bearer ${adminToken}` } });
    const body = (await response.json()) as { value?: unknown[] };
    if ((body.value?.length ?? 0) >= count) return;
    if (performance.now() > deadline) throw new Error(`the service at ${url} held ${body.value?.length ?? 0} of ${count} managed devices after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
