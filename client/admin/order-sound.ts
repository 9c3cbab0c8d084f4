/**
 * The new-order chime. Browsers refuse audio until the page has had a user gesture, so the
 * AudioContext is created by the "Enable sound" tap and reused afterwards.
 */

let context: AudioContext | undefined;

export function soundEnabled(): boolean {
  return context !== undefined && context.state !== 'closed';
}

export async function enableSound(): Promise<void> {
  context ??= new AudioContext();
  if (context.state === 'suspended') await context.resume();
  playChime();
}

/** Two short rising tones: distinct from a phone's ring, audible over music. */
export function playChime(): void {
  if (!context) return;
  const start = context.currentTime + 0.01;
  for (const [offset, frequency] of [
    [0, 880],
    [0.16, 1320],
  ] as const) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.4, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.14);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.15);
  }
}
