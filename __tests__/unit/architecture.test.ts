/**
 * The one-way flow is enforced by `npm run lint` (eslint.config.mjs,
 * no-restricted-imports per floor). These cases lint one import as if it
 * were written in a given file of the tree, with the project's own config,
 * so a rule that stops matching fails here rather than silently.
 */
import { describe, expect, it } from '@jest/globals'
import { ESLint } from 'eslint'
import { ROOT } from '../support/run.js'

const eslint = new ESLint({ cwd: ROOT })

async function importErrors(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${specifier}'\nexport const y = x\n`, {
    filePath: `${ROOT}/${file}`
  })
  return result!.messages.filter(m => m.ruleId === 'no-restricted-imports').map(m => m.message)
}

describe('the import boundaries npm run lint enforces', () => {
  it.each([
    ['a stage imports the engine', 'src/render/render.ts', '../engine/index.js', /never imports/],
    [
      'a stage imports an engine file',
      'src/report/summary.ts',
      '../engine/edit.js',
      /never imports/
    ],
    [
      'a nested stage file imports the engine',
      'src/registry/oci/client.ts',
      '../../engine/index.js',
      /never imports/
    ],
    ['a stage imports a shell', 'src/deliver/git.ts', '../action/inputs.js', /never imports/],
    ["a stage imports the shells' options", 'src/config/load.ts', '../options.js', /never imports/],
    [
      "a stage imports another stage's insides",
      'src/edit/helm.ts',
      '../config/load.js',
      /only door/
    ],
    [
      "a nested file imports another stage's insides",
      'src/registry/oci/manifest.ts',
      '../../render/render.js',
      /only door/
    ],
    [
      'the ground floor imports a stage',
      'src/repo/paths.ts',
      '../render/index.js',
      /never imports/
    ],
    ['the model imports a stage', 'src/model.ts', './policy/index.js', /never imports/],
    ['the engine imports a shell', 'src/engine/run.ts', '../action/main.js', /never imports/],
    ["the engine imports a stage's insides", 'src/engine/run.ts', '../deliver/git.js', /only door/],
    [
      "a shell imports the engine's insides",
      'src/cli/promote.ts',
      '../engine/environments.js',
      /only door/
    ]
  ])('refuses: %s', async (_case, file, specifier, message) => {
    expect((await importErrors(file, specifier)).join('\n')).toMatch(message)
  })

  it.each([
    ['a stage imports another stage through its door', 'src/lint/rules.ts', '../policy/index.js'],
    ['a stage imports the ground floor', 'src/edit/helm.ts', '../yaml/index.js'],
    ['a stage imports the logger', 'src/render/render.ts', '../log/logger.js'],
    [
      'a nested stage file imports its own stage',
      'src/registry/oci/client.ts',
      '../credentials.js'
    ],
    ['a nested stage file imports the model', 'src/registry/oci/client.ts', '../../model.js'],
    ['the engine imports a stage door', 'src/engine/run.ts', '../registry/index.js'],
    ['the engine imports its own files', 'src/engine/run.ts', './environments.js'],
    ['a shell imports the engine door', 'src/action/main.ts', '../engine/index.js'],
    ["a shell imports the shells' options", 'src/cli/args.ts', '../options.js']
  ])('allows: %s', async (_case, file, specifier) => {
    expect(await importErrors(file, specifier)).toEqual([])
  })
})
