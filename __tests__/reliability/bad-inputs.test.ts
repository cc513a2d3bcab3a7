/**
 * Bad inputs, table by table: references, tags and digests; YAML targets
 * (malformed, duplicate keys, aliases, tabs, huge files); promotion.yaml
 * schema errors; paths that leave the repository; action inputs and CLI
 * flags. Every case runs a real bundle (dist/cli.js or dist/index.js)
 * against a real registry and real git repositories ("GitHub in a box", or
 * a checked-out directory), and asserts what a user must get from a bad
 * input: a clear message (no stack trace), a non-zero exit, nothing pushed
 * (no write request, every ref and pull request as before) and every file
 * byte-identical. Where the product can refuse from the text alone, it
 * must do so before any request reaches the registry.
 *
 * Placeholders in the tables: {{reg}} is the registry host, {{outside}} a
 * directory outside the config repository, {{digest:api:v1.4.2}} the digest
 * the registry serves for that image.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGitHubBox, type GitHubBox } from '../support/github.js'
import { pushImage, startRegistry, type RegistryInstance } from '../support/registry.js'
import { runNode, type Ran } from '../support/run.js'
import { scaled } from '../support/timing.js'
import {
  actionErrors,
  decodeWorkflowCommands,
  refsOf,
  snapshotTree,
  STACK_TRACE,
  writeRequests,
  writeTree
} from './support.js'

/** How a case runs the product. */
type Via =
  /** dist/cli.js edit --dir <checked-out config repo> */
  | 'edit'
  /** dist/cli.js promote --config-repo <box URL> (git write method, push) */
  | 'promote'
  /** dist/index.js, write-method api, against the box */
  | 'action-api'
  /** dist/index.js, write-method none, on a checked-out config repo in the workspace */
  | 'action-none'

interface BadInput {
  readonly name: string
  /** One channel, or several: the case then runs once through each. */
  readonly via: Via | readonly Via[]
  /** The images as pushed; default the existing api:v1.4.2. */
  readonly images?: readonly string[]
  /** --environment / environment input; default dev, null for none. */
  readonly environment?: string | null
  /** CLI: the command (default edit or promote, as `via`) and extra arguments. */
  readonly command?: string
  readonly args?: readonly string[]
  /** CLI: leave out --dir / --config-repo. */
  readonly noRepo?: boolean
  /** Action inputs, over the defaults (image, environment, token, write-method…). */
  readonly inputs?: Readonly<Record<string, string>>
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>
  /** Files planted in the config repository on top of the base (null deletes). */
  readonly files?: Readonly<Record<string, string | null>>
  /** Symlinks planted in the config repository: path → target. */
  readonly symlinks?: Readonly<Record<string, string>>
  /** A distinctive part of the explanation. */
  readonly message: RegExp
  /** Exit code; default 1 (the CLI exits 2 on usage errors). */
  readonly code?: number
  /** The refusal needs nothing but the text: no request may reach the registry. */
  readonly beforeRegistry?: boolean
  /** Milliseconds the run may take (before the time scale); a bad input must be refused promptly. */
  readonly timeout?: number
}

const DEV = 'apps/api/overlays/dev/kustomization.yaml'
const VALUES = 'charts/api/values-prod.yaml'
const API = '{{reg}}/team/api:v1.4.2'
const RUN_TIMEOUT_MS = 20_000

const deployment = (name: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: app
          image: ${name}
`

const overlay = (name: string, tag: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: ${name}
    newName: {{reg}}/team/${name}
    newTag: ${tag} # moved by promote-image
`

const values = (name: string): string => `replicaCount: 2
image:
  repository: {{reg}}/team/${name}
  tag: v1.4.0
  pullPolicy: IfNotPresent
`

const PROMOTION = `# Where each environment's images live.
environments:
  dev:
    mode: push
    targets:
      - kustomize: apps/{name}/overlays/dev
  prod:
    labels: [promotion]
    targets:
      - kustomize: apps/{name}/overlays/prod
      - helm: charts/{name}/values-prod.yaml
        key: image
`

/** A realistic config repository: promotion.yaml, Kustomize base + overlays, Helm values. */
const BASE: Readonly<Record<string, string>> = {
  'promotion.yaml': PROMOTION,
  'README.md': '# gitops config\n',
  ...Object.fromEntries(
    ['api', 'web'].flatMap(name => [
      [`apps/${name}/base/kustomization.yaml`, 'resources:\n  - deployment.yaml\n'],
      [`apps/${name}/base/deployment.yaml`, deployment(name)],
      [`apps/${name}/overlays/dev/kustomization.yaml`, overlay(name, 'v1.4.1')],
      [`apps/${name}/overlays/prod/kustomization.yaml`, overlay(name, 'v1.4.0')],
      [`charts/${name}/values-prod.yaml`, values(name)]
    ])
  )
}

/** The promotion.yaml of the base with `environments:` replaced by `body`. */
const promotion = (body: string): Record<string, string> => ({ 'promotion.yaml': body })

/** "Billion laughs": nine levels of nine aliases, 9^9 strings when expanded. */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'
    .split('')
    .map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)
].join('\n')

/** A 3 MiB values file (a big config map) whose image map repeats a key on its last lines. */
const HUGE_VALUES = [
  'replicaCount: 2',
  'config:',
  ...Array.from({ length: 60_000 }, (_, i) => `  key-${i}: "${'x'.repeat(40)}"`),
  'image:',
  '  repository: {{reg}}/team/api',
  '  tag: v1.4.0',
  '  tag: v1.4.1',
  ''
].join('\n')

const PRE = { beforeRegistry: true } as const

// ---------------------------------------------------------------------------------------------
// The tables

/** Image references, tags and digests: all refused from the text, before any registry request. */
const REFERENCES: readonly BadInput[] = [
  {
    name: 'empty image input',
    via: 'action-api',
    images: [],
    message: /Input image is required[^]*→ Pass the reference CI pushed/
  },
  {
    name: 'empty --image',
    via: 'promote',
    images: [''],
    message: /The image reference is empty[^]*→ Pass the reference CI pushed/
  },
  {
    name: 'whitespace inside the reference',
    via: 'action-api',
    images: ['{{reg}}/team/api:v1.4.2 v1.4.3'],
    message: /Image reference "[^"]+ v1\.4\.3" contains whitespace/
  },
  {
    name: 'upper case in the repository path',
    via: 'promote',
    images: ['{{reg}}/team/API:v1.4.2'],
    message:
      /upper-case letters in its repository path "team\/API"[^]*→ Repository paths are lower case/
  },
  {
    name: 'image::tag',
    via: 'action-api',
    images: ['{{reg}}/team/api::v1.4.2'],
    message: /Tag ":v1\.4\.2" in "[^"]+::v1\.4\.2" is not a valid tag[^]*→ Tags start with/
  },
  {
    name: '@sha256: with a short digest',
    via: 'edit',
    images: ['{{reg}}/team/api:v1.4.2@sha256:abc123'],
    message:
      /Digest "sha256:abc123" in "[^"]+" is not a digest[^]*→ A pinned digest looks like sha256:/
  },
  {
    name: 'a digest algorithm other than sha256',
    via: 'promote',
    images: [`{{reg}}/team/api:v1.4.2@sha512:${'a'.repeat(128)}`],
    message: /Digest "sha512:a+" in "[^"]+" uses an algorithm other than sha256/
  },
  {
    name: 'a sha256 digest in upper-case hex',
    via: 'action-api',
    images: [`{{reg}}/team/api:v1.4.2@sha256:${'AB'.repeat(32)}`],
    message: /is not 64 lower-case hex digits after "sha256:"/
  },
  {
    name: 'a tag of 129 characters',
    via: 'promote',
    images: [`{{reg}}/team/api:v${'1'.repeat(128)}`],
    message: /in the image reference is 129 characters long; the limit is 128/
  },
  {
    name: 'an http:// prefix',
    via: 'action-api',
    images: ['http://{{reg}}/team/api:v1.4.2'],
    message: /invalid registry host "http:"[^]*→ Write the registry as host\[:port\]/
  },
  {
    name: 'a bare image ID',
    via: 'edit',
    images: ['4b7d1c'.padEnd(64, '0')],
    message: /is a bare image ID, not a repository name/
  },
  {
    name: 'a tag with "+"',
    via: 'promote',
    images: ['{{reg}}/team/api:v1.4.2+build.7'],
    message: /Tag "v1\.4\.2\+build\.7" in "[^"]+" is not a valid tag/
  },
  {
    name: 'a registry host with "_"',
    via: 'action-api',
    images: ['bad_host:5000/team/api:v1.4.2'],
    message: /invalid registry host "bad_host:5000"/
  },
  {
    name: 'an empty path component',
    via: 'edit',
    images: ['{{reg}}/team//api:v1.4.2'],
    message: /invalid repository path "team\/\/api"[^]*→ Path components are lower-case/
  },
  {
    name: 'a repository path over 255 characters',
    via: 'promote',
    images: [`{{reg}}/team/${'a'.repeat(251)}:v1.4.2`],
    message: /has a repository path of 256 characters; the limit is 255/
  },
  {
    name: 'tag latest',
    via: 'action-api',
    images: ['{{reg}}/team/api:latest'],
    message:
      /Tag "latest" of [^ ]+ is mutable: [^]*Argo CD reports "Synced"[^]*→ Push and promote an immutable tag/
  },
  {
    name: 'tag main',
    via: 'promote',
    images: ['{{reg}}/team/api:main'],
    message: /Tag "main" of [^ ]+ is mutable/
  },
  {
    name: 'tag dev',
    via: 'edit',
    images: ['{{reg}}/team/api:dev'],
    message: /Tag "dev" of [^ ]+ is mutable/
  },
  {
    name: 'tag stable',
    via: 'action-none',
    images: ['{{reg}}/team/api:stable'],
    message: /Tag "stable" of [^ ]+ is mutable/
  },
  {
    name: 'a moving word inside a tag (develop-celery)',
    via: 'edit',
    images: ['{{reg}}/team/api:develop-celery'],
    message:
      /Tag "develop-celery" of [^ ]+ is mutable \("develop" is a moving word[^]*→ Push and promote a tag that names this build instead, e\.g\. develop-3f9c2d1-celery/
  },
  {
    name: 'a moving word inside a tag (production-latest)',
    via: 'action-api',
    images: ['{{reg}}/team/api:production-latest'],
    message: /Tag "production-latest" of [^ ]+ is mutable \("production" is a moving word/
  },
  {
    name: 'tag LATEST (case-insensitive)',
    via: 'promote',
    images: ['{{reg}}/team/api:LATEST'],
    message: /Tag "LATEST" of [^ ]+ is mutable/
  },
  {
    name: 'no tag at all',
    via: 'action-api',
    images: ['{{reg}}/team/api'],
    message: /has no tag, which means "latest": a mutable tag/
  },
  {
    name: 'a tag matching a configured mutable-tags pattern',
    via: 'action-api',
    images: ['{{reg}}/team/api:pr-42'],
    inputs: { 'mutable-tags': 'pr-*, branch-*' },
    message: /Tag "pr-42" of [^ ]+ is mutable \(matches "pr-\*"\)/
  },
  {
    name: 'latest stays refused with custom mutable-tags',
    via: 'promote',
    images: ['{{reg}}/team/api:latest'],
    args: ['--mutable-tags', 'pr-*'],
    message: /Tag "latest" of [^ ]+ is mutable/
  },
  {
    name: 'a tag outside allow-tags',
    via: 'action-api',
    images: ['{{reg}}/team/api:build-7'],
    inputs: { 'allow-tags': 'v\\d+\\.\\d+\\.\\d+' },
    message: /Tag "build-7" of [^ ]+ does not match allow-tags \/v\\d\+/
  },
  {
    name: 'one mutable image among good ones: none is resolved',
    via: 'promote',
    images: [API, '{{reg}}/team/web:latest'],
    message: /Tag "latest" of [^ ]+team\/web:latest is mutable/
  },
  {
    name: 'two refused images are listed together',
    via: 'action-api',
    images: ['{{reg}}/team/api:main', '{{reg}}/team/web:stable', API],
    message: /2 images were refused:[^]*"main"[^]*"stable"/
  },
  {
    name: 'pin tag with a digest-only reference',
    via: 'action-api',
    images: ['{{reg}}/team/api@{{digest:api:v1.4.2}}'],
    inputs: { pin: 'tag' },
    message: /has no tag, but pin is "tag"[^]*→ Add the immutable tag/
  },
  {
    name: 'digest input that is not a digest',
    via: 'action-api',
    inputs: { digest: 'sha256:xyz' },
    message: /Input digest: Digest "sha256:xyz" is not a digest/
  },
  {
    name: '--digest with a short hex',
    via: 'promote',
    args: ['--digest', 'sha256:0123456789'],
    message: /Digest "sha256:0123456789" is not a digest/
  },
  {
    name: 'digest input with another algorithm',
    via: 'action-none',
    inputs: { digest: `md5:${'0'.repeat(32)}` },
    message: /Input digest: Digest "md5:0+" uses an algorithm other than sha256/
  },
  {
    name: 'registry credentials that would go to two registries',
    via: 'action-api',
    images: [API, 'ghcr.io/acme/api:v1.4.2'],
    inputs: { 'registry-username': 'ci', 'registry-password': 's3cret' },
    message:
      /registry-username\/registry-password would be sent to 2 registries[^]*→ Log in to each registry/
  }
]

/** Valid references the registry refuses: the run still pushes nothing. */
const REGISTRY_REFUSALS: readonly BadInput[] = [
  {
    name: 'a tag that was never pushed',
    via: ['promote', 'action-api'],
    images: ['{{reg}}/team/api:v9.9.9'],
    message:
      /Image [^ ]+team\/api:v9\.9\.9 does not exist in 127\.0\.0\.1:\d+: no manifest for tag v9\.9\.9[^]*ImagePullBackOff/
  },
  {
    name: 'a repository that was never pushed',
    via: 'edit',
    images: ['{{reg}}/team/nope:v1.0.0'],
    message:
      /does not exist in 127\.0\.0\.1:\d+: no manifest for tag v1\.0\.0 in repository team\/nope/
  },
  {
    name: 'digest input of another build (the tag moved)',
    via: ['action-api', 'action-none'],
    inputs: { digest: '{{digest:api:v1.4.3}}' },
    message:
      /The registry serves sha256:[0-9a-f]{64} for [^ ]+team\/api:v1\.4\.2, but the build produced sha256:[0-9a-f]{64}: the tag moved/
  },
  {
    name: 'name:tag@digest whose digest is not the tag',
    via: 'promote',
    images: ['{{reg}}/team/api:v1.4.2@{{digest:api:v1.4.3}}'],
    message: /but the reference pins sha256:[0-9a-f]{64}: the tag moved/
  },
  {
    name: 'a digest-only reference for the config repo',
    via: 'edit',
    images: ['{{reg}}/team/api@{{digest:api:v1.4.2}}'],
    message: /has no tag; the config repo gets tag and digest[^]*→ Pass the tag too/
  }
]

/** Target files the editors must refuse to touch. */
const YAML_FILES: readonly BadInput[] = [
  {
    name: 'kustomization: unclosed flow sequence',
    via: ['edit', 'action-api'],
    files: { [DEV]: overlay('api', 'v1.4.1').replace('  - ../../base\n', '  [../../base\n') },
    message: /apps\/api\/overlays\/dev\/kustomization\.yaml:\d+:\d+: not valid YAML/
  },
  {
    name: 'kustomization: duplicate key newTag',
    via: 'edit',
    files: { [DEV]: `${overlay('api', 'v1.4.1')}    newTag: v1.3.0\n` },
    message: /kustomization\.yaml:9:\d+: not valid YAML: Map keys must be unique/
  },
  {
    name: 'kustomization: duplicate images: key',
    via: 'action-none',
    files: { [DEV]: `${overlay('api', 'v1.4.1')}images: []\n` },
    message: /kustomization\.yaml:9:\d+: not valid YAML: Map keys must be unique/
  },
  {
    name: 'kustomization: tab indentation',
    via: ['edit', 'action-api'],
    files: { [DEV]: overlay('api', 'v1.4.1').replace('    newTag:', '\tnewTag:') },
    message: /kustomization\.yaml:8:\d+: not valid YAML: .*[Tt]ab/
  },
  {
    name: 'kustomization: unterminated double quote',
    via: 'promote',
    files: { [DEV]: overlay('api', 'v1.4.1').replace('newTag: v1.4.1', 'newTag: "v1.4.1') },
    message: /kustomization\.yaml:\d+:\d+: not valid YAML: .*(quote|[Mm]issing closing)/
  },
  {
    name: 'kustomization: unterminated single quote',
    via: 'action-none',
    files: { [DEV]: overlay('api', 'v1.4.1').replace('newTag: v1.4.1', "newTag: 'v1.4.1") },
    message: /kustomization\.yaml:\d+:\d+: not valid YAML: .*(quote|[Mm]issing closing)/
  },
  {
    name: 'kustomization: newTag is an alias',
    via: ['edit', 'action-api'],
    files: {
      [DEV]: `x-release: &release v1.4.1\n${overlay('api', '*release')}`
    },
    message:
      /kustomization\.yaml:9: images\[0\]\.newTag is an alias \(\*release\)[^]*→ Write the value directly/
  },
  {
    name: 'kustomization: newTag carries an anchor other keys reuse',
    via: 'promote',
    files: {
      [DEV]: `${overlay('api', '&release v1.4.1')}labels:\n  - pairs: {release: *release}\n`
    },
    message:
      /kustomization\.yaml:8: images\[0\]\.newTag carries the anchor &release, which other keys reuse/
  },
  {
    name: 'kustomization: images is a map',
    via: 'edit',
    files: {
      [DEV]: 'resources:\n  - ../../base\nimages:\n  api:\n    newName: {{reg}}/team/api\n'
    },
    message: /kustomization\.yaml:3: images is not a list/
  },
  {
    name: 'kustomization: a list at the root',
    via: 'action-api',
    files: { [DEV]: '- ../../base\n' },
    message: /kustomization\.yaml: not a kustomization \(expected a map of fields\)/
  },
  {
    name: 'kustomization: empty file',
    via: 'action-none',
    files: { [DEV]: '' },
    message: /kustomization\.yaml: not a kustomization/
  },
  {
    name: 'kustomization: two entries for the image',
    via: 'edit',
    files: {
      [DEV]: `${overlay('api', 'v1.4.1')}  - name: api-canary\n    newName: {{reg}}/team/api\n    newTag: v1.4.0\n`
    },
    message:
      /matches 2 images: entries \(lines 6 and 9\); kustomize would apply only one[^]*→ Remove the duplicate entry/
  },
  {
    name: 'kustomization: newTag is a block scalar',
    via: 'edit',
    files: { [DEV]: overlay('api', '|\n      v1.4.1') },
    message: /kustomization\.yaml:8: images\[0\]\.newTag is a block scalar/
  },
  {
    name: 'kustomization: billion-laughs aliases elsewhere in the file',
    via: 'action-none',
    files: {
      [DEV]: `${overlay('api', 'v1.4.1')}x-laughs:\n  ${ALIAS_BOMB.replace(/\n/g, '\n  ')}\n`
    },
    message: /alias/i,
    timeout: 8_000
  },
  {
    name: 'helm values: malformed',
    via: ['edit', 'action-api'],
    environment: 'prod',
    files: { [VALUES]: values('api').replace('  tag: v1.4.0', '  tag: [v1.4.0') },
    message: /charts\/api\/values-prod\.yaml:\d+:\d+: not valid YAML/
  },
  {
    name: 'helm values: duplicate key tag',
    via: 'promote',
    environment: 'prod',
    files: { [VALUES]: values('api').replace('  tag: v1.4.0\n', '  tag: v1.4.0\n  tag: v1.3.9\n') },
    message: /values-prod\.yaml:5:\d+: not valid YAML: Map keys must be unique/
  },
  {
    name: 'helm values: tag is an alias',
    via: 'action-none',
    environment: 'prod',
    files: { [VALUES]: `global:\n  image: &img {{reg}}/team/api:v1.4.0\nimage: *img\n` },
    message: /values-prod\.yaml:3: image is an alias \(\*img\)/
  },
  {
    name: 'helm values: the key holds another repository',
    via: 'edit',
    environment: 'prod',
    files: { [VALUES]: values('web') },
    message:
      /values-prod\.yaml:3: image holds repository [^ ]+team\/web, not [^ ]+team\/api; refusing/
  },
  {
    name: 'helm values: the key is missing',
    via: 'action-api',
    environment: 'prod',
    files: { [VALUES]: 'replicaCount: 2\napp:\n  image: {{reg}}/team/api:v1.4.0\n' },
    message: /values-prod\.yaml: key image not found[^]*→ Check the key path/
  },
  {
    name: 'helm values: the key holds a number',
    via: 'promote',
    environment: 'prod',
    files: { [VALUES]: 'image: 42\n' },
    message: /values-prod\.yaml:1: image is neither a map nor an image reference string/
  },
  {
    name: 'helm values: billion-laughs aliases elsewhere in the file',
    via: 'edit',
    environment: 'prod',
    files: { [VALUES]: `${ALIAS_BOMB}\n${values('api')}` },
    message: /alias/i,
    timeout: 8_000
  },
  {
    name: 'helm values: a 3 MiB file with a duplicate key on its last lines',
    via: ['edit', 'action-api'],
    environment: 'prod',
    files: { [VALUES]: HUGE_VALUES },
    // Either refused for its size (as lint skips files over 2 MiB) or for the duplicate key.
    message:
      /values-prod\.yaml(?::60006:\d+: not valid YAML: Map keys must be unique| [^\n]*(?:larger than|over|exceeds) [^\n]*MiB)/,
    timeout: 10_000
  }
]

/** promotion.yaml that does not follow its schema or its rules. */
const PROMOTION_CONFIGS: readonly BadInput[] = [
  {
    name: 'a misspelt top-level key',
    via: ['edit', 'action-api'],
    files: promotion(PROMOTION.replace('environments:', 'environment:')),
    message: /promotion\.yaml:2: unknown key "environment" \(did you mean "environments"\?\)/
  },
  {
    name: 'a misspelt environment key',
    via: 'promote',
    files: promotion(PROMOTION.replace('    mode: push', '    mod: push')),
    message: /promotion\.yaml:4: environments\.dev: unknown key "mod" \(did you mean "mode"\?\)/
  },
  {
    name: 'a misspelt target kind',
    via: 'action-none',
    files: promotion(
      PROMOTION.replace(
        '- kustomize: apps/{name}/overlays/dev',
        '- kustomise: apps/{name}/overlays/dev'
      )
    ),
    message:
      /promotion\.yaml:6: environments\.dev\.targets\[0\]: unknown key "kustomise" \(did you mean "kustomize"\?\)/
  },
  {
    name: 'write-method is not a promotion.yaml key',
    via: 'edit',
    files: promotion(PROMOTION.replace('    mode: push', '    mode: push\n    write-method: git')),
    message: /environments\.dev: unknown key "write-method"; expected one of: mode, promote-from/
  },
  {
    name: 'an unknown mode',
    via: ['action-api', 'edit'],
    files: promotion(PROMOTION.replace('mode: push', 'mode: pushh')),
    message:
      /promotion\.yaml:4: environments\.dev\.mode: must be one of "push", "pull-request"; got "pushh"/
  },
  {
    name: 'draft: yes (a string in YAML 1.2)',
    via: 'promote',
    files: promotion(PROMOTION.replace('    labels:', '    draft: yes\n    labels:')),
    message:
      /environments\.prod\.draft: must be true or false, got "yes" \(YAML 1\.2: yes\/no\/on\/off are strings\)/
  },
  {
    name: 'targets given as a string',
    via: 'edit',
    files: promotion(
      'environments:\n  dev:\n    mode: push\n    targets: apps/{name}/overlays/dev\n'
    ),
    message:
      /promotion\.yaml:4: environments\.dev\.targets: must be a list, got "apps\/\{name\}\/overlays\/dev" \(write a list/
  },
  {
    name: 'an environment without targets',
    via: 'action-api',
    files: promotion('environments:\n  dev:\n    mode: push\n'),
    message: /promotion\.yaml:2: environments\.dev: missing required key "targets"/
  },
  {
    name: 'no environments key',
    via: 'action-none',
    files: promotion('defaults:\n  mode: push\n'),
    message: /promotion\.yaml:\d+: missing required key "environments"/
  },
  {
    name: 'an empty promotion.yaml',
    via: ['edit', 'action-api'],
    files: promotion('# nothing yet\n'),
    message: /promotion\.yaml:1: is empty; expected a map with "environments:"/
  },
  {
    name: 'no environment defined',
    via: 'promote',
    files: promotion('environments: {}\n'),
    message: /promotion\.yaml:1: environments: must define at least one environment/
  },
  {
    name: 'an environment promotion.yaml does not define',
    via: ['edit', 'action-api', 'promote'],
    environment: 'qa',
    message: /promotion\.yaml has no environment "qa"[^]*→ Environments: dev, prod/
  },
  {
    name: 'a helm target without key',
    via: 'edit',
    environment: 'prod',
    files: promotion(PROMOTION.replace('        key: image\n', '')),
    message: /environments\.prod\.targets\[1\]: a helm target needs "key"/
  },
  {
    name: 'kustomize and helm in one target',
    via: 'action-api',
    files: promotion(
      PROMOTION.replace(
        '- kustomize: apps/{name}/overlays/dev',
        '- kustomize: apps/{name}/overlays/dev\n        helm: charts/{name}/values.yaml\n        key: image'
      )
    ),
    message: /"kustomize" and "helm" cannot be combined/
  },
  {
    name: 'key on a kustomize target',
    via: 'action-none',
    files: promotion(
      PROMOTION.replace(
        '- kustomize: apps/{name}/overlays/dev',
        '- kustomize: apps/{name}/overlays/dev\n        key: image'
      )
    ),
    message: /"key" only applies to helm targets/
  },
  {
    name: 'promote-from an unknown environment',
    via: 'edit',
    files: promotion(PROMOTION.replace('  prod:\n', '  prod:\n    promote-from: qa\n')),
    message: /environments\.prod\.promote-from: unknown environment "qa"; environments: dev, prod/
  },
  {
    name: 'a promote-from cycle',
    via: 'promote',
    files: promotion(
      PROMOTION.replace('  prod:\n', '  prod:\n    promote-from: dev\n').replace(
        '    mode: push',
        '    mode: push\n    promote-from: prod'
      )
    ),
    message: /cycle in promote-from: dev → prod → dev/
  },
  {
    name: 'a target path with ..',
    via: ['edit', 'action-api'],
    files: promotion(
      PROMOTION.replace('apps/{name}/overlays/dev', '../outside/{name}/overlays/dev')
    ),
    message: /kustomize path "\.\.\/outside\/\{name\}\/overlays\/dev" leaves the repository/
  },
  {
    name: 'an absolute target path',
    via: 'action-none',
    files: promotion(PROMOTION.replace('apps/{name}/overlays/dev', '/etc/{name}')),
    message: /kustomize path "\/etc\/\{name\}" is absolute/
  },
  {
    name: 'an unknown placeholder',
    via: 'promote',
    files: promotion(PROMOTION.replace('apps/{name}/overlays/dev', 'apps/{app}/overlays/dev')),
    message: /uses unknown placeholder \{app\}[^]*only \{name\}/
  },
  {
    name: 'a duplicate environment',
    via: ['edit', 'action-api'],
    files: promotion(
      `${PROMOTION}  dev:\n    targets:\n      - kustomize: apps/{name}/overlays/qa\n`
    ),
    message: /promotion\.yaml:13:\d+: duplicate key "dev" \(keys must be unique/
  },
  {
    name: 'tab indentation',
    via: 'action-none',
    files: promotion(PROMOTION.replace('    mode: push', '\tmode: push')),
    message: /promotion\.yaml:4:\d+: tab used for indentation[^]*→ Indent with spaces/
  },
  {
    name: 'two YAML documents',
    via: 'promote',
    files: promotion(`${PROMOTION}---\nenvironments:\n  qa:\n    targets: []\n`),
    message: /contains more than one YAML document \("---"\)/
  },
  {
    name: 'an unterminated quote',
    via: 'edit',
    files: promotion(PROMOTION.replace('apps/{name}/overlays/dev', '"apps/{name}/overlays/dev')),
    message: /promotion\.yaml:\d+:\d+: [^]*→ Fix the YAML syntax of promotion\.yaml/
  },
  {
    name: 'billion-laughs aliases',
    via: 'action-api',
    files: promotion(`${PROMOTION}x-laughs:\n  ${ALIAS_BOMB.replace(/\n/g, '\n  ')}\n`),
    message: /promotion\.yaml:1: .*[Ee]xcessive alias count/,
    timeout: 10_000
  },
  {
    name: 'a list at the root',
    via: 'edit',
    files: promotion('- dev\n- prod\n'),
    message: /promotion\.yaml:1: must be a map with "environments:", got a list/
  },
  {
    name: 'an environment name with a space',
    via: 'action-none',
    files: promotion(
      `${PROMOTION}  "qa env":\n    targets:\n      - kustomize: apps/{name}/overlays/qa\n`
    ),
    message: /invalid environment name "qa env"/
  },
  {
    name: 'an upper-case image name in images:',
    via: 'promote',
    files: promotion(
      PROMOTION.replace(
        '- kustomize: apps/{name}/overlays/dev',
        '- kustomize: apps/{name}/overlays/dev\n        images: [API]'
      )
    ),
    message: /"API" is not an image name/
  },
  {
    name: 'no promotion.yaml',
    via: ['edit', 'action-api'],
    files: { 'promotion.yaml': null },
    message:
      /"promotion\.yaml" does not exist in the config repository|acme\/case-\d+ on main has no promotion\.yaml/
  }
]

/** Target paths, config paths and symlinks that lead outside the config repository. */
const PATHS: readonly BadInput[] = [
  {
    name: 'a --target with ..',
    via: 'edit',
    environment: null,
    args: ['--target', 'kustomize:../outside/overlay'],
    message:
      /target "kustomize:\.\.\/outside\/overlay": path "\.\.\/outside\/overlay" leaves the repository/
  },
  {
    name: 'an absolute --target',
    via: 'promote',
    environment: null,
    args: ['--target', 'kustomize:/etc'],
    message: /path "\/etc" is absolute/
  },
  {
    name: 'a targets input with ..',
    via: 'action-api',
    environment: null,
    inputs: { targets: 'helm:charts/../../etc/passwd#image' },
    message: /path "charts\/\.\.\/\.\.\/etc\/passwd" leaves the repository/
  },
  {
    name: 'a targets input with a backslash',
    via: 'action-none',
    environment: null,
    inputs: { targets: 'kustomize:apps\\api\\overlays\\dev' },
    message: /contains a backslash \(write paths with "\/"\)/
  },
  {
    name: 'a --target with a Windows drive',
    via: 'edit',
    environment: null,
    args: ['--target', 'helm:C:/charts/values.yaml#image'],
    message: /is a Windows drive path/
  },
  {
    name: 'a --target with a control character',
    via: 'promote',
    environment: null,
    args: ['--target', 'kustomize:apps/api\u0001/overlays/dev'],
    message: /contains a control character/
  },
  {
    name: 'a helm --target without #key',
    via: 'edit',
    environment: null,
    args: ['--target', 'helm:charts/api/values-prod.yaml'],
    message: /missing #key: a helm target needs the path to the image/
  },
  {
    name: 'an overlay directory symlinked outside the repository',
    via: ['edit', 'action-none', 'promote', 'action-api'],
    symlinks: { 'apps/api/overlays/dev': '{{outside}}/overlay' },
    message: /"apps\/api\/overlays\/dev"[^\n]*(?:outside the config repository|symlink)/
  },
  {
    name: 'a kustomization.yaml symlinked to a file outside',
    via: ['edit', 'promote'],
    symlinks: { [DEV]: '{{outside}}/overlay/kustomization.yaml' },
    message: /resolves to [^ ]+outside\/overlay\/kustomization\.yaml, outside the config repository/
  },
  {
    name: 'a values file symlinked outside through ..',
    via: 'action-none',
    environment: 'prod',
    symlinks: { [VALUES]: '../../../outside/values.yaml' },
    message: /charts\/api\/values-prod\.yaml" resolves to [^ ]+, outside the config repository/
  },
  {
    name: 'a dangling symlink as the target',
    via: 'edit',
    symlinks: { [DEV]: 'kustomization-gone.yaml' },
    message: /is a symlink to a missing file; writing through it could create a file anywhere/
  },
  {
    name: 'a symlink loop',
    via: 'action-none',
    symlinks: { 'apps/api/overlays/dev': 'dev' },
    message: /is a symlink loop/
  },
  {
    name: 'promotion.yaml symlinked outside the repository',
    via: 'edit',
    symlinks: { 'promotion.yaml': '{{outside}}/promotion.yaml' },
    message:
      /"promotion\.yaml" resolves to [^ ]+outside\/promotion\.yaml, outside the config repository[^]*→ [^\n]*symlink/
  },
  {
    name: 'a target file that does not exist',
    via: ['edit', 'action-api'],
    environment: null,
    args: ['--target', 'helm:charts/api/values-staging.yaml#image'],
    inputs: { targets: 'helm:charts/api/values-staging.yaml#image' },
    message: /"charts\/api\/values-staging\.yaml" does not exist in the config repository/
  },
  {
    name: 'an overlay without a kustomization file',
    via: ['edit', 'promote'],
    files: { [DEV]: null, 'apps/api/overlays/dev/README.md': 'moved\n' },
    message: /"apps\/api\/overlays\/dev" has no kustomization file/
  },
  {
    name: 'an overlay with two kustomization files',
    via: 'action-none',
    files: { 'apps/api/overlays/dev/kustomization.yml': overlay('api', 'v1.4.1') },
    message:
      /multiple kustomization files under "apps\/api\/overlays\/dev": kustomization\.yaml, kustomization\.yml/
  },
  {
    name: 'a kustomize target that is a Markdown file',
    via: 'edit',
    environment: null,
    args: ['--target', 'kustomize:README.md'],
    message: /README\.md: not a kustomization/
  },
  {
    name: 'config-path outside the workspace',
    via: 'action-none',
    inputs: { 'config-path': '../..' },
    message: /Input config-path "\.\.\/\.\." leads outside the workspace/
  },
  {
    name: 'an absolute config-path elsewhere',
    via: 'action-none',
    inputs: { 'config-path': '/etc' },
    message: /Input config-path "\/etc" leads outside the workspace/
  },
  {
    name: 'config-file with ..',
    via: ['action-none', 'action-api'],
    inputs: { 'config-file': '../promotion.yaml' },
    message: /\.\.\/promotion\.yaml[^]*leaves the repository/
  },
  {
    name: '--dir that does not exist',
    via: 'edit',
    noRepo: true,
    args: ['--dir', '{{outside}}/no-such-checkout'],
    message:
      /no-such-checkout does not exist\.\n\s+→ Check the directory passed as the config repository/
  }
]

/** Action inputs that are malformed or contradict each other. */
const ACTION_INPUTS: readonly BadInput[] = [
  {
    name: 'unknown mode',
    via: 'action-api',
    inputs: { mode: 'merge' },
    message: /Input mode must be one of pull-request, push; got "merge"/,
    ...PRE
  },
  {
    name: 'unknown write-method',
    via: 'action-api',
    inputs: { 'write-method': 'ftp' },
    message: /Input write-method must be one of api, git, none; got "ftp"/,
    ...PRE
  },
  {
    name: 'dry-run: yes please',
    via: 'action-api',
    inputs: { 'dry-run': 'yes please' },
    message: /Input dry-run must be true or false; got "yes please"/,
    ...PRE
  },
  {
    name: 'draft: yes',
    via: 'action-api',
    inputs: { draft: 'yes' },
    message: /Input draft must be true or false; got "yes"/,
    ...PRE
  },
  {
    name: 'verify: 1',
    via: 'action-api',
    inputs: { verify: '1' },
    message: /Input verify must be true or false; got "1"/,
    ...PRE
  },
  {
    name: 'require-immutable-repository: on',
    via: 'action-none',
    inputs: { 'require-immutable-repository': 'on' },
    message: /Input require-immutable-repository must be true or false; got "on"/,
    ...PRE
  },
  {
    name: 'verify-timeout: 0',
    via: 'action-api',
    inputs: { 'verify-timeout': '0' },
    message: /Input verify-timeout must be a whole number of seconds above 0; got "0"/,
    ...PRE
  },
  {
    name: 'verify-timeout: 10m',
    via: 'action-api',
    inputs: { 'verify-timeout': '10m' },
    message: /Input verify-timeout must be a whole number of seconds above 0; got "10m"/,
    ...PRE
  },
  {
    name: 'unknown pin',
    via: 'action-none',
    inputs: { pin: 'sha' },
    message: /Input pin must be one of digest, tag; got "sha"/,
    ...PRE
  },
  {
    name: 'unknown verify-render',
    via: 'action-api',
    inputs: { 'verify-render': 'maybe' },
    message: /Input verify-render must be one of auto, true, false; got "maybe"/,
    ...PRE
  },
  {
    name: 'unknown allow-downgrade',
    via: 'action-api',
    inputs: { 'allow-downgrade': 'never' },
    message: /Input allow-downgrade must be one of warn, true, false; got "never"/,
    ...PRE
  },
  {
    name: 'unknown auto-merge',
    via: 'action-api',
    inputs: { 'auto-merge': 'fast-forward' },
    message: /Input auto-merge must be one of merge, squash, rebase; got "fast-forward"/,
    ...PRE
  },
  {
    name: 'config-repository as a URL',
    via: 'action-api',
    inputs: { 'config-repository': 'https://github.com/acme/gitops.git' },
    message:
      /Input config-repository must be owner\/name, got "https:\/\/github\.com\/acme\/gitops\.git"[^]*→ Write it as on GitHub/,
    ...PRE
  },
  {
    name: 'an environment name with a path in it',
    via: 'action-api',
    environment: 'dev/../prod',
    message: /Input environment has an invalid environment name "dev\/\.\.\/prod"/,
    ...PRE
  },
  {
    name: 'registry-username without registry-password',
    via: 'action-api',
    inputs: { 'registry-username': 'ci' },
    message: /Inputs registry-username and registry-password must be given together/,
    ...PRE
  },
  {
    name: 'write-method none without config-path',
    via: 'action-api',
    inputs: { 'write-method': 'none' },
    message:
      /Input config-path is required with write-method: none[^]*→ Check out the config repository/,
    ...PRE
  },
  {
    name: 'from-environment without environment',
    via: 'action-api',
    environment: null,
    inputs: { 'from-environment': 'dev' },
    message: /Input from-environment needs environment/,
    ...PRE
  },
  {
    name: 'insecure-registries with a scheme',
    via: 'action-api',
    inputs: { 'insecure-registries': 'http://registry.internal:5000' },
    message:
      /Input insecure-registries has an invalid host "http:\/\/registry\.internal:5000"[^]*without a scheme/,
    ...PRE
  },
  {
    name: 'mutable-tags with a slash',
    via: 'action-none',
    inputs: { 'mutable-tags': 'release/*' },
    message: /Input mutable-tags has an invalid pattern "release\/\*"/,
    ...PRE
  },
  {
    name: 'allow-tags that is not a regular expression',
    via: 'action-api',
    inputs: { 'allow-tags': 'v(\\d+' },
    message: /Input allow-tags is not a valid regular expression/,
    ...PRE
  },
  {
    // RE2 runs in linear time and so has no lookaround or backreferences (src/policy/pattern.ts).
    name: 'allow-tags with a lookahead, which RE2 does not support',
    via: 'action-api',
    inputs: { 'allow-tags': '(?!dev)v\\d+' },
    message:
      /Input allow-tags is not a valid regular expression in RE2 syntax: "\(\?!dev\)v\\\\d\+" \(it uses lookaround/,
    ...PRE
  },
  {
    name: 'an empty token',
    via: 'action-api',
    inputs: { token: '' },
    message: /Input token is empty: promote-image needs a token to write to the config repository/
  },
  {
    name: 'verify without argocd-server',
    via: 'action-api',
    inputs: { verify: 'true' },
    message: /Input verify needs argocd-server and argocd-application/
  },
  {
    name: 'a branch template that is no branch name',
    via: 'action-api',
    environment: 'prod',
    inputs: { branch: 'promote/{environment}/{name}.lock' },
    message: /The pull-request branch "promote\/prod\/api\.lock" is not a valid branch name/
  },
  {
    name: 'a config repository that does not exist',
    via: 'action-api',
    inputs: { 'config-repository': 'acme/no-such-repo' },
    message: /acme\/no-such-repo \(HTTP 404\)[^]*→ The token cannot read the repository/
  },
  {
    name: 'a base-branch that does not exist',
    via: 'action-api',
    inputs: { 'base-branch': 'release' },
    message:
      /Branch release does not exist in acme\/case-\d+[^]*→ Set base-branch to an existing branch/
  }
]

/** CLI commands and flags that are malformed. */
const CLI_ARGS: readonly BadInput[] = [
  {
    name: 'an unknown command',
    via: 'promote',
    command: 'promte',
    message: /Unknown command "promte"[^]*→ Commands: resolve, edit, promote, lint, verify/,
    code: 2,
    ...PRE
  },
  {
    name: 'a misspelt flag',
    via: 'promote',
    args: ['--enviroment', 'dev'],
    message: /promote: Unknown option '--enviroment'[^]*→ Run promote-image promote --help/,
    code: 2,
    ...PRE
  },
  {
    name: 'a flag without its value',
    via: 'edit',
    args: ['--image'],
    message: /edit: Option '--image <value>' argument missing/,
    code: 2,
    ...PRE
  },
  {
    name: 'an unexpected positional argument',
    via: 'promote',
    args: ['{{reg}}/team/api:v1.4.3'],
    message: /promote: unexpected argument "[^"]+team\/api:v1\.4\.3"[^]*→ Pass images with --image/,
    code: 2,
    ...PRE
  },
  {
    name: '--mode merge',
    via: 'promote',
    args: ['--mode', 'merge'],
    message: /--mode must be one of pull-request, push; got "merge"/,
    code: 2,
    ...PRE
  },
  {
    name: '--pin sha',
    via: 'edit',
    args: ['--pin', 'sha'],
    message: /--pin must be one of digest, tag; got "sha"/,
    code: 2,
    ...PRE
  },
  {
    name: '--verify-render maybe',
    via: 'edit',
    args: ['--verify-render', 'maybe'],
    message: /--verify-render must be one of auto, true, false; got "maybe"/,
    code: 2,
    ...PRE
  },
  {
    name: '--allow-downgrade never',
    via: 'promote',
    args: ['--allow-downgrade', 'never'],
    message: /--allow-downgrade must be one of warn, true, false; got "never"/,
    code: 2,
    ...PRE
  },
  {
    name: 'promote without --config-repo',
    via: 'promote',
    noRepo: true,
    message: /promote: --config-repo is required/,
    code: 2,
    ...PRE
  },
  {
    name: 'edit with neither --environment nor --target',
    via: 'edit',
    environment: null,
    message: /edit: pass --environment ENV \(from promotion\.yaml\) or --target SPEC/,
    code: 2,
    ...PRE
  },
  {
    name: 'edit without --image',
    via: 'edit',
    images: [],
    message: /edit: no --image given/,
    code: 2,
    ...PRE
  },
  {
    name: '--mode pull-request with a file:// repository',
    via: 'promote',
    args: ['--config-repo', 'file:///srv/git/config.git', '--mode', 'pull-request'],
    message:
      /--mode pull-request needs a GitHub repository URL, got "file:\/\/\/srv\/git\/config\.git"/,
    code: 2,
    ...PRE
  },
  {
    name: '--mode pull-request without a token',
    via: 'promote',
    args: ['--mode', 'pull-request'],
    env: { GITHUB_TOKEN: '' },
    message: /--mode pull-request needs a token in GITHUB_TOKEN or PROMOTE_IMAGE_TOKEN/,
    code: 2,
    ...PRE
  },
  {
    name: 'resolve --password-stdin without --registry-username',
    via: 'promote',
    command: 'resolve',
    args: ['--password-stdin'],
    message: /--password-stdin needs --registry-username/,
    code: 2,
    ...PRE
  },
  {
    name: 'resolve --registry-username without a password',
    via: 'promote',
    command: 'resolve',
    args: ['--registry-username', 'ci'],
    message: /--registry-username needs a password[^]*PROMOTE_IMAGE_REGISTRY_PASSWORD/,
    code: 2,
    ...PRE
  },
  {
    name: '--mutable-tags with a slash',
    via: 'edit',
    args: ['--mutable-tags', 'release/*'],
    message: /--mutable-tags has an invalid pattern "release\/\*"/,
    code: 2,
    ...PRE
  },
  {
    name: '--allow-tags that is not a regular expression',
    via: 'promote',
    args: ['--allow-tags', 'v(\\d+'],
    message: /--allow-tags is not a valid regular expression/,
    code: 2,
    ...PRE
  },
  {
    name: '--insecure-registry with a scheme',
    via: 'promote',
    args: ['--insecure-registry', 'http://{{reg}}'],
    message: /--insecure-registry has an invalid host "http:\/\/127\.0\.0\.1:\d+"/,
    code: 2,
    ...PRE
  },
  {
    name: 'a config repository that does not exist',
    via: 'promote',
    args: ['--config-repo', '{{box}}/acme/no-such-repo.git'],
    message: /Cannot clone the config repository [^ ]+acme\/no-such-repo\.git[^]*not found/
  },
  {
    name: 'a --base-branch that does not exist',
    via: 'promote',
    args: ['--base-branch', 'release'],
    message: /[Bb]ranch release (?:not found|does not exist)/
  }
]

// ---------------------------------------------------------------------------------------------

/** The explanation, marked when the run had to be killed (it never answered). */
function answered(ran: Ran, timeout: number, explanation: string): string {
  return typeof ran.code === 'number'
    ? explanation
    : `[no answer within ${timeout} ms: killed]\n${explanation}`
}

/** One row per channel: `name (via)`. */
function cases(table: readonly BadInput[]): [string, BadInput & { via: Via }][] {
  return table.flatMap(row =>
    (Array.isArray(row.via) ? row.via : [row.via as Via]).map(
      (via): [string, BadInput & { via: Via }] => [`${row.name} (${via})`, { ...row, via }]
    )
  )
}

describe('bad inputs: clear message, non-zero exit, nothing pushed, files unchanged', () => {
  let reg: RegistryInstance
  let box: GitHubBox
  let work: string
  let home: string
  let counter = 0
  type Case = Awaited<ReturnType<typeof prepare>>
  const digests = new Map<string, string>()

  const fill = (text: string, outside = ''): string =>
    text.replace(/\{\{(\w+)(?::([^}]+))?\}\}/g, (whole, key: string, arg?: string) => {
      if (key === 'reg') return reg.host
      if (key === 'box') return box.url
      if (key === 'outside') return outside
      if (key === 'digest' && arg && digests.has(arg)) return digests.get(arg)!
      throw new Error(`unknown placeholder ${whole}`)
    })

  beforeAll(async () => {
    reg = await startRegistry({ auth: 'none' })
    // Every tag a case names exists, so only the policy can refuse it.
    for (const [repository, tag] of [
      ['team/api', 'v1.4.2'],
      ['team/api', 'v1.4.3'],
      ['team/web', 'v2.0.0'],
      ['team/api', 'latest'],
      ['team/api', 'LATEST'],
      ['team/api', 'main'],
      ['team/api', 'dev'],
      ['team/api', 'stable'],
      ['team/api', 'pr-42'],
      ['team/api', 'build-7'],
      ['team/web', 'latest'],
      ['team/web', 'stable']
    ] as const) {
      const pushed = await pushImage(reg, repository, tag, { seed: `${repository}:${tag}` })
      digests.set(`${repository.slice('team/'.length)}:${tag}`, pushed.digest)
    }
    box = await startGitHubBox()
    work = await mkdtemp(join(tmpdir(), 'bad-inputs-'))
    home = join(work, 'home')
    await mkdir(home)
    await mkdir(join(work, 'outputs'))
  })
  // A request GitHub's descriptions refuse fails the test that sent it (github-schema.ts).
  afterEach(() => box?.assertNoViolations())
  afterAll(async () => {
    await box?.stop()
    await reg?.stop()
    if (work) await rm(work, { recursive: true, force: true })
  })

  function filled(files: Readonly<Record<string, string | null>>, outside = '') {
    return Object.fromEntries(
      Object.entries(files).map(([path, text]) => [
        path,
        text === null ? null : fill(text, outside)
      ])
    )
  }

  /** The config repository of a case: a fresh checkout, or a fresh repository in the box. */
  async function prepare(row: BadInput & { via: Via }) {
    const n = ++counter
    const caseDir = join(work, `case-${n}`)
    const outside = join(caseDir, 'outside')
    // Outside the config repository: what an escaping symlink would reach.
    await writeTree(outside, {
      'overlay/kustomization.yaml': fill(overlay('api', 'v1.4.1')),
      'promotion.yaml': PROMOTION,
      'values.yaml': fill(values('api'))
    })
    const planted = filled(row.files ?? {}, outside)
    const symlinks = Object.fromEntries(
      Object.entries(row.symlinks ?? {}).map(([path, target]) => [path, fill(target, outside)])
    )
    const files: Record<string, string> = {}
    for (const [path, text] of Object.entries({ ...filled(BASE), ...planted })) {
      const shadowed = Object.keys(symlinks).some(
        link => path === link || path.startsWith(`${link}/`)
      )
      if (text !== null && !shadowed) files[path] = text
    }
    const checkout = join(caseDir, 'config')
    const repo = `acme/case-${n}`
    const inBox = row.via === 'promote' || row.via === 'action-api'
    if (inBox) await box.createRepo(repo, files, { symlinks })
    else await writeTree(checkout, files, symlinks)
    return { n, caseDir, outside, checkout, repo, inBox }
  }

  /** Every ref and pull request of the case's repository in the box. */
  async function boxState(at: Case): Promise<string> {
    if (!at.inBox) return ''
    return `${await refsOf(box, at.repo)}\npulls: ${JSON.stringify(box.pulls(at.repo))}`
  }

  async function invoke(
    row: BadInput & { via: Via },
    at: Case
  ): Promise<{ ran: Ran; explanation: string; everything: string }> {
    const images = (row.images ?? [API]).map(image => fill(image, at.outside))
    const environment = row.environment === undefined ? 'dev' : row.environment
    const timeout = scaled(row.timeout ?? RUN_TIMEOUT_MS)
    if (row.via === 'action-api' || row.via === 'action-none') {
      const inputs: Record<string, string> = {
        image: images.join('\n'),
        environment: environment ?? '',
        token: box.token,
        'config-repository': at.repo,
        'write-method': row.via === 'action-none' ? 'none' : 'api',
        ...(row.via === 'action-none' && { 'config-path': 'config' }),
        ...Object.fromEntries(
          Object.entries(row.inputs ?? {}).map(([name, value]) => [name, fill(value, at.outside)])
        )
      }
      const outputFile = join(work, 'outputs', `output-${at.n}`)
      const summaryFile = join(work, 'outputs', `summary-${at.n}`)
      await writeFile(outputFile, '')
      await writeFile(summaryFile, '')
      const env: NodeJS.ProcessEnv = {
        HOME: home,
        GITHUB_WORKSPACE: at.caseDir,
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_API_URL: box.apiUrl,
        GITHUB_SERVER_URL: box.url,
        GITHUB_GRAPHQL_URL: box.graphqlUrl,
        GITHUB_REPOSITORY: 'acme/api',
        GITHUB_SHA: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
        GITHUB_RUN_ID: '42',
        ...row.env
      }
      for (const [name, value] of Object.entries(inputs)) {
        env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
      }
      const ran = await runNode('dist/index.js', [], env, { cwd: at.caseDir, timeout })
      return {
        ran,
        explanation: answered(ran, timeout, actionErrors(ran.stdout)),
        everything: `${decodeWorkflowCommands(ran.stdout)}\n${ran.stderr}`
      }
    }
    const command = row.command ?? row.via
    const argv = [command]
    if (command === 'resolve') {
      argv.push(...images)
    } else {
      if (!row.noRepo) {
        argv.push(
          ...(row.via === 'edit'
            ? ['--dir', at.checkout]
            : ['--config-repo', `${box.url}/${at.repo}.git`])
        )
      }
      for (const image of images) argv.push('--image', image)
      if (environment !== null) argv.push('--environment', environment)
    }
    argv.push(...(row.args ?? []).map(arg => fill(arg, at.outside)))
    const ran = await runNode(
      'dist/cli.js',
      argv,
      { HOME: home, GITHUB_TOKEN: box.token, ...row.env },
      { cwd: at.caseDir, timeout }
    )
    return {
      ran,
      explanation: answered(ran, timeout, ran.stderr),
      everything: `${ran.stdout}\n${ran.stderr}`
    }
  }

  async function expectRefused(row: BadInput & { via: Via }, beforeRegistry: boolean) {
    const at = await prepare(row)
    const before = {
      tree: await snapshotTree(at.caseDir),
      repo: await boxState(at),
      requests: box.requests.length,
      registry: reg.requests.count()
    }

    const { ran, explanation, everything } = await invoke(row, at)

    // A clear message, not a crash.
    expect(explanation).toMatch(row.message)
    expect(everything).not.toMatch(STACK_TRACE)
    expect(everything).not.toMatch(/unexpected error|please report/i)
    expect(ran.code).toBe(row.code ?? 1)
    // Nothing pushed.
    expect(writeRequests(box.requests.slice(before.requests))).toEqual([])
    expect(await boxState(at)).toBe(before.repo)
    // Files unchanged: the checkout and everything around it.
    expect(await snapshotTree(at.caseDir)).toEqual(before.tree)
    if (beforeRegistry || row.beforeRegistry) {
      expect(reg.requests.entries.slice(before.registry)).toEqual([])
    }
  }

  describe('references, tags and digests (refused before any registry request)', () => {
    it.each(cases(REFERENCES))('%s', async (_name, row) => {
      await expectRefused(row, true)
    })
  })

  describe('what the registry refuses', () => {
    it.each(cases(REGISTRY_REFUSALS))('%s', async (_name, row) => {
      await expectRefused(row, false)
    })
  })

  describe('YAML targets', () => {
    it.each(cases(YAML_FILES))('%s', async (_name, row) => {
      await expectRefused(row, false)
    })
  })

  describe('promotion.yaml', () => {
    it.each(cases(PROMOTION_CONFIGS))('%s', async (_name, row) => {
      await expectRefused(row, false)
    })
  })

  describe('paths', () => {
    it.each(cases(PATHS))('%s', async (_name, row) => {
      await expectRefused(row, false)
    })
  })

  describe('action inputs', () => {
    it.each(cases(ACTION_INPUTS))('%s', async (_name, row) => {
      await expectRefused(row, false)
    })
  })

  describe('CLI arguments', () => {
    it.each(cases(CLI_ARGS))('%s', async (_name, row) => {
      await expectRefused(row, false)
    })
  })

  /**
   * The detectors above must be able to fail: the same harness with a good
   * input does write, and each channel's detector sees it.
   */
  describe('controls: a good input through the same harness does change the config repo', () => {
    it.each(['edit', 'action-none', 'promote', 'action-api'] as const)('%s', async via => {
      const row = {
        name: 'control',
        via,
        message: /./
      } satisfies BadInput
      const at = await prepare(row)
      const tree = await snapshotTree(at.caseDir)
      const repo = await boxState(at)
      const requests = box.requests.length
      const { ran, everything } = await invoke(row, at)
      expect(everything).not.toMatch(STACK_TRACE)
      expect(ran.code).toBe(0)
      if (via === 'edit' || via === 'action-none') {
        const after = await snapshotTree(at.caseDir)
        expect(Object.keys(after).filter(path => after[path] !== tree[path])).toEqual([
          `config/${DEV}`
        ])
        expect(await readFile(join(at.checkout, DEV), 'utf8')).toContain(
          `digest: ${digests.get('api:v1.4.2')}`
        )
      } else {
        expect(await boxState(at)).not.toBe(repo)
        if (via === 'action-api') {
          expect(writeRequests(box.requests.slice(requests)).length).toBeGreaterThan(0)
        } else {
          expect(writeRequests(box.requests.slice(requests))).toEqual(
            expect.arrayContaining([expect.stringMatching(/git-receive-pack/)])
          )
        }
      }
    })
  })
})
