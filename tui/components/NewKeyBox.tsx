/** The one and only time a new API key is shown, in a box that says so. */
import { Box, Text } from 'ink'

/** Props of NewKeyBox. */
export interface NewKeyBoxProps {
  name: string
  keyId: string
  apiKey: string
}

/** Renders the new key until the admin presses Enter. */
export function NewKeyBox({ name, keyId, apiKey }: NewKeyBoxProps) {
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="yellow" paddingX={1}>
      <Text bold color="yellow">
        {`New API key "${name}" (keyId ${keyId}): shown only this once`}
      </Text>
      <Text>japroxy keeps only its hash. Copy it now into Jira Align's connector password.</Text>
      <Text> </Text>
      <Text bold>{apiKey}</Text>
      <Text> </Text>
      <Text dimColor>Press Enter when you have copied it; the key then leaves the screen.</Text>
    </Box>
  )
}
