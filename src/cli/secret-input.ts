/**
 * Reading secrets: from a masked prompt on a terminal, or from stdin when it is a pipe. Never
 * from the command line, where `ps` and shell history would keep them.
 */

/** Reads all of stdin and removes one trailing line break. */
async function readPiped(): Promise<string> {
  const text = await new Response(Bun.stdin.stream()).text()
  return text.replace(/\r?\n$/, '')
}

/** Shows `prompt` on stderr and reads a line without echo (a `*` per character). */
async function readMasked(prompt: string): Promise<string> {
  process.stderr.write(prompt)
  const stdin = process.stdin
  stdin.setRawMode(true)
  stdin.resume()
  let value = ''
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData)
            resolve(value)
            return
          }
          if (char === '\u0003') {
            stdin.off('data', onData)
            reject(new Error('cancelled'))
            return
          }
          if (char === '\u007f' || char === '\b') {
            if (value.length) process.stderr.write('\b \b')
            value = value.slice(0, -1)
          } else if (char >= ' ') {
            value += char
            process.stderr.write('*')
          }
        }
      }
      stdin.on('data', onData)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
    process.stderr.write('\n')
  }
}

/** Reads a secret from the terminal (masked) or from piped stdin. */
export async function readSecret(prompt: string): Promise<string> {
  return process.stdin.isTTY ? readMasked(prompt) : readPiped()
}
