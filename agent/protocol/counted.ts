/** A count with its noun, singular for one: "1 device", "2 devices", "0 check-ins". */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
