// tokentap dashboard client (plain browser JS, served as is; no inline script anywhere):
// - stores the viewer's time zone in the `tz` cookie (the server renders times in it);
// - turns SSE `usage` messages into throttled `tt-live` triggers on [data-live] elements
//   (leading + trailing: a burst of records causes at most one fetch per second per element);
//   `repriced` (stored costs changed by `tokentap reprice`) triggers the same refresh;
// - shows the live feed's state; drops empty filter fields on submit;
// - draws uPlot charts from data-chart attributes.
;(() => {
  // --- time zone cookie -----------------------------------------------------------------
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  const cookieTz = (document.cookie.match(/(?:^|;\s*)tz=([^;]*)/) || [])[1]
  if (cookieTz === undefined || decodeURIComponent(cookieTz) !== tz) {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not everywhere yet
    document.cookie = `tz=${encodeURIComponent(tz)}; path=/; max-age=31536000; SameSite=Strict`
    const hasTzParam = new URLSearchParams(location.search).has('tz')
    // Re-render once in the viewer's zone (guarded so disabled cookies cannot loop).
    if (!hasTzParam && tz !== 'UTC' && !sessionStorage.getItem('tt-tz-reload')) {
      sessionStorage.setItem('tt-tz-reload', '1')
      location.reload()
      return
    }
  }

  // --- live refresh ---------------------------------------------------------------------
  const THROTTLE_MS = 1000
  let timer = null
  let pending = false

  function fire() {
    if (typeof htmx === 'undefined') return
    for (const el of document.querySelectorAll('[data-live]')) htmx.trigger(el, 'tt-live')
  }

  function onUsage() {
    if (timer !== null) {
      pending = true
      return
    }
    fire()
    const tick = () => {
      if (pending) {
        pending = false
        fire()
        timer = setTimeout(tick, THROTTLE_MS)
      } else {
        timer = null
      }
    }
    timer = setTimeout(tick, THROTTLE_MS)
  }

  function setStatus(state, text) {
    const el = document.getElementById('live-status')
    if (!el) return
    el.dataset.state = state
    el.textContent = text
  }

  let wasDown = false
  document.addEventListener('sse:usage', onUsage)
  document.addEventListener('sse:repriced', onUsage)
  document.addEventListener('htmx:sseOpen', () => {
    setStatus('open', 'live')
    // Catch up on what was recorded while the feed was down.
    if (wasDown) onUsage()
    wasDown = false
  })
  document.addEventListener('htmx:sseError', () => {
    wasDown = true
    setStatus('down', 'reconnecting…')
  })

  // --- filter form ----------------------------------------------------------------------
  document.addEventListener('submit', (ev) => {
    const form = ev.target
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('filters')) return
    const range = form.elements.namedItem('range')
    const custom = range instanceof HTMLSelectElement && range.value === 'custom'
    for (const el of form.querySelectorAll('input, select')) {
      const isDate = el.name === 'from' || el.name === 'to'
      if (el.value === '' || (isDate && !custom)) el.disabled = true
    }
    // Re-enable after the navigation started (back/forward cache shows the form again).
    setTimeout(() => {
      for (const el of form.querySelectorAll('input, select')) el.disabled = false
    }, 0)
  })
  document.addEventListener('change', (ev) => {
    const el = ev.target
    if (el instanceof HTMLInputElement && (el.name === 'from' || el.name === 'to')) {
      const range = el.form?.elements.namedItem('range')
      if (range instanceof HTMLSelectElement) range.value = 'custom'
    }
  })

  // --- charts ---------------------------------------------------------------------------
  const usd = (v) =>
    v == null ? '' : v >= 1 ? `$${v.toFixed(2)}` : v === 0 ? '$0' : `$${v.toPrecision(2)}`
  const compact = (v) =>
    v == null
      ? ''
      : v >= 1e9
        ? `${+(v / 1e9).toFixed(1)}B`
        : v >= 1e6
          ? `${+(v / 1e6).toFixed(1)}M`
          : v >= 1e3
            ? `${+(v / 1e3).toFixed(1)}k`
            : String(v)

  function draw(el) {
    if (typeof uPlot === 'undefined' || el.dataset.drawn) return
    let d
    try {
      d = JSON.parse(el.dataset.chart || '')
    } catch {
      return
    }
    el.dataset.drawn = '1'
    if (!d.t || d.t.length === 0) {
      el.textContent = 'No data points in this range.'
      return
    }
    const width = Math.max(280, el.clientWidth || 600)
    const opts = {
      width,
      height: 240,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), d.tz || 'UTC'),
      scales: { x: { time: true }, usd: {}, tok: {} },
      series: [
        {},
        { label: 'Billed', scale: 'usd', value: (_u, v) => usd(v), stroke: '#2563eb', width: 2 },
        {
          label: 'Subscription value',
          scale: 'usd',
          value: (_u, v) => usd(v),
          stroke: '#16a34a',
          width: 1.5,
        },
        {
          label: 'Tokens',
          scale: 'tok',
          value: (_u, v) => compact(v),
          stroke: '#d97706',
          width: 1.5,
          dash: [6, 4],
        },
      ],
      axes: [
        {},
        { scale: 'usd', values: (_u, vs) => vs.map(usd), size: 76 },
        { scale: 'tok', side: 1, values: (_u, vs) => vs.map(compact), grid: { show: false } },
      ],
    }
    const plot = new uPlot(opts, [d.t, d.cost, d.value || d.t.map(() => 0), d.tokens], el)
    el._plot = plot
  }

  function drawAll(root) {
    for (const el of (root || document).querySelectorAll('[data-chart]')) draw(el)
  }

  document.addEventListener('DOMContentLoaded', () => drawAll(document))
  document.addEventListener('htmx:load', (ev) => drawAll(ev.target))
  let resizeTimer = null
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer)
    resizeTimer = setTimeout(() => {
      for (const el of document.querySelectorAll('[data-chart]')) {
        if (el._plot) el._plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 })
      }
    }, 150)
  })
})()
