/** Every field of one request record; records never hold a secret, so all can be shown. */
import { Box, Text } from 'ink'
import type { RequestRecord } from '../../store/request-records.ts'
import { formatBytes, statusColor } from '../format.ts'

/** Props of RequestDetail. */
export interface RequestDetailProps {
  record: RequestRecord
}

/** Renders the record as label: value lines in a box. */
export function RequestDetail({ record }: RequestDetailProps) {
  const rows: [string, string][] = [
    ['time', `${new Date(record.ts).toISOString()}`],
    ['requestId', record.requestId],
    ['route', record.route ?? '-'],
    ['request', `${record.method} ${record.path}`],
    ['upstream status', record.upstreamStatus === undefined ? '-' : String(record.upstreamStatus)],
    ['duration', `${record.durationMs.toFixed(1)} ms`],
    ['clientIp', record.clientIp],
    ['remoteAddr', record.remoteAddr],
    ['keyId', record.keyId ?? '-'],
    ['auth', record.auth],
    ['reason', record.reason ?? '-'],
    ['bytes in / out', `${formatBytes(record.bytesIn)} / ${formatBytes(record.bytesOut)}`],
  ]
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text>
        <Text bold>{'status'.padEnd(16)}</Text>
        <Text color={statusColor(record.status)}>{record.status}</Text>
      </Text>
      {rows.map(([label, value]) => (
        <Text key={label} wrap="truncate">
          <Text bold>{label.padEnd(16)}</Text>
          {value}
        </Text>
      ))}
      <Text dimColor>Esc closes</Text>
    </Box>
  )
}
