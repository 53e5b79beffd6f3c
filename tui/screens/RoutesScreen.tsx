/** Routes: view and edit a route's settings, and explain what a "METHOD PATH" would meet. */
import { Box } from 'ink'
import { ErrorBox } from '../components/ErrorBox.tsx'
import { FormBox } from '../components/FormBox.tsx'
import { KeyHints } from '../components/KeyHints.tsx'
import { LiveBox, liveBoxHeight } from '../components/LiveBox.tsx'
import { RouteSettings } from '../components/RouteSettings.tsx'
import { Table, type TableColumn } from '../components/Table.tsx'
import { formHeight } from '../hooks/use-form.ts'
import { useRoutesScreen } from '../hooks/use-routes.ts'
import { routeSettings } from '../route-fields.ts'
import type { KeyHelp } from '../screen-list.ts'

/** Props of RoutesScreen. */
export interface RoutesScreenProps {
  isActive: boolean
  width: number
  height: number
}

const columns: readonly TableColumn[] = [
  { title: 'route', width: 12, min: 8, grow: 'content' },
  { title: 'base path', width: 16, min: 10, grow: 'content' },
  { title: 'upstream', width: 20, min: 10, grow: 'rest' },
]

const settingsHeight = routeSettings.length + 1

/** Renders the Routes screen. */
export function RoutesScreen({ isActive, width, height }: RoutesScreenProps) {
  const screen = useRoutesScreen(isActive, 4)
  const { routes, selected, cursor, settingIndex, form, explain } = screen
  const isBoxOpen = Boolean(form.spec || explain)
  // A box may take all but the hints row; it names the route, so the table can make way.
  const boxRoom = height - 1
  const box = form.spec
    ? formHeight(form)
    : explain
      ? liveBoxHeight(explain.lines, width, boxRoom)
      : 0
  const tableHeight = Math.max(
    isBoxOpen ? 0 : 2,
    Math.min((routes.data?.length ?? 0) + 1, height - 1 - box - (isBoxOpen ? 0 : settingsHeight)),
  )
  const hints: KeyHelp[] = isBoxOpen
    ? []
    : settingIndex === undefined
      ? [
          ['↑↓', 'select route'],
          ['Enter', 'edit'],
          ['x', 'explain METHOD PATH'],
        ]
      : [
          ['↑↓', 'select setting'],
          ['Enter', 'change it'],
          ['Esc', 'done'],
          ['x', 'explain'],
        ]
  return (
    <Box flexDirection="column">
      {tableHeight < 2 ? null : (
        <Table
          columns={columns}
          rows={(routes.data ?? []).map((r) => ({
            key: r.id,
            cells: [r.name, r.basePath, r.upstreamUrl],
          }))}
          width={width}
          height={tableHeight}
          selected={cursor.index}
          empty="no routes yet: add one with `japroxy route add NAME --base-path … --upstream …`"
        />
      )}
      {routes.error ? <ErrorBox error={routes.error} /> : null}
      {selected && !isBoxOpen ? <RouteSettings route={selected} selected={settingIndex} /> : null}
      {form.spec ? <FormBox form={{ ...form, spec: form.spec }} maxRows={boxRoom} /> : null}
      {explain && selected ? (
        <LiveBox
          title={`What would route ${selected.name} do with this request?`}
          label="METHOD PATH"
          input={explain.input}
          lines={explain.lines}
          hint="answers as you type, with the rules serve uses · Esc closes"
          maxRows={boxRoom}
        />
      ) : null}
      <KeyHints hints={hints} />
    </Box>
  )
}
