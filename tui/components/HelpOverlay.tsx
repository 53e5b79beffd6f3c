/** The `?` help: every global key, every key of the open screen, and the keys inside boxes. */
import { Box, Text } from 'ink'
import { boxKeys, globalKeys, type ScreenInfo } from '../screen-list.ts'

/** Props of HelpOverlay. */
export interface HelpOverlayProps {
  screen: ScreenInfo
}

/** Renders the help. */
export function HelpOverlay({ screen }: HelpOverlayProps) {
  const sections = [
    ['Everywhere', globalKeys],
    [`${screen.title} screen`, screen.keys],
    ['In an input box', boxKeys],
  ] as const
  return (
    <Box flexDirection="column">
      {sections.map(([title, keys]) => (
        <Box key={title} flexDirection="column" marginBottom={1}>
          <Text bold>{title}</Text>
          {keys.map(([key, action]) => (
            <Text key={key} wrap="truncate">
              {`  ${key.padEnd(18)} ${action}`}
            </Text>
          ))}
        </Box>
      ))}
      <Text dimColor>Esc or ? closes this help.</Text>
    </Box>
  )
}
