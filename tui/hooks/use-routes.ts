/** The Routes screen's data and actions: pick a route, edit one setting, explain a request. */
import { useState } from 'react'
import { explainRequest } from '../../src/proxy/explain.ts'
import { isCredentialStale } from '../../store/credentials.ts'
import { listRoutes, type Route, updateRoute, validateRoute } from '../../store/routes.ts'
import type { LiveLine } from '../components/LiveBox.tsx'
import { fieldsOf, type RouteSetting, routeSettings } from '../route-fields.ts'
import { type Form, type FormSpec, useForm } from './use-form.ts'
import { useInputLock } from './use-input-lock.ts'
import { useKeyInput } from './use-key-input.ts'
import { type ListCursor, useListCursor } from './use-list-cursor.ts'
import { useStore } from './use-store.ts'
import { type QueryResult, useStoreQuery } from './use-store-query.ts'
import { type TextInput, useTextInput } from './use-text-input.ts'

/** What the Routes screen shows and does. */
export interface RoutesScreen {
  routes: QueryResult<Route[]>
  selected: Route | undefined
  cursor: ListCursor
  /** Which setting is selected while editing, or undefined while choosing a route. */
  settingIndex: number | undefined
  form: Form
  explain: { input: TextInput; lines: LiveLine[] } | undefined
}

/** The route with one setting changed, and the problems `validateRoute` finds with it. */
export function checkSetting(
  route: Route,
  others: readonly Route[],
  setting: RouteSetting,
  text: string,
): { fields?: ReturnType<typeof fieldsOf>; problems: string[] } {
  let fields: ReturnType<typeof fieldsOf>
  try {
    fields = { ...fieldsOf(route), ...setting.read(text, route) }
  } catch (error) {
    // A setting's reader throws only to say the text is not a value it takes.
    return { problems: [error instanceof Error ? error.message : String(error)] }
  }
  // An upstream already stored was allowed by the admin; only a new one is held to https.
  const isPlainHttpAllowed = fields.upstreamUrl === route.upstreamUrl
  const prefix = `routes.${route.name}.${setting.key}`
  const problems = validateRoute(fields, others, { isPlainHttpAllowed })
    .filter((p) => p.startsWith(prefix))
    .map((p) => p.slice(`routes.${route.name}.`.length))
  return { fields, problems }
}

/** The explanation lines for typed "METHOD PATH" on `route`. */
export function explainLines(route: Route, text: string): LiveLine[] {
  const match = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(text)
  if (!match)
    return [{ text: 'type METHOD PATH, e.g. GET /rest/api/2/serverInfo', color: 'yellow' }]
  const result = explainRequest(route, match[1]!.toUpperCase(), match[2]!)
  return result.lines.map((line, i) => ({
    text: line,
    color: i === result.lines.length - 1 ? (result.isForwarded ? 'green' : 'red') : undefined,
  }))
}

/** State and keys of the Routes screen; keys work only while `isActive`. */
export function useRoutesScreen(isActive: boolean, pageSize: number): RoutesScreen {
  const { db, actor, markChanged } = useStore()
  const routes = useStoreQuery(listRoutes)
  const form = useForm()
  const [isEditing, setIsEditing] = useState(false)
  const [isExplaining, setIsExplaining] = useState(false)
  const isFree = isActive && !form.spec && !isExplaining
  const list = routes.data ?? []
  const cursor = useListCursor(list.length, {
    isActive: isFree && !isEditing,
    pageSize,
    ids: list.map((r) => r.name),
  })
  const settingCursor = useListCursor(routeSettings.length, { isActive: isFree && isEditing })
  const selected = list[cursor.index]
  const explainInput = useTextInput({
    isActive: isActive && isExplaining,
    onCancel: () => setIsExplaining(false),
  })
  useInputLock(isExplaining)

  const editSpec = (route: Route, setting: RouteSetting): FormSpec => {
    const others = list.filter((r) => r.id !== route.id)
    return {
      title: `Route ${route.name}: ${setting.label}`,
      note: `now: ${setting.show(route) || '(none)'}`,
      fields: [
        {
          name: 'value',
          label: setting.label,
          initial: setting.show(route),
          hint: setting.hint,
          check: (v) => checkSetting(route, others, setting, v).problems[0],
        },
      ],
      submit: (values) => {
        const { fields } = checkSetting(route, others, setting, values.value ?? '')
        if (!fields) throw new Error('the value could not be read')
        const updated = updateRoute(db, actor, fields, {
          isPlainHttpAllowed: fields.upstreamUrl === route.upstreamUrl,
        })
        markChanged()
        const reset = isCredentialStale(db, updated)
          ? '; its credential was set for another upstream: set it again (5 Credentials)'
          : ''
        return `updated route ${route.name}: ${setting.label}${reset}`
      },
    }
  }

  useKeyInput(
    (input, key) => {
      const selected = list[cursor.current()]
      if (!selected) return
      if (input === 'x') {
        explainInput.setValue('')
        setIsExplaining(true)
      } else if (!isEditing && key.return) setIsEditing(true)
      else if (isEditing && key.escape) setIsEditing(false)
      else if (isEditing && key.return) {
        form.open(editSpec(selected, routeSettings[settingCursor.current()]!))
      }
    },
    { isActive: isFree },
  )

  const explain =
    isExplaining && selected
      ? { input: explainInput, lines: explainLines(selected, explainInput.value) }
      : undefined
  return {
    routes,
    selected,
    cursor,
    settingIndex: isEditing ? settingCursor.index : undefined,
    form,
    explain,
  }
}
