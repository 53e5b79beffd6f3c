/**
 * The top line: one tab per screen with its number key; the open one is highlighted. When the
 * titles do not fit on one line, the longest titles of the other screens fold to their number
 * first; the open screen always keeps its title.
 */
import { Text } from 'ink'
import type { ScreenId, ScreenInfo } from '../screen-list.ts'

/** Props of TabBar. */
export interface TabBarProps {
  screens: readonly ScreenInfo[]
  active: ScreenId
  width: number
}

/** Each tab's text at `width` columns, in screen order. */
export function tabLabels(
  screens: readonly ScreenInfo[],
  active: ScreenId,
  width: number,
): string[] {
  const labels = screens.map((s) => ` ${s.key} ${s.title} `)
  const foldable = screens
    .map((s, i) => ({ index: i, length: s.title.length, isActive: s.id === active }))
    .filter((tab) => !tab.isActive)
    .sort((a, b) => b.length - a.length)
  for (const tab of foldable) {
    if (labels.join('').length <= width) break
    labels[tab.index] = ` ${screens[tab.index]!.key} `
  }
  return labels
}

/** Renders the tabs on one line. */
export function TabBar({ screens, active, width }: TabBarProps) {
  const labels = tabLabels(screens, active, width)
  return (
    <Text wrap="truncate">
      {screens.map((screen, i) => (
        <Text key={screen.id} inverse={screen.id === active} bold={screen.id === active}>
          {labels[i]}
        </Text>
      ))}
    </Text>
  )
}
