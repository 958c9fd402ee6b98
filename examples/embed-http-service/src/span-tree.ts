import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'

const shown =
  /^(dealer_crm\.|db\.system$|db\.operation\.name$|db\.response|http\.request\.method|http\.route|http\.response\.status_code)/

/** One line per span, children indented under their parent, in start order. */
export const spanTree = (spans: ReadonlyArray<ReadableSpan>): string => {
  const ids = new Set(spans.map((s) => s.spanContext().spanId))
  const children = new Map<string, ReadableSpan[]>()
  for (const span of [...spans].sort(
    (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
  )) {
    const parent = span.parentSpanContext?.spanId
    const key = parent !== undefined && ids.has(parent) ? parent : ''
    children.set(key, [...(children.get(key) ?? []), span])
  }
  const lines: string[] = []
  const walk = (key: string, depth: number) => {
    for (const span of children.get(key) ?? []) {
      const attributes = Object.entries(span.attributes)
        .filter(([name]) => shown.test(name))
        .map(([name, value]) => `${name}=${String(value)}`)
      lines.push(
        `${'  '.repeat(depth)}${span.name}${attributes.length > 0 ? `  {${attributes.join(', ')}}` : ''}`,
      )
      walk(span.spanContext().spanId, depth + 1)
    }
  }
  walk('', 0)
  return lines.join('\n')
}
