/** The one and only time a new API key is shown, in a box that says so. */
import { Box, Text } from 'ink'

/** Props of NewKeyBox. */
export interface NewKeyBoxProps {
  name: string
  keyId: string
  apiKey: string
  width: number
}

/**
 * Renders the new key until the admin presses Enter. The key stays on one unbroken line (a mouse
 * copy of a wrapped key picks up a broken one): where the side borders and padding would leave it
 * too little room, only the top and bottom borders are drawn.
 */
export function NewKeyBox({ name, keyId, apiKey, width }: NewKeyBoxProps) {
  const isFramed = width >= apiKey.length + 4
  return (
    <Box
      flexDirection="column"
      borderStyle="double"
      borderColor="yellow"
      borderLeft={isFramed}
      borderRight={isFramed}
      paddingX={isFramed ? 1 : 0}
    >
      <Text bold color="yellow">
        {`New API key "${name}" (keyId ${keyId}): shown only this once`}
      </Text>
      <Text>japroxy keeps only its hash. Copy it now into Jira Align's connector password.</Text>
      <Text> </Text>
      <Text bold wrap="truncate">
        {apiKey}
      </Text>
      <Text> </Text>
      <Text dimColor>Press Enter when you have copied it; the key then leaves the screen.</Text>
    </Box>
  )
}
