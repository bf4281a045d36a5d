// Small async helpers for the Postgres sink: a wakeable sleep and a promise time limit.

/** Resolves after ms, or as soon as wake.fn() is called. */
export function sleep(ms: number, wake?: { fn: () => void }): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    if (wake) {
      wake.fn = () => {
        clearTimeout(t)
        resolve()
      }
    }
  })
}

/** Rejects if p has not settled within ms (p keeps running; its outcome is ignored). */
export function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined
  p.catch(() => undefined) // settles after a timeout: nobody is listening any more
  const limit = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`no answer from postgres in ${ms} ms`)), ms)
  })
  return Promise.race([p, limit]).finally(() => clearTimeout(t))
}
