import { test } from 'bun:test'
import { Text, useInput } from 'ink'
import { render } from 'ink-testing-library'
import { useState } from 'react'
import { InputLockContext, useInputLock, useInputLockOwner } from '../../tui/hooks/use-input-lock.ts'

function Child() {
  const [open, setOpen] = useState(false)
  useInputLock(open)
  useInput((input) => { if (input === 'n') setOpen(true) }, { isActive: !open })
  useInput((input) => { if (input === 'x') setOpen(false) }, { isActive: open })
  return <Text>{open ? 'open' : 'closed'}</Text>
}

function Demo() {
  const { isLocked, lock } = useInputLockOwner()
  const [log, setLog] = useState('')
  useInput((input) => setLog((l) => l + input), { isActive: !isLocked })
  return <InputLockContext.Provider value={lock}><Text>log={log} locked={String(isLocked)}</Text><Child /></InputLockContext.Provider>
}

test('repro', async () => {
  const r = render(<Demo />)
  for (const ch of ['a', 'n', 'b', 'x', 'c', 'd']) {
    r.stdin.write(ch)
    await Bun.sleep(30)
    console.log(ch, r.lastFrame()?.replace(/\n/g, ' | '))
  }
})
