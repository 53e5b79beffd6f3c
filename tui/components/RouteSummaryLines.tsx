/** One route on the Overview: name, base path, upstream, credential, counts, and a sparkline. */
import { Box, Text } from 'ink'
import { fit } from '../format.ts'
import type { RouteSummary } from '../hooks/use-overview.ts'
import type { RouteSeries } from '../request-stats.ts'
import { Sparkline } from './Sparkline.tsx'

/** Props of RouteSummaryLines. */
export interface RouteSummaryLinesProps {
  route: RouteSummary
  series: RouteSeries
  width: number
}

/** Column widths shared with the Overview's header line. */
export const summaryWidths = { name: 12, basePath: 14, credential: 6, keys: 4, allow: 5 }

/** How wide the upstream column is at `width`. */
export function upstreamWidth(width: number): number {
  const w = summaryWidths
  return Math.max(10, width - w.name - w.basePath - w.credential - w.keys - w.allow - 5)
}

function percent(part: number, total: number): string {
  return total === 0 ? '0%' : `${((100 * part) / total).toFixed(1)}%`
}

/** Renders the two lines. */
export function RouteSummaryLines({ route, series, width }: RouteSummaryLinesProps) {
  const w = summaryWidths
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{`${fit(route.name, w.name)} `}</Text>
        {`${fit(route.basePath, w.basePath)} ${fit(route.upstreamUrl, upstreamWidth(width))} `}
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
