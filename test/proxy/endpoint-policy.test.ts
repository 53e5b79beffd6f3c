/** Endpoint policy semantics: exact, {param}, prefix, deny, first match wins (issues #2, #7). */
import { describe, expect, test } from 'bun:test'
import { compilePolicy, parseRule } from '../../src/proxy/endpoint-policy.ts'

const align = compilePolicy({ profile: 'jira-align', rules: [] })

describe('the jira-align profile', () => {
  test.each([
    ['GET', '/rest/api/2/serverInfo'],
    ['POST', '/rest/api/2/search'],
    ['PUT', '/rest/api/2/issue/DEMO-1'],
    ['DELETE', '/rest/api/2/issueLink/10'],
    ['GET', '/rest/api/latest/myself'],
    ['GET', '/rest/agile/latest/board/3/sprint'],
    ['GET', '/rest/greenhopper/latest/rapidviews/list'],
    ['POST', '/rest/agile/1.0/sprint/3/issue'],
    ['GET', '/rest/greenhopper/1.0/rapidviews/list'],
    ['GET', '/rest/api/2/user/search'],
    ['GET', '/rest/api/2/project/DEMO'],
    ['GET', '/rest/api/2/myself'],
    ['GET', '/rest/api/2/issuetype'],
    ['GET', '/rest/api/2/issueLinkType'],
    ['POST', '/rest/api/2/issueLink'],
    ['POST', '/rest/api/latest/issue/DEMO-1/attachments'],
    ['PUT', '/rest/agile/1.0/issue/rank'],
    ['GET', '/rest/agile/1.0/sprint/2/issue'],
    ['GET', '/rest/api/2/issue/DEMO-1.json'],
    ['GET', '/rest/api/2/project/ABC/permissionscheme'],
    ['GET', '/rest/api/2/configuration'],
  ])('allows %s %s', (method, path) => {
    expect(align.decide(method, path).isAllowed).toBe(true)
  })

  test.each([
    ['PATCH', '/rest/api/2/issue/DEMO-1'],
    ['GET', '/rest/api/3/myself'],
    ['GET', '/secure/admin/ViewApplicationProperties.jspa'],
    ['POST', '/rest/plugins/1.0/'],
    ['POST', '/rest/api/2/user'],
    ['DELETE', '/rest/api/latest/user'],
    ['GET', '/rest/api/2/group'],
    ['POST', '/rest/api/2/group/user'],
    ['PUT', '/rest/api/2/application-properties/jira.title'],
    ['POST', '/rest/api/2/reindex'],
    ['POST', '/rest/api/2/project'],
    ['DELETE', '/rest/api/2/project/DEMO'],
    ['POST', '/rest/api/2/project/DEMO/role/10002'],
    ['GET', '/rest/api'],
    ['GET', '/rest/api/2x/issue'],
    ['DELETE', '/rest/agile/latest/board/3'],
    ['PUT', '/rest/greenhopper/latest/rapidviewconfig/name'],
    ['GET', '/rest/foo/latest/x'],
    ['PUT', '/rest/api/2/myself/password'],
    ['PUT', '/rest/api/latest/myself'],
    ['PUT', '/rest/api/2/mypreferences'],
    ['POST', '/rest/api/2/issuetype'],
    ['DELETE', '/rest/api/2/priority/3'],
    ['POST', '/rest/api/2/projectCategory'],
    ['POST', '/rest/plugins/1.0/pending'],
    ['POST', '/rest/api/2/project/'],
    ['PUT', '/rest/api/2/project/DEMO/'],
    ['DELETE', '/rest/api/latest/project/DEMO/'],
    ['POST', '/rest/api/2/field/'],
    ['DELETE', '/rest/api/2/customFields/'],
    ['PUT', '/rest/api/2/mypreferences/'],
    ['POST', '/rest/api/2/issueLinkType'],
    ['DELETE', '/rest/api/2/issueLinkType/10000'],
    // Found in review: per-project schemes, archiving, deeper preferences, media suffixes.
    ['PUT', '/rest/api/2/project/ABC/permissionscheme'],
    ['PUT', '/rest/api/2/project/ABC/notificationscheme'],
    ['PUT', '/rest/api/2/project/ABC/archive'],
    ['PUT', '/rest/api/2/project/ABC/restore'],
    ['PUT', '/rest/api/2/mypreferences/locale'],
    ['POST', '/rest/api/2/email-templates'],
    ['PUT', '/rest/api/2/configuration/timetracking'],
    ['POST', '/rest/api/2/monitoring/jmx/startExposing'],
    ['GET', '/rest/api/2/monitoring/app'],
    ['POST', '/rest/api/2/issue/DEMO-1/notify'],
    ['POST', '/rest/api/2/index-snapshot'],
    ['POST', '/rest/api/2/terminology/entries'],
    ['PUT', '/rest/api/2/issue/DEMO-1/archive'],
    ['POST', '/rest/api/2/issue/archive'],
    ['PUT', '/rest/api/2/issue/DEMO-1/restore'],
    ['POST', '/rest/api/2/universal_avatar/type/project/owner/10000'],
    ['DELETE', '/rest/agile/1.0/board/3'],
    ['DELETE', '/rest/greenhopper/1.0/rapidview/3'],
    ['PUT', '/rest/greenhopper/1.0/rapidviewconfig/name'],
    ['GET', '/rest/api/2/group.json'],
    ['POST', '/rest/api/2/user.json'],
    ['POST', '/rest/api/2/reindex.xml'],
    ['POST', '/rest/api/2/field.JSON'],
    ['GET', '/rest/api/2/application-properties.json'],
    ['PUT', '/rest/api/2/myself.json'],
    ['PUT', '/rest/api/2/myself.json.json'],
    ['GET', '/rest/api/2/group.htm/'],
    // The suffix as a segment of its own: Atlassian REST turns `/x/.json` into `/x/` (review).
    ['POST', '/rest/api/2/project/.json'],
    ['PUT', '/rest/api/2/project/DEMO/.html'],
    ['DELETE', '/rest/api/2/project/DEMO/.json'],
    ['DELETE', '/rest/api/latest/project/DEMO/.txt'],
    ['POST', '/rest/api/2/field/.json'],
    ['DELETE', '/rest/api/2/customFields/.xml/'],
    ['PUT', '/rest/api/2/mypreferences/.json.xml'],
  ])('denies %s %s', (method, path) => {
    expect(align.decide(method, path).isAllowed).toBe(false)
  })
})

describe('custom rules', () => {
  test("judge a module's latest alias by the version it stands for", () => {
    const policy = compilePolicy({
      profile: 'none',
      rules: ['deny DELETE /rest/agile/1.0/sprint/{id}', 'allow * /rest/agile/**'],
    })
    expect(policy.decide('DELETE', '/rest/agile/latest/sprint/4').isAllowed).toBe(false)
    expect(policy.decide('GET', '/rest/agile/latest/sprint/4').isAllowed).toBe(true)
  })

  test('come before the profile; the first match wins', () => {
    const policy = compilePolicy({
      profile: 'jira-align',
      rules: ['deny DELETE /rest/api/2/issue/{key}'],
    })
    expect(policy.decide('DELETE', '/rest/api/2/issue/DEMO-1')).toEqual({
      isAllowed: false,
      rule: 'deny DELETE /rest/api/2/issue/{key}',
      source: 'custom',
    })
    expect(policy.decide('DELETE', '/rest/api/2/issue/DEMO-1/comment/1').isAllowed).toBe(true)
    expect(policy.decide('DELETE', '/rest/api/2/issue/DEMO-1/.json').isAllowed).toBe(false)
    expect(policy.decide('DELETE', '/rest/api/2/issue/DEMO-1.xml').isAllowed).toBe(false)
  })

  test('a {param} matches exactly one non-empty segment; exact rules match only themselves', () => {
    const policy = compilePolicy({ profile: 'none', rules: ['allow GET /a/{id}/b', 'allow * /c'] })
    expect(policy.decide('GET', '/a/1/b').isAllowed).toBe(true)
    expect(policy.decide('GET', '/a/1/2/b').isAllowed).toBe(false)
    expect(policy.decide('GET', '/a//b').isAllowed).toBe(false)
    expect(policy.decide('POST', '/c').isAllowed).toBe(true)
    expect(policy.decide('POST', '/c/d').isAllowed).toBe(false)
    expect(policy.decide('GET', '/d')).toEqual({
      isAllowed: false,
      rule: undefined,
      source: 'default',
    })
  })

  test.each([
    'allow',
    'permit GET /x',
    'allow GET x',
    'allow GET /a/*/b',
    'allow G3T /x',
    'allow GET /a/../b',
  ])('refuses the rule %p', (text) => {
    expect(typeof parseRule(text)).toBe('string')
  })
})
