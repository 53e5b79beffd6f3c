/** Overview: each route with its upstream, credential, keys, allow-list and traffic; warnings. */
import { Box, Text } from 'ink'
import { ErrorBox } from '../components/ErrorBox.tsx'
import { KeyHints } from '../components/KeyHints.tsx'
import { RouteSummaryLines, summaryWidths } from '../components/RouteSummaryLines.tsx'
import { fit, windowStart } from '../format.ts'
import { useListCursor } from '../hooks/use-list-cursor.ts'
import { overviewWarnings, useOverview } from '../hooks/use-overview.ts'
import type { RequestTail } from '../hooks/use-request-tail.ts'
import { statsBucketCount, statsBucketMs } from '../request-stats.ts'

/** Props of OverviewScreen. */
export interface OverviewScreenProps {
  isActive: boolean
  width: number
  height: number
  tail: RequestTail
}

const maxWarnings = 6
const windowMinutes = (statsBucketCount * statsBucketMs) / 60_000

/** Renders the Overview. */
export function OverviewScreen({ isActive, width, height, tail }: OverviewScreenProps) {
  const overview = useOverview()
  const routes = overview.data?.routes ?? []
  const now = Date.now()
  const warnings = overview.data ? overviewWarnings(overview.data, now) : []
  const shownWarnings = warnings.slice(0, maxWarnings)
  const warningLines = warnings.length
    ? 1 + shownWarnings.length + (warnings.length > maxWarnings ? 1 : 0)
    : 0
  const fitRoutes = Math.max(
    1,
    Math.floor((height - 2 - warningLines - (overview.error ? 4 : 0)) / 2),
  )
  const cursor = useListCursor(routes.length, { isActive, pageSize: fitRoutes })
  const start = windowStart(routes.length, cursor.index, fitRoutes)
  const w = summaryWidths(routes, width)
  const header = `${fit('route', w.name)} ${fit('base path', w.basePath)} ${fit(`upstream (traffic: last ${windowMinutes} min)`, w.upstream)} ${fit('cred', w.credential)} ${'keys'.padStart(w.keys)} ${'allow'.padStart(w.allow)}`
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {header}
      </Text>
      {overview.error ? <ErrorBox error={overview.error} /> : null}
      {routes.slice(start, start + fitRoutes).map((route) => (
        <RouteSummaryLines
          key={route.name}
          route={route}
          series={tail.stats.series(route.name, now)}
          widths={w}
        />
      ))}
      {warnings.length ? (
        <Text bold color="yellow">
          Needs attention
        </Text>
      ) : null}
      {shownWarnings.map((warning) => (
        <Text
          key={warning.text}
          color={warning.isSevere ? 'red' : 'yellow'}
          bold={warning.isSevere}
          wrap="truncate"
        >
          {`! ${warning.text}`}
        </Text>
      ))}
      {warnings.length > maxWarnings ? (
        <Text color="yellow">{`  …and ${warnings.length - maxWarnings} more`}</Text>
      ) : null}
      <KeyHints hints={routes.length > fitRoutes ? [['↑↓', 'scroll routes']] : []} />
    </Box>
  )
}
