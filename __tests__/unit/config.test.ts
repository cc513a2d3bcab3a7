import { describe, expect, it } from '@jest/globals'
import { scaled } from '../support/timing.js'
import { Ajv } from 'ajv'

import schema from '../../schema/promotion.schema.json' with { type: 'json' }
import {
  expandTargets,
  parsePromotionConfig,
  parseTargetSpec,
  PromotionConfigError,
  PROMOTION_SCHEMA,
  type TargetTemplate
} from '../../src/config/index.js'
import { parseKeyPath } from '../../src/yaml/index.js'
import { ConfigError } from '../../src/errors.js'
/** The example of DESIGN.md, "Promotion config", verbatim. */
const DESIGN_EXAMPLE = `environments:
  dev:
    mode: push
    targets:
      - kustomize: apps/{name}/overlays/dev        # directory with kustomization.yaml, or the file
  staging:
    promote-from: dev
    targets:
      - kustomize: apps/{name}/overlays/staging
  prod:
    promote-from: staging
    reviewers: [octo-sre]
    labels: [promotion]
    targets:
      - helm: charts/{name}/values-prod.yaml
        key: image        # map with repository/tag[/digest], or a string key holding the whole reference
`

function configError(text: string): PromotionConfigError {
  try {
    parsePromotionConfig(text, 'promotion.yaml')
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toBeInstanceOf(PromotionConfigError)
    return error as PromotionConfigError
  }
  throw new Error('expected a ConfigError')
}

const ENV = 'environments:\n  dev:\n'

describe('parsePromotionConfig refuses bad configs, naming file:line and the key', () => {
  it.each<[string, string, string]>([
    [
      'duplicate environment',
      `${ENV}    targets: [{ kustomize: a }]\n  dev:\n    targets: [{ kustomize: b }]\n`,
      'promotion.yaml:4:3: duplicate key "dev" (keys must be unique; a second one would silently replace the first)'
    ],
    [
      'duplicate key in a target',
      `${ENV}    targets:\n      - helm: a.yaml\n        key: image\n        key: api.image\n`,
      'promotion.yaml:6:9: duplicate key "key" (keys must be unique; a second one would silently replace the first)'
    ],
    [
      'chart on a kustomize target',
      `${ENV}    targets:\n      - kustomize: apps/x\n        chart: charts/x\n`,
      'promotion.yaml:5: environments.dev.targets[0]: "chart" only applies to helm targets'
    ],
    [
      'a values file leaving the repository',
      `${ENV}    targets:\n      - helm: envs/dev.yaml\n        key: image\n        values: [envs/common.yaml, ../x.yaml]\n`,
      'promotion.yaml:6: environments.dev.targets[0]: values[1] path "../x.yaml" leaves the repository (..)'
    ],
    [
      'tab indentation',
      `${ENV}\ttargets: [{ kustomize: a }]\n`,
      'promotion.yaml:3:1: tab used for indentation; YAML indents with spaces only'
    ],
    [
      'unclosed flow sequence',
      `${ENV}    targets: [{ kustomize: a }\n    mode: push\n`,
      'promotion.yaml:4:5: Flow sequence in block collection must be sufficiently indented and end with a ]'
    ],
    [
      'unclosed quote',
      `${ENV}    targets:\n      - kustomize: "apps/x\n`,
      'promotion.yaml:5:1: Missing closing "quote'
    ],
    [
      'two YAML documents',
      `${ENV}    targets: [{ kustomize: a }]\n---\nenvironments: {}\n`,
      'promotion.yaml:4:1: contains more than one YAML document ("---"); the promotion config is a single map'
    ],
    [
      'alias without anchor',
      `${ENV}    targets: *common\n`,
      'promotion.yaml:3:14: alias *common has no anchor &common before it'
    ],
    ['empty file', '', 'promotion.yaml:1: is empty; expected a map with "environments:"'],
    [
      'comments only',
      '# nothing yet\n',
      'promotion.yaml:1: is empty; expected a map with "environments:"'
    ],
    [
      'list at the root',
      '# promotion\n- dev\n- prod\n',
      'promotion.yaml:2: must be a map with "environments:", got a list'
    ],
    ['an alias at the root', '*x\n', 'promotion.yaml:1:1: alias *x has no anchor &x before it'],
    [
      'scalar at the root',
      'environments\n',
      'promotion.yaml:1: must be a map with "environments:", got "environments"'
    ],
    [
      'misspelled environments',
      'environment:\n  dev:\n    targets: [{ kustomize: a }]\n',
      'promotion.yaml:1: unknown key "environment" (did you mean "environments"?)'
    ],
    [
      'unknown top-level key',
      `version: 1\n${ENV}    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:1: unknown key "version"; expected one of: environments'
    ],
    [
      'empty environments',
      'environments: {}\n',
      'promotion.yaml:1: environments: must define at least one environment'
    ],
    [
      'environments without a value',
      'environments:\n',
      'promotion.yaml:1: environments: must be a map, got nothing (an empty value)'
    ],
    [
      'environments as a list',
      'environments:\n  - dev\n',
      'promotion.yaml:1: environments: must be a map, got a list'
    ],
    [
      'environment name with a space',
      'environments:\n  eu prod:\n    targets: [{ kustomize: a }]\n',
      'promotion.yaml:2: environments: invalid environment name "eu prod": use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 63 characters'
    ],
    [
      'environment name starting with "-"',
      'environments:\n  dev:\n    targets: [{ kustomize: a }]\n  -prod:\n    targets: [{ kustomize: a }]\n',
      'promotion.yaml:4: environments: invalid environment name "-prod": use letters, digits, ".", "_" and "-", starting with a letter or digit, at most 63 characters'
    ],
    [
      'environment without targets',
      `${ENV}    mode: push\n`,
      'promotion.yaml:2: environments.dev: missing required key "targets" (the kustomize, helm, manifest or argocd files to pin images in)'
    ],
    [
      'misspelled targets',
      `${ENV}    target:\n      - kustomize: a\n`,
      'promotion.yaml:3: environments.dev: unknown key "target" (did you mean "targets"?)'
    ],
    [
      'empty targets',
      `${ENV}    targets: []\n`,
      'promotion.yaml:3: environments.dev.targets: must list at least one target'
    ],
    [
      'targets as a map',
      `${ENV}    targets:\n      kustomize: apps/x\n`,
      'promotion.yaml:3: environments.dev.targets: must be a list, got a map'
    ],
    [
      'environment as a string',
      'environments:\n  dev: apps/dev\n',
      'promotion.yaml:2: environments.dev: must be a map, got "apps/dev"'
    ],
    [
      'promote_from instead of promote-from',
      `${ENV}    promote_from: ci\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:3: environments.dev: unknown key "promote_from" (did you mean "promote-from"?)'
    ],
    [
      'bad mode',
      `${ENV}    mode: pushh\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:3: environments.dev.mode: must be one of "push", "pull-request"; got "pushh" (did you mean "push"?)'
    ],
    [
      'bad auto-merge',
      `${ENV}    auto-merge: fast-forward\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:3: environments.dev.auto-merge: must be one of "merge", "squash", "rebase"; got "fast-forward"'
    ],
    [
      'draft: yes (YAML 1.1 boolean)',
      `${ENV}    draft: yes\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:3: environments.dev.draft: must be true or false, got "yes" (YAML 1.2: yes/no/on/off are strings)'
    ],
    [
      'labels as a string',
      `${ENV}    labels: promotion\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:3: environments.dev.labels: must be a list, got "promotion" (write a list: [promotion])'
    ],
    [
      'a reviewer that is a number',
      `${ENV}    reviewers:\n      - octo-sre\n      - 42\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:5: environments.dev.reviewers[1]: must be a string, got 42'
    ],
    [
      'unknown key in a target',
      `${ENV}    targets:\n      - kustomize: a\n      - kustomise: apps/x\n`,
      'promotion.yaml:5: environments.dev.targets[1]: unknown key "kustomise" (did you mean "kustomize"?)'
    ],
    [
      'target as a string',
      `${ENV}    targets:\n      - apps/x/overlays/dev\n`,
      'promotion.yaml:4: environments.dev.targets[0]: must be a map: one of "kustomize: <directory or kustomization file>", "helm: <values file>" with "key: <path to the image>", "manifest: <YAML file or directory>" or "argocd: <Application file>"; got "apps/x/overlays/dev"'
    ],
    [
      'target with neither kustomize nor helm',
      `${ENV}    targets:\n      - images: [api]\n`,
      'promotion.yaml:4: environments.dev.targets[0]: a target needs one of "kustomize: <directory or kustomization file>", "helm: <values file>" with "key: <path to the image>", "manifest: <YAML file or directory>" or "argocd: <Application file>"'
    ],
    [
      'helm without key',
      `${ENV}    targets:\n      - kustomize: a\n      - helm: charts/api/values.yaml\n        tag-key: version\n`,
      'promotion.yaml:5: environments.dev.targets[1]: a helm target needs "key": where the image is in the values file, e.g. key: image or key: api.image'
    ],
    [
      'helm with a misspelled key',
      `${ENV}    targets:\n      - helm: charts/api/values.yaml\n        kye: image\n`,
      'promotion.yaml:5: environments.dev.targets[0]: unknown key "kye" (did you mean "key"?)'
    ],
    [
      'helm and kustomize in one target',
      `${ENV}    targets:\n      - helm: values.yaml\n        key: image\n        kustomize: apps/x\n`,
      'promotion.yaml:6: environments.dev.targets[0]: "kustomize" and "helm" cannot be combined: each target is one or the other (add a second target)'
    ],
    [
      'manifest and kustomize in one target',
      `${ENV}    targets:\n      - manifest: deploy/app.yaml\n        kustomize: apps/x\n`,
      'promotion.yaml:5: environments.dev.targets[0]: "kustomize" and "manifest" cannot be combined: each target is one or the other (add a second target)'
    ],
    [
      'argocd and kustomize in one target',
      `${ENV}    targets:\n      - argocd: argocd/api.yaml\n        kustomize: apps/x\n`,
      'promotion.yaml:5: environments.dev.targets[0]: "kustomize" and "argocd" cannot be combined: each target is one or the other (add a second target)'
    ],
    [
      'manifest and argocd in one target',
      `${ENV}    targets:\n      - manifest: deploy\n        argocd: argocd/api.yaml\n`,
      'promotion.yaml:5: environments.dev.targets[0]: "argocd" and "manifest" cannot be combined: each target is one or the other (add a second target)'
    ],
    [
      'helm and manifest in one target',
      `${ENV}    targets:\n      - helm: values.yaml\n        key: image\n        manifest: deploy\n`,
      'promotion.yaml:6: environments.dev.targets[0]: "manifest" and "helm" cannot be combined: each target is one or the other (add a second target)'
    ],
    [
      'helm-only key on a manifest target',
      `${ENV}    targets:\n      - manifest: deploy\n        key: image\n`,
      'promotion.yaml:5: environments.dev.targets[0]: "key" only applies to helm targets'
    ],
    [
      'manifest path leaving the repository',
      `${ENV}    targets:\n      - manifest: ../deploy\n`,
      'promotion.yaml:4: environments.dev.targets[0]: manifest path "../deploy" leaves the repository (..)'
    ],
    [
      'helm-only option on a kustomize target',
      `${ENV}    targets:\n      - kustomize: apps/x\n        tag-key: version\n`,
      'promotion.yaml:5: environments.dev.targets[0]: "tag-key" only applies to helm targets'
    ],
    [
      'schema violation deep in a target',
      `${ENV}    targets:\n      - kustomize: a\n      - helm: values.yaml\n        key: image\n        tag-key: 5\n`,
      'promotion.yaml:7: environments.dev.targets[1].tag-key: must be a string, got 5'
    ],
    [
      'images entry that is not an image name',
      `${ENV}    targets:\n      - kustomize: a\n        images:\n          - api\n          - ghcr.io/acme/worker\n`,
      'promotion.yaml:7: environments.dev.targets[0].images[1]: "ghcr.io/acme/worker" is not an image name: the last path component of the repository, lower case, as {name} (e.g. api for ghcr.io/acme/api)'
    ],
    [
      'empty kustomize path',
      `${ENV}    targets:\n      - kustomize: ""\n`,
      'promotion.yaml:4: environments.dev.targets[0].kustomize: must not be empty'
    ],
    [
      'absolute target path',
      `${ENV}    targets:\n      - kustomize: /etc/kubernetes\n`,
      'promotion.yaml:4: environments.dev.targets[0]: kustomize path "/etc/kubernetes" is absolute (paths are relative to the repository root)'
    ],
    [
      'target path leaving the repository',
      `${ENV}    targets:\n      - kustomize: a\n      - helm: apps/{name}/../../../values.yaml\n        key: image\n`,
      'promotion.yaml:5: environments.dev.targets[1]: helm path "apps/{name}/../../../values.yaml" leaves the repository (..)'
    ],
    [
      'backslash in a target path',
      `${ENV}    targets:\n      - kustomize: 'apps\\api'\n`,
      'promotion.yaml:4: environments.dev.targets[0]: kustomize path "apps\\\\api" contains a backslash (write paths with "/")'
    ],
    [
      'unknown placeholder',
      `${ENV}    targets:\n      - kustomize: apps/{image}/overlays/dev\n`,
      'promotion.yaml:4: environments.dev.targets[0]: kustomize path "apps/{image}/overlays/dev" uses unknown placeholder {image}; only {name} (the last path component of the image repository) and {environment} exist'
    ],
    [
      'malformed helm key',
      `${ENV}    targets:\n      - helm: values.yaml\n\n        key: api..image\n`,
      'promotion.yaml:6: environments.dev.targets[0]: key "api..image" has an empty or invalid segment before ".image"'
    ],
    [
      'promote-from an unknown environment',
      `${ENV}    targets: [{ kustomize: a }]\n  staging:\n    targets: [{ kustomize: a }]\n  prod:\n    promote-from: stagin\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:7: environments.prod.promote-from: unknown environment "stagin" (did you mean "staging"?)'
    ],
    [
      'promote-from a far-off name lists the environments',
      `${ENV}    targets: [{ kustomize: a }]\n  prod:\n    promote-from: qa\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:5: environments.prod.promote-from: unknown environment "qa"; environments: dev, prod'
    ],
    [
      'promote-from itself',
      `${ENV}    promote-from: dev\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:3: environments.dev.promote-from: an environment cannot promote from itself'
    ],
    [
      'promote-from cycle of two',
      `${ENV}    targets: [{ kustomize: a }]\n  staging:\n    promote-from: prod\n    targets: [{ kustomize: a }]\n  prod:\n    promote-from: staging\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:5: environments.staging.promote-from: cycle in promote-from: staging → prod → staging (each promotes from the next)'
    ],
    [
      'promote-from cycle of three, entered from outside',
      `${ENV}    promote-from: b\n    targets: [{ kustomize: a }]\n  a:\n    promote-from: c\n    targets: [{ kustomize: a }]\n  b:\n    promote-from: a\n    targets: [{ kustomize: a }]\n  c:\n    promote-from: b\n    targets: [{ kustomize: a }]\n`,
      'promotion.yaml:6: environments.a.promote-from: cycle in promote-from: a → c → b → a (each promotes from the next)'
    ]
  ])('%s', (_name, text, expected) => {
    const error = configError(text)
    expect(error.message).toBe(expected)
    expect(error.subject).toBe(expected.split(':').slice(0, 2).join(':'))
    expect(error.hint).toBeTruthy()
  })

  it('collects every problem, one line each, in file order', () => {
    const error = configError(
      [
        'environments:',
        '  dev:',
        '    mode: pushh',
        '    targets:',
        '      - kustomise: apps/x',
        '  prod:',
        '    promote-from: dev',
        '    draft: "no"',
        '    targets:',
        '      - helm: charts/{name}/values.yaml',
        '  qa:',
        '    promote-from: nope',
        ''
      ].join('\n')
    )
    expect(error.message.split('\n')).toEqual([
      'promotion.yaml:3: environments.dev.mode: must be one of "push", "pull-request"; got "pushh" (did you mean "push"?)',
      'promotion.yaml:5: environments.dev.targets[0]: unknown key "kustomise" (did you mean "kustomize"?)',
      'promotion.yaml:8: environments.prod.draft: must be true or false, got "no" (YAML 1.2: yes/no/on/off are strings)',
      'promotion.yaml:10: environments.prod.targets[0]: a helm target needs "key": where the image is in the values file, e.g. key: image or key: api.image',
      'promotion.yaml:11: environments.qa: missing required key "targets" (the kustomize, helm, manifest or argocd files to pin images in)',
      'promotion.yaml:12: environments.qa.promote-from: unknown environment "nope"; environments: dev, prod, qa'
    ])
    expect(error.problems).toHaveLength(6)
    expect(error.problems[1]).toEqual({
      line: 5,
      column: 0,
      path: 'environments.dev.targets[0]',
      message: 'unknown key "kustomise" (did you mean "kustomize"?)'
    })
    expect(error.subject).toBe('promotion.yaml:3')
    expect(error.hint).toMatch(/yaml-language-server: \$schema=https:\/\/.*promotion\.schema\.json/)
  })

  it('collects every YAML syntax error with its column', () => {
    const error = configError('environments:\n  dev: 1\n  dev: 2\n  prod: 1\n  prod: 2\n')
    expect(error.message.split('\n')).toEqual([
      'promotion.yaml:3:3: duplicate key "dev" (keys must be unique; a second one would silently replace the first)',
      'promotion.yaml:5:3: duplicate key "prod" (keys must be unique; a second one would silently replace the first)'
    ])
  })

  it('names the file as given', () => {
    expect(() => parsePromotionConfig('', 'gitops/promotion.yml')).toThrow(
      /^gitops\/promotion\.yml:1: is empty/
    )
  })

  it('refuses an alias bomb instead of expanding it', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 8; i++) {
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${`*${String.fromCharCode(96 + i)}, `.repeat(10).slice(0, -2)}]`
      )
    }
    lines.push('environments: *h')
    expect(configError(lines.join('\n')).message).toMatch(
      /^promotion\.yaml:1: Excessive alias count indicates a resource exhaustion attack/
    )
  })

  it('refuses a file over 2 MiB before parsing it', () => {
    const huge = `environments:\n  dev:\n    targets: []\n# ${'x'.repeat(2 * 1024 * 1024)}\n`
    const started = performance.now()
    expect(configError(huge).message).toBe(
      'promotion.yaml:1: is 2 MiB, larger than the 2 MiB promote-image reads'
    )
    expect(performance.now() - started).toBeLessThan(scaled(1000))
  })

  it('finds every duplicate among 50,000 keys of one map in linear time', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `  k${i}: ${i}`)
    keys.push('  k7: again', '  k49999: again')
    const started = performance.now()
    const error = configError(`environments: {}\nextra:\n${keys.join('\n')}\n`)
    expect(error.problems.map(p => `${p.line}: ${p.message}`)).toEqual([
      '50003: duplicate key "k7" (keys must be unique; a second one would silently replace the first)',
      '50004: duplicate key "k49999" (keys must be unique; a second one would silently replace the first)'
    ])
    // The library's uniqueKeys took 14.7 s on 50,000 keys of an edited file.
    // Linear stays well under this on a loaded 2-core machine; quadratic is over it even idle.
    expect(performance.now() - started).toBeLessThan(scaled(9000))
  })
})

describe('parsePromotionConfig accepts good configs', () => {
  it('parses the DESIGN.md example to the expected structure', () => {
    const config = parsePromotionConfig(DESIGN_EXAMPLE, 'promotion.yaml')
    expect(config.file).toBe('promotion.yaml')
    expect([...config.environments.keys()]).toEqual(['dev', 'staging', 'prod'])
    expect(config.environments.get('dev')).toEqual({
      name: 'dev',
      mode: 'push',
      labels: [],
      reviewers: [],
      teamReviewers: [],
      assignees: [],
      targets: [
        { kind: 'kustomize', path: 'apps/{name}/overlays/dev', source: 'promotion.yaml:5' }
      ],
      source: 'promotion.yaml:2'
    })
    expect(config.environments.get('staging')).toEqual({
      name: 'staging',
      promoteFrom: 'dev',
      labels: [],
      reviewers: [],
      teamReviewers: [],
      assignees: [],
      targets: [
        { kind: 'kustomize', path: 'apps/{name}/overlays/staging', source: 'promotion.yaml:9' }
      ],
      source: 'promotion.yaml:6'
    })
    expect(config.environments.get('prod')).toEqual({
      name: 'prod',
      promoteFrom: 'staging',
      labels: ['promotion'],
      reviewers: ['octo-sre'],
      teamReviewers: [],
      assignees: [],
      targets: [
        {
          kind: 'helm',
          path: 'charts/{name}/values-prod.yaml',
          key: 'image',
          repositoryKey: 'repository',
          tagKey: 'tag',
          digestKey: 'digest',
          addDigestKey: false,
          source: 'promotion.yaml:15'
        }
      ],
      source: 'promotion.yaml:10'
    })
  })

  it('reads manifest, argocd and HelmRelease targets', () => {
    const config = parsePromotionConfig(
      `environments:
  dev:
    targets:
      - manifest: deploy/{environment}
        images: [api]
      - argocd: argocd/{environment}/{name}.yaml
      - helm: clusters/{environment}/{name}-release.yaml
        key: spec.values.image
`,
      'promotion.yaml'
    )
    expect(config.environments.get('dev')?.targets).toEqual([
      {
        kind: 'manifest',
        path: 'deploy/{environment}',
        images: ['api'],
        source: 'promotion.yaml:4'
      },
      { kind: 'argocd', path: 'argocd/{environment}/{name}.yaml', source: 'promotion.yaml:6' },
      {
        kind: 'helm',
        path: 'clusters/{environment}/{name}-release.yaml',
        key: 'spec.values.image',
        repositoryKey: 'repository',
        tagKey: 'tag',
        digestKey: 'digest',
        addDigestKey: false,
        source: 'promotion.yaml:7'
      }
    ])
  })

  it('reads every option', () => {
    const config = parsePromotionConfig(
      `# yaml-language-server: $schema=https://raw.githubusercontent.com/promote-image/promote-image/main/schema/promotion.schema.json
environments:
  eu-prod.1:
    mode: pull-request
    promote-from: staging_2
    branch: promote/{environment}/{name}
    base-branch: release
    labels: [promotion, prod]
    reviewers: [octo-sre]
    team-reviewers: [sre]
    assignees: [octocat]
    draft: true
    auto-merge: squash
    targets:
      - kustomize: apps/{name}/overlays/{environment}/kustomization.yaml
        images: [api, worker]
      - helm: charts/platform/values.yaml
        key: '["app.kubernetes.io"].{name}.containers[0].image'
        repository-key: name
        tag-key: version
        digest-key: sha
        add-digest-key: true
  staging_2:
    targets: [{ kustomize: . }]
`,
      'promotion.yaml'
    )
    expect(config.environments.get('eu-prod.1')).toEqual({
      name: 'eu-prod.1',
      mode: 'pull-request',
      promoteFrom: 'staging_2',
      branch: 'promote/{environment}/{name}',
      baseBranch: 'release',
      labels: ['promotion', 'prod'],
      reviewers: ['octo-sre'],
      teamReviewers: ['sre'],
      assignees: ['octocat'],
      draft: true,
      autoMerge: 'squash',
      targets: [
        {
          kind: 'kustomize',
          path: 'apps/{name}/overlays/{environment}/kustomization.yaml',
          images: ['api', 'worker'],
          source: 'promotion.yaml:15'
        },
        {
          kind: 'helm',
          path: 'charts/platform/values.yaml',
          key: '["app.kubernetes.io"].{name}.containers[0].image',
          repositoryKey: 'name',
          tagKey: 'version',
          digestKey: 'sha',
          addDigestKey: true,
          source: 'promotion.yaml:17'
        }
      ],
      source: 'promotion.yaml:3'
    })
    expect(config.environments.get('staging_2')?.targets).toEqual([
      { kind: 'kustomize', path: '.', source: 'promotion.yaml:24' }
    ])
  })

  it('follows anchors, aliases and merge keys; keeps file order', () => {
    const config = parsePromotionConfig(
      [
        'environments:',
        '  zz: &common',
        '    reviewers: [octo-sre]',
        '    targets: &targets',
        '      - kustomize: apps/{name}/overlays/{environment}',
        "  '10':",
        '    <<: *common',
        '    labels: [promotion]',
        '  a:',
        '    targets: *targets',
        ''
      ].join('\n'),
      'promotion.yaml'
    )
    expect([...config.environments.keys()]).toEqual(['zz', '10', 'a'])
    expect(config.environments.get('10')).toMatchObject({
      reviewers: ['octo-sre'],
      labels: ['promotion'],
      targets: [{ kind: 'kustomize', path: 'apps/{name}/overlays/{environment}' }]
    })
    expect(config.environments.get('a')?.targets).toEqual([
      {
        kind: 'kustomize',
        path: 'apps/{name}/overlays/{environment}',
        source: 'promotion.yaml:5'
      }
    ])
  })

  it('locates errors inside merged maps at their anchor', () => {
    const error = configError(
      [
        'environments:',
        '  base: &base',
        '    mode: pushh',
        '    targets: [{ kustomize: a }]',
        '  dev:',
        '    <<: *base',
        '  bad:',
        '    <<: [1]',
        ''
      ].join('\n')
    )
    expect(error.message).toBe(
      'promotion.yaml:8:5: merge key << needs a map, an alias of a map, or a list of them'
    )
    expect(
      configError(
        'environments:\n  base: &base\n    mode: pushh\n    targets: [{ kustomize: a }]\n  dev:\n    <<: *base\n'
      ).message.split('\n')
    ).toEqual([
      'promotion.yaml:3: environments.base.mode: must be one of "push", "pull-request"; got "pushh" (did you mean "push"?)',
      'promotion.yaml:3: environments.dev.mode: must be one of "push", "pull-request"; got "pushh" (did you mean "push"?)'
    ])
  })

  it('reads chart: and values: of a helm target', () => {
    const config = parsePromotionConfig(
      `${ENV}    targets:\n      - helm: envs/{environment}/values.yaml\n        key: image\n        chart: charts/{name}\n        values:\n          - envs/common.yaml\n`,
      'promotion.yaml'
    )
    expect(config.environments.get('dev')?.targets).toEqual([
      {
        kind: 'helm',
        path: 'envs/{environment}/values.yaml',
        key: 'image',
        repositoryKey: 'repository',
        tagKey: 'tag',
        digestKey: 'digest',
        addDigestKey: false,
        chart: 'charts/{name}',
        values: ['envs/common.yaml'],
        source: 'promotion.yaml:4'
      }
    ])
  })

  it('accepts CRLF line ends and a byte order mark', () => {
    const config = parsePromotionConfig(
      '\ufeff' + DESIGN_EXAMPLE.replace(/\n/g, '\r\n'),
      'promotion.yaml'
    )
    expect(config.environments.get('prod')?.targets[0]?.source).toBe('promotion.yaml:15')
  })
})

describe('the published schema', () => {
  it('is the very object parsePromotionConfig validates with', () => {
    expect(PROMOTION_SCHEMA).toBe(schema)
  })

  it('is valid draft-07 and accepts the DESIGN.md example', () => {
    const ajv = new Ajv({ allErrors: true, strict: false })
    const validate = ajv.compile(schema)
    const example = parsePromotionConfig(DESIGN_EXAMPLE, 'promotion.yaml') // throws if refused
    expect(example.environments.size).toBe(3)
    expect(validate({ environments: { dev: { targets: [{ kustomize: 'a' }] } } })).toBe(true)
    expect(validate({ environments: { dev: { targets: [{ kustomise: 'a' }] } } })).toBe(false)
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#')
  })

  it('validates its own examples', () => {
    const ajv = new Ajv({ allErrors: true, strict: false }).addSchema(schema)
    const part = (pointer: string) => ajv.getSchema(`${schema.$id}#${pointer}`)!
    for (const example of schema.properties.environments.examples) {
      expect(part('/properties/environments')(example)).toBe(true)
    }
    for (const example of schema.definitions.target.examples) {
      expect(part('/definitions/target')(example)).toBe(true)
    }
    for (const example of schema.definitions.environment.properties.targets.examples) {
      expect(part('/definitions/environment/properties/targets')(example)).toBe(true)
    }
  })

  it('gives every property a title and a description, and closes every object', () => {
    const problems: string[] = []
    const walk = (node: unknown, where: string): void => {
      if (typeof node !== 'object' || node === null) return
      const record = node as Record<string, unknown>
      if (record.type === 'object' && record.additionalProperties === undefined) {
        problems.push(`${where}: no additionalProperties`)
      }
      if (
        record.properties !== undefined &&
        where.split('/').pop() !== 'then' &&
        where.split('/').pop() !== 'else'
      ) {
        for (const [key, property] of Object.entries(
          record.properties as Record<string, unknown>
        )) {
          const p = property as Record<string, unknown>
          if (typeof p.title !== 'string' || typeof p.description !== 'string') {
            problems.push(`${where}/properties/${key}: no title or description`)
          }
        }
      }
      for (const [key, child] of Object.entries(record)) walk(child, `${where}/${key}`)
    }
    walk(schema, '#')
    expect(problems).toEqual([])
  })
})

const helm = (fields: Partial<TargetTemplate> = {}): TargetTemplate =>
  ({
    kind: 'helm',
    path: 'charts/{name}/values.yaml',
    key: 'image',
    repositoryKey: 'repository',
    tagKey: 'tag',
    digestKey: 'digest',
    addDigestKey: false,
    source: 'input targets line 1',
    ...fields
  }) as TargetTemplate

describe('parseTargetSpec', () => {
  it.each<[string, TargetTemplate]>([
    [
      'kustomize:apps/api/overlays/prod',
      { kind: 'kustomize', path: 'apps/api/overlays/prod', source: 'input targets line 1' }
    ],
    [
      '  kustomize: apps/{name}/overlays/{environment}  ',
      {
        kind: 'kustomize',
        path: 'apps/{name}/overlays/{environment}',
        source: 'input targets line 1'
      }
    ],
    [
      'kustomize:apps/api/overlays/prod/kustomization.yaml?images=api,worker',
      {
        kind: 'kustomize',
        path: 'apps/api/overlays/prod/kustomization.yaml',
        images: ['api', 'worker'],
        source: 'input targets line 1'
      }
    ],
    ['helm:charts/{name}/values.yaml#image', helm()],
    [
      'helm:values.yaml#api.image?tag-key=version&add-digest-key',
      helm({ path: 'values.yaml', key: 'api.image', tagKey: 'version', addDigestKey: true })
    ],
    [
      'helm:values.yaml#containers[0].image?repository-key=name&digest-key=sha&add-digest-key=false&images=api',
      helm({
        path: 'values.yaml',
        key: 'containers[0].image',
        repositoryKey: 'name',
        digestKey: 'sha',
        images: ['api']
      })
    ],
    [
      'helm:values.yaml#{name}.image?add-digest-key=true',
      helm({ path: 'values.yaml', key: '{name}.image', addDigestKey: true })
    ],
    [
      'helm:envs/{environment}/values.yaml#image?chart=charts/{name}&values=envs/common.yaml,envs/{environment}/base.yaml',
      helm({
        path: 'envs/{environment}/values.yaml',
        chart: 'charts/{name}',
        values: ['envs/common.yaml', 'envs/{environment}/base.yaml']
      })
    ],
    [
      'helm:clusters/prod/api-release.yaml#spec.values.image',
      helm({ path: 'clusters/prod/api-release.yaml', key: 'spec.values.image' })
    ],
    [
      'manifest:deploy/app.yaml',
      { kind: 'manifest', path: 'deploy/app.yaml', source: 'input targets line 1' }
    ],
    [
      'manifest: deploy/{environment}?images=api,worker',
      {
        kind: 'manifest',
        path: 'deploy/{environment}',
        images: ['api', 'worker'],
        source: 'input targets line 1'
      }
    ],
    [
      'argocd:argocd/{environment}/{name}.yaml',
      { kind: 'argocd', path: 'argocd/{environment}/{name}.yaml', source: 'input targets line 1' }
    ]
  ])('%s', (spec, expected) => {
    expect(parseTargetSpec(spec, 'input targets line 1')).toEqual(expected)
  })

  it.each<[string, string]>([
    ['', 'must start with kustomize:, helm:, manifest: or argocd:'],
    ['apps/api/overlays/prod', 'must start with kustomize:, helm:, manifest: or argocd:'],
    ['manifests:deploy/app.yaml', 'unknown kind "manifests" (did you mean "manifest"?)'],
    ['argo:apps/api.yaml', 'known kinds: kustomize, helm, manifest, argocd'],
    ['manifest:', 'missing the YAML file or directory'],
    ['argocd:', 'missing the Application file'],
    ['manifest:deploy/app.yaml#image', 'manifest targets take no #key'],
    ['argocd:apps/api.yaml#spec.source', 'argocd targets take no #key'],
    ['manifest:deploy?tag-key=v', 'option "tag-key" only applies to helm targets'],
    ['argocd:apps/api.yaml?digest-key=sha', 'option "digest-key" only applies to helm targets'],
    ['manifest:../deploy', 'path "../deploy" leaves the repository (..)'],
    ['kustomise:apps/api', 'unknown kind "kustomise" (did you mean "kustomize"?)'],
    ['helmfile:apps/api', 'unknown kind "helmfile"'],
    ['helm:charts/api/values.yaml', 'missing #key: a helm target needs the path to the image'],
    ['helm:charts/api/values.yaml#', 'missing #key'],
    ['helm:#image', 'missing the values file'],
    ['kustomize:', 'missing the directory or file'],
    ['kustomize:apps/api#image', 'kustomize targets take no #key'],
    ['helm:/etc/passwd#image', 'path "/etc/passwd" is absolute'],
    ['kustomize:../other-repo/apps', 'path "../other-repo/apps" leaves the repository (..)'],
    ['kustomize:apps/../../x', 'path "apps/../../x" leaves the repository (..)'],
    ['kustomize:C:\\gitops\\apps', 'contains a backslash'],
    ['kustomize:C:/gitops/apps', 'is a Windows drive path'],
    ['kustomize:apps/{image}', 'uses unknown placeholder {image}'],
    ['kustomize:apps/{nme}', 'uses unknown placeholder {nme} (did you mean "name"?)'],
    ['helm:values.yaml#api..image', 'key "api..image" has an empty or invalid segment'],
    [
      'helm:values.yaml#containers[x].image',
      'key "containers[x].image" has a malformed [...] part'
    ],
    ['helm:values.yaml#image?tagkey=v', 'unknown option "tagkey" (did you mean "tag-key"?)'],
    ['kustomize:apps/api?tag-key=v', 'option "tag-key" only applies to helm targets'],
    ['helm:values.yaml#image?tag-key=', 'option "tag-key" needs a value'],
    ['helm:values.yaml#image?tag-key=a&tag-key=b', 'option "tag-key" is given twice'],
    ['helm:values.yaml#image?add-digest-key=yes', 'add-digest-key=yes: write add-digest-key'],
    ['helm:values.yaml#image?images=Api', 'images lists "Api", which is not an image name'],
    ['helm:values.yaml#image?', 'empty option'],
    ['helm:values.yaml#image?chart=../charts/api', 'path "../charts/api" leaves the repository'],
    ['helm:values.yaml#image?values=a.yaml,,b.yaml', 'path "" is empty'],
    ['kustomize:apps/api?chart=charts/api', 'option "chart" only applies to helm targets']
  ])('refuses %j', (spec, expected) => {
    let error: ConfigError | undefined
    try {
      parseTargetSpec(spec, 'input targets line 2')
    } catch (e) {
      error = e as ConfigError
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect(error?.message).toContain(
      `input targets line 2: target ${JSON.stringify(spec.trim())}: `
    )
    expect(error?.message).toContain(expected)
    expect(error?.subject).toBe('input targets line 2')
    expect(error?.hint).toContain('kustomize:<directory or kustomization file>')
    expect(error?.hint).toContain('helm:<values file>#<key>')
  })
})

describe('parseKeyPath', () => {
  it.each<[string, (string | number)[]]>([
    ['image', ['image']],
    ['api.image', ['api', 'image']],
    ['containers[0].image', ['containers', 0, 'image']],
    ['a[10][2].b', ['a', 10, 2, 'b']],
    ['[3].image', [3, 'image']],
    ['["app.kubernetes.io/name"].image', ['app.kubernetes.io/name', 'image']],
    ['global.images["api-server"]', ['global', 'images', 'api-server']],
    ['my_chart-1.image', ['my_chart-1', 'image']]
  ])('%s', (key, expected) => {
    expect(parseKeyPath(key)).toEqual(expected)
  })

  it.each([
    '',
    '.image',
    'image.',
    'a..b',
    'a[',
    'a[01]',
    'a[-1]',
    'a b',
    'a["b"',
    'a[0]b',
    "a['b']"
  ])('refuses %j', key => {
    expect(() => parseKeyPath(key)).toThrow(ConfigError)
  })
})

describe('expandTargets', () => {
  const kustomize = (path: string, extra: Partial<TargetTemplate> = {}): TargetTemplate =>
    ({ kind: 'kustomize', path, source: 'promotion.yaml:5', ...extra }) as TargetTemplate

  it.each<[string, TargetTemplate[], { name: string; environment: string }, unknown[]]>([
    [
      'fills {name} and {environment}',
      [kustomize('apps/{name}/overlays/{environment}')],
      { name: 'api', environment: 'prod' },
      [{ kind: 'kustomize', path: 'apps/api/overlays/prod', source: 'promotion.yaml:5' }]
    ],
    [
      'fills the helm key too, keeping the options',
      [helm({ key: '{name}.image', tagKey: 'version', addDigestKey: true })],
      { name: 'worker', environment: 'prod' },
      [
        {
          kind: 'helm',
          path: 'charts/worker/values.yaml',
          key: 'worker.image',
          repositoryKey: 'repository',
          tagKey: 'version',
          digestKey: 'digest',
          addDigestKey: true,
          source: 'input targets line 1'
        }
      ]
    ],
    [
      'fills chart and values files of a helm target',
      [
        helm({
          path: 'envs/{environment}/values.yaml',
          chart: 'charts/{name}/',
          values: ['envs/common.yaml', 'envs/{environment}/./base.yaml']
        })
      ],
      { name: 'api', environment: 'prod' },
      [
        {
          kind: 'helm',
          path: 'envs/prod/values.yaml',
          key: 'image',
          repositoryKey: 'repository',
          tagKey: 'tag',
          digestKey: 'digest',
          addDigestKey: false,
          chart: 'charts/api',
          values: ['envs/common.yaml', 'envs/prod/base.yaml'],
          source: 'input targets line 1'
        }
      ]
    ],
    [
      'skips templates whose images leave the name out',
      [
        kustomize('apps/api', { images: ['api'] }),
        kustomize('apps/web', { images: ['web', 'cdn'] })
      ],
      { name: 'web', environment: 'dev' },
      [{ kind: 'kustomize', path: 'apps/web', source: 'promotion.yaml:5' }]
    ],
    [
      'returns nothing when no template applies',
      [kustomize('apps/api', { images: ['api'] })],
      { name: 'web', environment: 'dev' },
      []
    ],
    [
      'normalizes paths',
      [kustomize('./apps//{name}/overlays/dev/')],
      { name: 'api', environment: 'dev' },
      [{ kind: 'kustomize', path: 'apps/api/overlays/dev', source: 'promotion.yaml:5' }]
    ],
    [
      'keeps identical targets once',
      [
        kustomize('apps/{name}'),
        kustomize('apps/api/'),
        helm({ path: 'v.yaml' }),
        helm({ path: 'v.yaml', key: 'b' })
      ],
      { name: 'api', environment: 'dev' },
      [
        { kind: 'kustomize', path: 'apps/api', source: 'promotion.yaml:5' },
        expect.objectContaining({ kind: 'helm', path: 'v.yaml', key: 'image' }),
        expect.objectContaining({ kind: 'helm', path: 'v.yaml', key: 'b' })
      ]
    ],
    [
      'fills manifest and argocd paths; one path of two kinds is two targets',
      [
        kustomize('deploy/{environment}/{name}.yaml', { kind: 'manifest' }),
        kustomize('./argocd/{name}.yaml', { kind: 'argocd' }),
        kustomize('argocd/api.yaml', { kind: 'manifest' })
      ],
      { name: 'api', environment: 'prod' },
      [
        { kind: 'manifest', path: 'deploy/prod/api.yaml', source: 'promotion.yaml:5' },
        { kind: 'argocd', path: 'argocd/api.yaml', source: 'promotion.yaml:5' },
        { kind: 'manifest', path: 'argocd/api.yaml', source: 'promotion.yaml:5' }
      ]
    ],
    [
      'allows no environment when the templates do not use it',
      [kustomize('apps/{name}')],
      { name: 'api', environment: '' },
      [{ kind: 'kustomize', path: 'apps/api', source: 'promotion.yaml:5' }]
    ]
  ])('%s', (_name, templates, vars, expected) => {
    expect(expandTargets(templates, vars)).toEqual(expected)
  })

  it.each<[string, TargetTemplate[], { name: string; environment: string }, string]>([
    [
      'unknown placeholder',
      [kustomize('apps/{tag}')],
      { name: 'api', environment: 'dev' },
      'promotion.yaml:5: target path "apps/{tag}" uses unknown placeholder {tag}'
    ],
    [
      'unknown placeholder in a key',
      [helm({ key: '{image}.tag' })],
      { name: 'api', environment: 'dev' },
      'input targets line 1: key "{image}.tag" uses unknown placeholder {image}'
    ],
    [
      '{environment} without an environment',
      [kustomize('apps/{name}/overlays/{environment}')],
      { name: 'api', environment: '' },
      'promotion.yaml:5: target uses {environment}, but no environment is selected.'
    ],
    [
      'a name that is a path',
      [kustomize('apps/{name}')],
      { name: '../../etc', environment: 'dev' },
      'Cannot expand targets for image name "../../etc"'
    ],
    [
      'a template that escapes after all',
      [kustomize('../{name}')],
      { name: 'api', environment: 'dev' },
      'promotion.yaml:5: target path "../api" leaves the repository (..).'
    ]
  ])('refuses %s', (_name, templates, vars, expected) => {
    expect(() => expandTargets(templates, vars)).toThrow(ConfigError)
    expect(() => expandTargets(templates, vars)).toThrow(expected)
  })
})
