/** A one-line bar chart of counts, scaled to the largest. */
import { Text } from 'ink'

/** Props of Sparkline. */
export interface SparklineProps {
  values: readonly number[]
  color?: string
}

const bars = ' ▁▂▃▄▅▆▇█'

/** The bar characters for `values`; any non-zero value shows at least the lowest bar. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values)
  if (max === 0) return '·'.repeat(values.length)
  return values
    .map((v) => (v === 0 ? '·' : bars[Math.max(1, Math.round((v / max) * (bars.length - 1)))]))
    .join('')
}

/** Renders the sparkline. */
export function Sparkline({ values, color }: SparklineProps) {
  return <Text color={color}>{sparkline(values)}</Text>
}
