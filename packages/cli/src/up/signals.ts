// Signals while `tokentap up` stops: telling one Ctrl-C delivered twice from a second one.

/** One Ctrl-C can arrive twice: the terminal signals the whole process group and `bun run`
 *  forwards it to its child as well. A repeat this soon after the first is that same keystroke;
 *  only a later one means "exit without waiting". */
export const SIGNAL_REPEAT_MS = 1_000

/** What a signal during a stop means: the same Ctrl-C delivered twice, or a second one. */
export function repeatedSignal(firstAt: number, now: number): 'same' | 'force' {
  return now - firstAt < SIGNAL_REPEAT_MS ? 'same' : 'force'
}
