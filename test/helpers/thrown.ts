/**
 * What a library call throws, synchronously or as a rejection, for tests of its refusals; a call
 * that throws nothing fails the test.
 */
export async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("nothing was thrown");
}

/** A library function typed loosely, to call it with arguments its types would not allow. */
export const loose = (f: unknown) => f as (...args: unknown[]) => unknown;
