// The text of a thrown value: an Error's message, anything else as a string.

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e))
