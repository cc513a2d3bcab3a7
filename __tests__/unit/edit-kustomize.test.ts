/**
 * The kustomization helpers the edit stage renders with (never writes): the file without its
 * images: entries, and whether it is a Component.
 */
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { isKustomizeComponent, withoutImageEntries } from '../../src/edit/index.js'
import { EditError } from '../../src/errors.js'

describe('withoutImageEntries', () => {
  it.each<[string, string, Record<string, unknown>]>([
    [
      'drops images: and keeps every other field',
      'resources:\n  - ../base\nimages:\n  - name: app\n    newTag: v1\nnamespace: dev\n',
      { resources: ['../base'], namespace: 'dev' }
    ],
    [
      'an anchor set inside images: and used elsewhere still resolves',
      'images:\n  - name: &app registry.io/app\n    newTag: v1\ncommonLabels:\n  image: *app\n',
      { commonLabels: { image: 'registry.io/app' } }
    ],
    ['no images: at all', 'resources: [a.yaml]\n', { resources: ['a.yaml'] }]
  ])('%s', (_, text, expected) => {
    expect(parse(withoutImageEntries(text, 'kustomization.yaml'))).toEqual(expected)
  })

  it.each(['- a\n- b\n', 'images: [unclosed\n'])('refuses %j: not a kustomization', text => {
    expect(() => withoutImageEntries(text, 'k.yaml')).toThrow(EditError)
  })
})

describe('isKustomizeComponent', () => {
  it.each<[string, boolean]>([
    ['apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n', true],
    ['kind: Kustomization\n', false],
    ['resources: []\n', false],
    ['[unclosed\n', false]
  ])('%j → %s', (text, expected) => {
    expect(isKustomizeComponent(text)).toBe(expected)
  })
})
