/** Starts the console for `japroxy tui`: opens the store, renders the App, waits for quit. */
import { render } from 'ink'
import { actor } from '../src/cli/context.ts'
import { openStore } from '../store/db.ts'
import { sodiumReady } from '../store/seal.ts'
import { App } from './App.tsx'

// Frames are capped so a busy `serve` cannot make the console redraw more often than this.
const maxFps = 15

/** Opens the store at `dbPath` and runs the console until the admin quits. */
export async function startTui(dbPath: string): Promise<void> {
  // A missing or unreadable store fails here, before the screen is taken, as one clear line.
  const db = openStore(dbPath)
  try {
    await sodiumReady()
    const instance = render(<App db={db} actor={actor('tui')} />, {
      // Ink turns itself off (one frame at exit) when CI is set in the environment; the console
      // is for a person at a terminal, so a terminal is all that counts.
      interactive: Boolean(process.stdout.isTTY),
      alternateScreen: true,
      maxFps,
      exitOnCtrlC: true,
    })
    await instance.waitUntilExit()
  } finally {
    db.close()
  }
}
