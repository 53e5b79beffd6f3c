/**
 * The admin console: a tab bar, the open screen and a status line. Every screen stays mounted
 * (hidden when not open) so a paused Live view or a half-read list survives switching screens.
 */
import { Box, Text, useApp, useWindowSize } from 'ink'
import { type ReactNode, useMemo, useState } from 'react'
import type { Store } from '../store/db.ts'
import { ErrorBoundary } from './components/ErrorBoundary.tsx'
import { HelpOverlay } from './components/HelpOverlay.tsx'
import { StatusBar, type StatusBarProps, statusBarHeight } from './components/StatusBar.tsx'
import { TabBar } from './components/TabBar.tsx'
import { InputLockContext, useInputLockOwner } from './hooks/use-input-lock.ts'
import { KeyRouterContext, useKeyRouter } from './hooks/use-key-input.ts'
import { useRefState } from './hooks/use-ref-state.ts'
import { useRequestTail } from './hooks/use-request-tail.ts'
import { type Status, StatusContext } from './hooks/use-status.ts'
import { defaultPollMs, StoreContext, useStoreWatcher } from './hooks/use-store.ts'
import { nextScreen, type ScreenId, screens } from './screen-list.ts'
import { AllowListScreen } from './screens/AllowListScreen.tsx'
import { AuditScreen } from './screens/AuditScreen.tsx'
import { CredentialsScreen } from './screens/CredentialsScreen.tsx'
import { KeysScreen } from './screens/KeysScreen.tsx'
import { LiveScreen } from './screens/LiveScreen.tsx'
import { OverviewScreen } from './screens/OverviewScreen.tsx'
import { RoutesScreen } from './screens/RoutesScreen.tsx'

/** Props of App. */
export interface AppProps {
  db: Store
  /** Who makes the changes, for the audit trail (`actor('tui')`). */
  actor: string
  /** How often to look for changes made by other processes. */
  pollMs?: number
  initialScreen?: ScreenId
}

/** The smallest terminal the screens fit in. */
export const minColumns = 60
export const minRows = 16

/** Renders the console and takes the global keys. */
export function App({ db, actor, pollMs = defaultPollMs, initialScreen = 'overview' }: AppProps) {
  const { exit } = useApp()
  const { columns, rows } = useWindowSize()
  const watcher = useStoreWatcher(db, pollMs)
  const tail = useRequestTail(db, watcher.dataTick)
  const { isLocked, isShownLocked, lock } = useInputLockOwner()
  const [currentScreen, setScreen] = useRefState<ScreenId>(initialScreen)
  const [isHelpShown, setIsHelp] = useRefState(false)
  const screen = currentScreen()
  const isHelp = isHelpShown()
  const [status, setStatus] = useState<Status | undefined>()
  const { configTick, dataTick, watchError, markChanged } = watcher
  const handle = useMemo(
    () => ({ db, actor, configTick, dataTick, watchError, markChanged }),
    [db, actor, configTick, dataTick, watchError, markChanged],
  )

  const open = (id: ScreenId) => {
    setScreen(id)
    setIsHelp(false)
    setStatus(undefined)
  }

  const router = useKeyRouter((input, key) => {
    if (isLocked()) return
    const numbered = screens.find((s) => s.key === input)
    if (numbered) open(numbered.id)
    else if (key.tab) open(nextScreen(currentScreen(), key.shift ? -1 : 1))
    else if (input === '?') setIsHelp(!isHelpShown())
    else if (key.escape && isHelpShown()) setIsHelp(false)
    else if (input === 'q') exit()
  })

  const width = Math.max(40, columns)
  const statusBar: StatusBarProps = {
    status,
    storeError: watcher.watchError ?? tail.error,
    width,
    isBoxOpen: isShownLocked,
  }
  // The tab bar takes one row, the status line one or more (a long message wraps).
  const height = Math.max(8, rows - 1 - statusBarHeight(statusBar))
  // Below this the screens would overlap; they keep their state (a key being shown among it)
  // hidden until the terminal grows again.
  const isTooSmall = columns < minColumns || rows < minRows
  const isVisible = (id: ScreenId) => id === screen && !isHelp && !isTooSmall
  const views: Record<ScreenId, ReactNode> = {
    overview: (
      <OverviewScreen isActive={isVisible('overview')} width={width} height={height} tail={tail} />
    ),
    keys: <KeysScreen isActive={isVisible('keys')} width={width} height={height} />,
    allow: <AllowListScreen isActive={isVisible('allow')} width={width} height={height} />,
    routes: <RoutesScreen isActive={isVisible('routes')} width={width} height={height} />,
    credentials: (
      <CredentialsScreen isActive={isVisible('credentials')} width={width} height={height} />
    ),
    live: <LiveScreen isActive={isVisible('live')} width={width} height={height} tail={tail} />,
    audit: <AuditScreen isActive={isVisible('audit')} width={width} height={height} />,
  }

  return (
    <StoreContext.Provider value={handle}>
      <StatusContext.Provider value={setStatus}>
        <InputLockContext.Provider value={lock}>
          <KeyRouterContext.Provider value={router}>
            <Box flexDirection="column" width={width} height={rows}>
              {isTooSmall ? null : <TabBar screens={screens} active={screen} width={width} />}
              <Box flexDirection="column" height={height} overflow="hidden">
                {isTooSmall ? (
                  <Text color="yellow">
                    {`japroxy tui needs at least ${minColumns}×${minRows}; this terminal is ` +
                      `${columns}×${rows}. Make it larger (q quits).`}
                  </Text>
                ) : null}
                {isHelp && !isTooSmall ? (
                  <HelpOverlay screen={screens.find((s) => s.id === screen)!} />
                ) : null}
                {screens.map((s) => (
                  <Box
                    key={s.id}
                    display={isVisible(s.id) ? 'flex' : 'none'}
                    flexDirection="column"
                  >
                    <ErrorBoundary resetKey={watcher.configTick}>{views[s.id]}</ErrorBoundary>
                  </Box>
                ))}
              </Box>
              <StatusBar {...statusBar} />
            </Box>
          </KeyRouterContext.Provider>
        </InputLockContext.Provider>
      </StatusContext.Provider>
    </StoreContext.Provider>
  )
}
