/**
 * What the adb adapters did instead of what a device would do itself. The timeline must say when
 * a step ran on the host rather than on the device (adb cannot drive the device's download
 * manager, read its camera, ...), so every adapter reports it here; the device that wires the
 * adapters forwards the notes to its timeline. Each distinct note is told once.
 */
export class AdbNotes {
  private readonly told = new Set<string>();
  private readonly pending: string[] = [];
  private sink: ((text: string) => void) | null = null;

  /** Records a note; it reaches the timeline at once, or when a sink is attached. */
  say(text: string): void {
    if (this.told.has(text)) return;
    this.told.add(text);
    if (this.sink) this.sink(text);
    else this.pending.push(text);
  }

  /** Sends the notes told so far, then every new one, to `sink`. */
  attach(sink: (text: string) => void): void {
    this.sink = sink;
    for (const text of this.pending.splice(0)) sink(text);
  }

  /** Everything said, in order (for reports and tests). */
  all(): string[] {
    return [...this.told];
  }
}
