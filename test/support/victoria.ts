// Reads back what VictoriaMetrics stored, for the real-server tests. VM turns every field into a
// float64 series named `<measurement>_<field>` with the tags as labels, at millisecond resolution.
import { VICTORIA_URL } from './servers.js'

/** One exported series: labels (with `__name__`), values and ms timestamps in time order. */
export interface VmSeries {
  metric: Record<string, string>
  values: number[]
  timestamps: number[]
}

async function vmGet(path: string, params: Record<string, string | string[]>, baseUrl: string): Promise<string> {
  const url = new URL(path, baseUrl)
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v)
  }
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) })
  const text = await res.text()
  if (!res.ok) throw new Error(`VictoriaMetrics ${path} → HTTP ${res.status}: ${text}`)
  return text
}

/** Makes every sample written so far visible to queries at once (instead of after ~1-10 s). */
export async function forceFlush(baseUrl = VICTORIA_URL): Promise<void> {
  await vmGet('/internal/force_flush', {}, baseUrl)
}

/**
 * Reads until `complete(value)` holds, flushing before each read, and returns the last value read
 * (the caller's assertions then judge it). On a loaded machine, a force flush right after a
 * million acknowledged samples once showed 1.55M of the 2M written (not reproduced since, also
 * not with both cores busy): reading again within a deadline tells samples that VictoriaMetrics
 * shows late from samples that are lost. A lost sample still fails: after `timeoutMs` the last,
 * incomplete value goes to the assertions.
 */
export async function readWhenFlushed<T>(
  read: () => Promise<T>,
  complete: (value: T) => boolean,
  timeoutMs = 30_000,
  baseUrl = VICTORIA_URL,
): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    await forceFlush(baseUrl)
    const value = await read()
    if (complete(value) || performance.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/**
 * Every series matching the selector, via /api/v1/export, sorted by name and labels.
 * `end` is passed explicitly: without it, samples written within the current second can be missing.
 */
export async function exportSeries(selector: string, baseUrl = VICTORIA_URL): Promise<VmSeries[]> {
  const text = await vmGet('/api/v1/export', { 'match[]': selector, start: '0', end: '9999999999' }, baseUrl)
  const series = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as VmSeries)
  return series.sort((a, b) => seriesKey(a).localeCompare(seriesKey(b)))
}

/** `name{k="v",…}` with labels sorted: a stable identity for comparisons. */
export function seriesKey(series: Pick<VmSeries, 'metric'>): string {
  const { __name__: name = '', ...labels } = series.metric
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
  return `${name}{${pairs.join(',')}}`
}

/** Deletes whole series matching the selector (VM 1.79 has no time-range delete). */
export async function deleteSeries(selector: string, baseUrl = VICTORIA_URL): Promise<void> {
  const url = new URL('/api/v1/admin/tsdb/delete_series', baseUrl)
  url.searchParams.append('match[]', selector)
  const res = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(30_000) })
  const text = await res.text()
  if (res.status !== 204) throw new Error(`VictoriaMetrics delete_series → HTTP ${res.status}: ${text}`)
}

/** An instant PromQL/MetricsQL query at `time` (seconds); returns the result vector's values as text. */
export async function instantQuery(query: string, timeSeconds: number, baseUrl = VICTORIA_URL): Promise<string[]> {
  const text = await vmGet('/api/v1/query', { query, time: String(timeSeconds) }, baseUrl)
  const parsed = JSON.parse(text) as { status: string; data: { result: { value: [number, string] }[] } }
  if (parsed.status !== 'success') throw new Error(`VictoriaMetrics query failed: ${text}`)
  return parsed.data.result.map((r) => r.value[1])
}
