/** A dim line of the keys a screen takes right now, e.g. `n new · r revoke`. */
import { Text } from 'ink'
import type { KeyHelp } from '../screen-list.ts'

/** Props of KeyHints. */
export interface KeyHintsProps {
  hints: readonly KeyHelp[]
}

/** Renders the hints on one line. */
export function KeyHints({ hints }: KeyHintsProps) {
  return (
    <Text dimColor wrap="truncate">
      {hints.map(([key, action]) => `${key} ${action}`).join(' · ')}
    </Text>
  )
}
