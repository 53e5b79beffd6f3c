/** The top line: one tab per screen with its number key; the open one is highlighted. */
import { Box, Text } from 'ink'
import type { ScreenId, ScreenInfo } from '../screen-list.ts'

/** Props of TabBar. */
export interface TabBarProps {
  screens: readonly ScreenInfo[]
  active: ScreenId
}

/** Renders the tabs. */
export function TabBar({ screens, active }: TabBarProps) {
  return (
    <Box>
      {screens.map((screen) => (
        <Text key={screen.id} inverse={screen.id === active} bold={screen.id === active}>
          {` ${screen.key} ${screen.title} `}
        </Text>
      ))}
    </Box>
  )
}
