import { expect, test } from 'bun:test'
import { Text, useInput, useWindowSize } from 'ink'
import { render } from 'ink-testing-library'
import { useState } from 'react'
import { stripVTControlCharacters } from 'node:util'

function Demo() {
  const [keys, setKeys] = useState<string[]>([])
  const { columns, rows } = useWindowSize()
  useInput((input, key) => setKeys((k) => [...k, key.escape ? 'ESC' : key.return ? 'ENTER' : key.tab ? 'TAB' : key.upArrow ? 'UP' : JSON.stringify(input)]))
  return <Text>{columns}x{rows} {keys.join(',')}</Text>
}

test('spike', async () => {
  const r = render(<Demo />)
  Object.defineProperty(r.stdout, 'columns', { value: 80, configurable: true })
  Object.defineProperty(r.stdout, 'rows', { value: 24, configurable: true })
  r.stdout.emit('resize')
  await Bun.sleep(50)
  r.stdin.write('a')
  await Bun.sleep(20)
  r.stdin.write('\u001b')
  await Bun.sleep(100)
  r.stdin.write('\r')
  await Bun.sleep(20)
  r.stdin.write('\t')
  await Bun.sleep(20)
  r.stdin.write('\u001b[A')
  await Bun.sleep(20)
  r.stdin.write('xyz')
  await Bun.sleep(20)
  console.log(stripVTControlCharacters(r.lastFrame() ?? ''))
  r.unmount()
})
