/** One route on the Overview: name, base path, upstream, credential, counts, and a sparkline. */
import { Box, Text } from 'ink'
import { type ColumnSize, columnWidths } from '../column-widths.ts'
import { fit } from '../format.ts'
import type { RouteSummary } from '../hooks/use-overview.ts'
import type { RouteSeries } from '../request-stats.ts'
import { Sparkline } from './Sparkline.tsx'

/** Props of RouteSummaryLines. */
export interface RouteSummaryLinesProps {
  route: RouteSummary
  series: RouteSeries
  widths: SummaryWidths
}

/** The width of each column, shared with the Overview's header line. */
export interface SummaryWidths {
  name: number
  basePath: number
  upstream: number
  credential: number
  keys: number
  allow: number
}

// Names, base paths and upstreams share the spare width up to their longest; the upstream
// takes what is left.
const columns: readonly ColumnSize[] = [
  { width: 12, min: 8, grow: 'content' },
  { width: 14, min: 10, grow: 'content' },
  { width: 20, min: 10, grow: 'rest' },
  { width: 6 },
  { width: 4 },
  { width: 5 },
]

/** The column widths for `routes` at `width`. */
export function summaryWidths(routes: readonly RouteSummary[], width: number): SummaryWidths {
  const longest = (pick: (r: RouteSummary) => string) =>
    Math.max(0, ...routes.map((r) => pick(r).length))
  const [name, basePath, upstream, credential, keys, allow] = columnWidths(
    columns,
    [longest((r) => r.name), longest((r) => r.basePath), longest((r) => r.upstreamUrl)],
    width,
  ) as [number, number, number, number, number, number]
  return { name, basePath, upstream, credential, keys, allow }
}

function percent(part: number, total: number): string {
  return total === 0 ? '0%' : `${((100 * part) / total).toFixed(1)}%`
}

/** Renders the two lines. */
export function RouteSummaryLines({ route, series, widths: w }: RouteSummaryLinesProps) {
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{`${fit(route.name, w.name)} `}</Text>
        {`${fit(route.basePath, w.basePath)} ${fit(route.upstreamUrl, w.upstream)} `}
        <Text color={route.credential && !route.breaker ? 'green' : 'red'} bold={!!route.breaker}>
          {fit(route.breaker ? 'REJECT' : (route.credential?.kind ?? 'none'), w.credential)}
        </Text>
        {` ${String(route.keyCount).padStart(w.keys)} `}
        <Text color={route.allowCount ? undefined : 'red'}>
          {String(route.allowCount).padStart(w.allow)}
        </Text>
      </Text>
      <Text wrap="truncate">
        {'  '}
        <Sparkline values={series.counts} color="cyan" />
        {`  ${series.total} req · 5xx ${percent(series.serverErrors, series.total)} · ${series.denied} denied`}
      </Text>
    </Box>
  )
}
