/** A route's settings, one per line, with the selected one highlighted while editing. */
import { Box, Text } from 'ink'
import { profileRules } from '../../src/proxy/endpoint-policy.ts'
import type { Route } from '../../store/routes.ts'
import { routeSettings } from '../route-fields.ts'

/** Props of RouteSettings. */
export interface RouteSettingsProps {
  route: Route
  /** The highlighted setting, or undefined when not editing. */
  selected: number | undefined
}

function shown(route: Route, key: string, text: string): string {
  if (key === 'policy.profile') {
    return `${text} (${profileRules(route.policy.profile).length} built-in rules)`
  }
  return text || '(none)'
}

/** Renders the settings. */
export function RouteSettings({ route, selected }: RouteSettingsProps) {
  return (
    <Box flexDirection="column">
      <Text bold>{`Route ${route.name} (${route.basePath})`}</Text>
      {routeSettings.map((setting, i) => (
        <Text key={setting.key} wrap="truncate" inverse={i === selected}>
          {`  ${setting.label.padEnd(18)}`}
          {shown(route, setting.key, setting.show(route))}
        </Text>
      ))}
    </Box>
  )
}
