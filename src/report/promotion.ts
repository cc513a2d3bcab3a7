/**
 * The words a promotion leaves behind: the commit message (with git trailers),
 * the pull request title and the pull request body. Pure: data in, text out.
 * Every piece of user text (file names, environments, render messages) goes
 * through one of the escapes at the bottom, so none can break the layout.
 */
import type {
  CodeChange,
  EditResult,
  ImageValueChange,
  PromotionMode,
  ResolvedImage,
  SignatureVerification,
  SourceInfo
} from '../model.js'
import { codeChangesSection } from './changes.js'
import { code, escapeText, itemWithSublist, oneLine } from './markdown.js'
import { expandCommitMessage, nameOf, shortDigest } from './message-template.js'
import { provenanceWords } from './provenance.js'
import { pinsMarker } from './moved.js'
import { renderedDiff, type RenderedDiff } from './rendered-diff.js'
import { composeSections, fixedSection, type Section } from './sections.js'

export interface PromotionContent {
  readonly environment?: string
  /** What was promoted. */
  readonly images: readonly ResolvedImage[]
  /** Files and values changed, and the render proof. */
  readonly result: EditResult
  readonly source: SourceInfo
  readonly mode: PromotionMode
  /** `acme/gitops-config`, for links to the changed files. */
  readonly configRepository?: string
  readonly baseBranch: string
  /**
   * The promotion commit (a pull request's head): file links point at it, so a reviewer sees
   * the changed file; without it, at the base branch, which does not have the change yet.
   */
  readonly headSha?: string
  /** Why no render proof ran, when the caller knows (verify-render false, no kustomize…). */
  readonly renderNote?: string
  /** Promoting what another environment runs: its name. */
  readonly fromEnvironment?: string
  /** The commit-message template (checked by checkCommitMessageTemplate); default subject without. */
  readonly messageTemplate?: string
  /** What changes in the code per image (source commits between the revisions), when read. */
  readonly codeChanges?: readonly CodeChange[]
}

/** GitHub refuses a pull request body longer than this. */
export const PULL_REQUEST_BODY_LIMIT = 65_536

/** Longer subjects get cut in `git log --oneline`, GitHub's commit list and mail. */
const SUBJECT_LIMIT = 72
const DEFAULT_SERVER_URL = 'https://github.com'
const MARKER_PREFIX = '<!-- promote-image:environment='

/** Who signed, as the signature gate verified it; `quote` marks values up (markdown or none). */
function signatureWords(signature: SignatureVerification, quote: (text: string) => string): string {
  return signature.kind === 'cosign-key'
    ? `verified, cosign key ${quote(signature.key)}`
    : `verified, signed by ${quote(signature.identity)} (issuer ${quote(signature.issuer)})`
}

/**
 * `promote(<env>): <name> <tag> (<short digest>)` (or the commit-message
 * template, with what it holds under its first line), one line per changed
 * value, then git trailers: `Promoted-Image` per image and `Source-*` when
 * known — so promote-image recognises its own commits whatever the subject.
 */
export function commitMessage(content: PromotionContent): string {
  const changes = content.result.files.flatMap(f => f.changes)
  const { repository, sha, runUrl } = content.source
  const trailers = [
    ...content.images.map(i => `Promoted-Image: ${oneLine(i.pinned)}`),
    ...content.images.flatMap(i =>
      i.signature
        ? [`Image-Signature: ${oneLine(`${i.pinned} ${signatureWords(i.signature, t => t)}`)}`]
        : []
    ),
    ...content.images.flatMap(i =>
      i.provenance
        ? [`Image-Provenance: ${oneLine(`${i.pinned} ${provenanceWords(i.provenance, t => t)}`)}`]
        : []
    ),
    ...(repository ? [`Source-Repository: ${oneLine(repository)}`] : []),
    ...(sha ? [`Source-Commit: ${oneLine(sha)}`] : []),
    ...(runUrl ? [`Source-Run: ${oneLine(runUrl)}`] : [])
  ]
  const custom = content.messageTemplate
    ? expandCommitMessage(content.messageTemplate, content.environment, content.images)
    : undefined
  // git reads trailers from the last paragraph only, so the change lines stay a paragraph apart.
  const paragraphs = [
    custom?.subject || subject(content),
    custom?.body ?? '',
    changes.map(commitChangeLine).join('\n'),
    trailers.join('\n')
  ].filter(p => p.length > 0)
  return `${paragraphs.join('\n\n')}\n`
}

/**
 * The commit subject, or the template with `{environment}`, `{name}`, `{tag}`,
 * `{digest}` (full) and `{images}` (`name tag, …`) replaced. With several
 * images, `{name}`, `{tag}` and `{digest}` list each distinct value once.
 */
export function pullRequestTitle(content: PromotionContent, template?: string): string {
  if (template === undefined || template.trim() === '') return subject(content)
  const distinct = (values: readonly string[]): string => [...new Set(values)].join(', ')
  const values = new Map([
    ['environment', content.environment ?? ''],
    ['name', distinct(content.images.map(nameOf))],
    ['tag', distinct(content.images.flatMap(i => i.reference.tag ?? []))],
    ['digest', distinct(content.images.map(i => i.digest))],
    ['images', content.images.map(nameAndTag).join(', ')]
  ])
  // One pass, so a replaced value that looks like a placeholder stays as it is.
  return oneLine(
    template.replace(/\{(\w+)\}/g, (all, key: string) => values.get(key) ?? all)
  ).trim()
}

/**
 * The pull request body in GitHub-flavored markdown: lead, change table,
 * image details, render proof, how to roll back, and the marker comment that
 * finds the living pull request again. Cut to GitHub's limit, change table first.
 */
export function pullRequestBody(content: PromotionContent): string {
  const body = composeSections(bodySections(content), PULL_REQUEST_BODY_LIMIT)
  if (body.length <= PULL_REQUEST_BODY_LIMIT) return body
  // Only absurd input gets here (a base branch or environment of ~64k characters): cut hard,
  // keeping the marker when it is of sane length.
  const marker = promotionMarker(content.environment)
  const tail = marker.length < 1000 ? `\n\n…\n\n${marker}\n` : '\n\n…\n'
  let cut = body.slice(0, PULL_REQUEST_BODY_LIMIT - tail.length)
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1)
  return cut + tail
}

/**
 * The body's sections in order, each a pure function of the promotion: lead, what a reviewer
 * must notice, the change table, what changes in the cluster, trust, images, render proof,
 * rolling back, and the marker. A new section is one more line here.
 */
export function bodySections(content: PromotionContent): Section[] {
  const links = linksOf(content)
  const changes = content.result.files.flatMap(f => f.changes)
  const rows = changes.map(c => tableRow(c, content, links))
  const images = content.images.map(i => imageDetails(i, content, links))
  const renders = content.result.renders.map(
    r => `- ${r.ok ? '✅' : '❌'} ${code(r.target)}: ${itemWithSublist(r.message)}`
  )
  const cluster = renderedDiff(content.result.renders)
  const more = moreLink(content, links)
  return [
    fixedSection('lead', lead(content, changes, links)),
    fixedSection('notice', noticeSection(content, cluster)),
    {
      name: 'changes',
      size: rows.length,
      render: shown => tableSection(rows, shown).join('\n\n')
    },
    fixedSection('code', codeChangesSection(content.codeChanges ?? [])),
    clusterSection(cluster, more),
    fixedSection('trust', trustSection(content)),
    {
      name: 'images',
      size: images.length,
      render: shown =>
        images.length > 0
          ? ['### Images', ...listSection(images, shown, 'image', '\n\n')].join('\n\n')
          : ''
    },
    {
      name: 'render proof',
      size: renders.length,
      render: shown =>
        [
          '### Render proof',
          ...(renders.length > 0
            ? listSection(renders, shown, 'render result', '\n')
            : [`Not run: ${escapeText(renderSkipped(content))}.`])
        ].join('\n\n')
    },
    fixedSection('rolling back', ['### Rolling back', rollback(content)].join('\n\n')),
    fixedSection('marker', `${pinsMarker(content.images)}\n${promotionMarker(content.environment)}`)
  ]
}

/** Where a reader sees what a cut section left out: the workflow run, else the compare view. */
function moreLink(content: PromotionContent, links: Links): string {
  if (links.run) return `[the workflow run](${destination(links.run)})`
  const head = content.headSha
  if (links.config && head && /^[0-9a-f]{7,64}$/i.test(head)) {
    const compare = `${links.config}/compare/${urlPath(content.baseBranch)}...${head}`
    return `[the compare view](${destination(compare)})`
  }
  return "the pull request's Files changed"
}

/**
 * What a reviewer must not miss, at the top: a render that changes more than image fields, and
 * a downgrade. Empty when there is nothing of the kind.
 */
function noticeSection(content: PromotionContent, cluster: RenderedDiff): string {
  const lines: string[] = []
  if (cluster.beyondImages.length > 0) {
    const targets = [...new Set(cluster.beyondImages.map(b => b.target))]
    lines.push(
      `**The render changes more than image fields**: ${count(cluster.beyondImages.length, 'line')} in ${targets.map(t => code(t)).join(', ')}, for example ${code(cluster.beyondImages[0]!.line)}. See What changes in the cluster.`
    )
  }
  for (const warning of content.result.warnings ?? [])
    lines.push(`**Downgrade**: ${escapeText(warning)}`)
  if (lines.length === 0) return ''
  return ['> [!WARNING]', ...lines.map(line => `> ${line}`)].join('\n>\n')
}

/** The rendered diff, folded; its lines are the part cut to fit. */
function clusterSection(cluster: RenderedDiff, more: string): Section {
  const { lines } = cluster
  return {
    name: 'cluster',
    size: lines.length,
    render: shown => {
      if (lines.length === 0) return ''
      const kept = lines.slice(0, shown)
      const longest = Math.max(
        2,
        ...kept.map(l => (l.match(/`+/g) ?? []).reduce((m, r) => Math.max(m, r.length), 0))
      )
      const fence = '`'.repeat(longest + 1)
      const what =
        cluster.beyondImages.length === 0
          ? 'Only image fields change in what Argo CD applies.'
          : `Beyond image fields, ${count(cluster.beyondImages.length, 'rendered line')} change${cluster.beyondImages.length === 1 ? 's' : ''}: read the diff.`
      const left =
        shown < lines.length
          ? [
              `_${count(lines.length - shown, 'more diff line')} left out to stay within GitHub's pull request body limit; see ${more}._`
            ]
          : []
      return [
        '### What changes in the cluster',
        what,
        [
          '<details>',
          '<summary>Rendered manifests, before → after</summary>',
          '',
          `${fence}diff`,
          ...kept,
          fence,
          '',
          '</details>'
        ].join('\n'),
        ...left
      ].join('\n\n')
    }
  }
}

/** Signatures, provenance and ECR tag mutability, per image; empty when no gate said anything. */
function trustSection(content: PromotionContent): string {
  const lines = content.images.flatMap(image => {
    const name = code(nameAndTag(image))
    const out: string[] = []
    if (image.signature) out.push(`- ${name}: signature ${signatureWords(image.signature, code)}`)
    if (image.provenance) {
      out.push(`- ${name}: provenance ${provenanceWords(image.provenance, code)}`)
    }
    const immutability = image.tagImmutability
    if (immutability) {
      const verdict =
        immutability.immutable === undefined
          ? 'unknown'
          : immutability.immutable
            ? 'immutable'
            : '**mutable**'
      out.push(`- ${name}: tag immutability (ECR) ${verdict}, ${escapeText(immutability.reason)}`)
    }
    return out
  })
  if (lines.length === 0) return ''
  return ['### Trust', lines.join('\n')].join('\n\n')
}

/** The hidden comment that marks a promote-image pull request for an environment. */
export function promotionMarker(environment: string | undefined): string {
  // Encoded, so an environment name can never close the comment (`-->`).
  return `${MARKER_PREFIX}${encodeURIComponent(environment ?? '')} -->`
}

/** The marker of a pull request body: the environment it promotes ('' for none), or undefined. */
export function readPromotionMarker(body: string): { environment: string } | undefined {
  const at = body.lastIndexOf(MARKER_PREFIX)
  if (at === -1) return undefined
  const match = /^(\S*) -->/.exec(body.slice(at + MARKER_PREFIX.length))
  if (!match) return undefined
  try {
    return { environment: decodeURIComponent(match[1]!) }
  } catch {
    return undefined
  }
}

// ---- commit message ------------------------------------------------------

function subject(content: PromotionContent): string {
  const prefix = content.environment ? `promote(${oneLine(content.environment)}): ` : 'promote: '
  const images = content.images
  if (images.length === 0) return `${prefix}no images`
  const full = prefix + images.map(i => `${nameAndTag(i)} (${shortDigest(i.digest)})`).join(', ')
  // One image keeps its digest however long the line: it is what the commit is about.
  if (images.length === 1 || full.length <= SUBJECT_LIMIT) return full
  const count = `${prefix}${images.length} images`
  for (let listed = images.length; listed > 0; listed--) {
    const names = images.slice(0, listed).map(nameAndTag)
    if (listed < images.length) names.push(`+${images.length - listed} more`)
    const candidate = `${count} (${names.join(', ')})`
    if (candidate.length <= SUBJECT_LIMIT) return candidate
  }
  return count
}

function commitChangeLine(c: ImageValueChange): string {
  return `- ${oneLine(`${c.file}:${c.line} ${c.path}: ${c.old ?? '(none)'} → ${c.new ?? '(removed)'}`)}`
}

function nameAndTag(image: ResolvedImage): string {
  const tag = image.reference.tag
  return tag === undefined ? nameOf(image) : `${nameOf(image)} ${oneLine(tag)}`
}

// ---- pull request body ---------------------------------------------------

/** Link targets, each undefined when its parts are unknown or not safe to link. */
interface Links {
  readonly config?: string
  readonly commit?: string
  readonly run?: string
}

function linksOf(content: PromotionContent): Links {
  const { repository, sha, runUrl } = content.source
  // https://github.com, without a trailing slash; undefined when not an http(s) URL.
  const server = httpUrl(content.source.serverUrl ?? DEFAULT_SERVER_URL)?.replace(/\/+$/, '')
  const config =
    server && content.configRepository && isRepository(content.configRepository)
      ? `${server}/${content.configRepository}`
      : undefined
  const commit =
    server && repository && isRepository(repository) && sha && /^[0-9a-f]{7,64}$/i.test(sha)
      ? `${server}/${repository}/commit/${sha}`
      : undefined
  return { config, commit, run: runUrl ? httpUrl(runUrl) : undefined }
}

function lead(
  content: PromotionContent,
  changes: readonly ImageValueChange[],
  links: Links
): string {
  const where = content.environment ? ` in ${code(content.environment)}` : ''
  const digests = content.images.every(i => i.pin === 'digest')
  const how = digests ? 'by tag and digest' : 'by immutable tag'
  const from = content.fromEnvironment
    ? ` — the exact builds that run in ${code(content.fromEnvironment)} —`
    : ''
  const pins = `Pins ${count(content.images.length, 'image')}${where}${from} ${how}`
  const base = code(content.baseBranch)
  if (changes.length === 0) {
    return `${pins}: nothing to change, every target already pins ${content.images.length === 1 ? 'it' : 'them'} on ${base}.`
  }
  const files = count(new Set(changes.map(c => c.file)).size, 'file')
  const repository = content.configRepository
    ? ` of ${links.config ? `[${code(content.configRepository)}](${destination(links.config)})` : code(content.configRepository)}`
    : ''
  const what = `${count(changes.length, 'value')} in ${files}${repository}`
  return content.mode === 'pull-request'
    ? `${pins}: ${what}, base ${base}. Merging this pull request changes what Argo CD deploys.`
    : `${pins}: ${what}, pushed to ${base}. Argo CD deploys the change on its next sync.`
}

function tableSection(rows: readonly string[], shown: number): string[] {
  if (rows.length === 0) return []
  const table = [
    '| Image | Environment | File | Old | New |',
    '| --- | --- | --- | --- | --- |',
    ...rows.slice(0, shown)
  ].join('\n')
  if (shown >= rows.length) return [table]
  const left = rows.length - shown
  return [
    ...(shown > 0 ? [table] : []),
    `_${count(left, 'more row')} left out (${number(shown)} of ${number(rows.length)} shown): GitHub limits a pull request body to ${number(PULL_REQUEST_BODY_LIMIT)} characters; Files changed shows every change._`
  ]
}

function listSection(
  items: readonly string[],
  shown: number,
  noun: string,
  separator: string
): string[] {
  const list = items.slice(0, shown)
  if (shown < items.length) {
    list.push(
      `_${count(items.length - shown, `more ${noun}`)} left out to stay within GitHub's pull request body limit._`
    )
  }
  return [list.join(separator)]
}

function tableRow(c: ImageValueChange, content: PromotionContent, links: Links): string {
  const environment = c.environment ?? content.environment
  const place = code(`${c.file}:${c.line}`, true)
  const head = content.headSha
  const ref = head && /^[0-9a-f]{7,64}$/i.test(head) ? head : urlPath(content.baseBranch)
  const file = links.config
    ? `[${place}](${destination(`${links.config}/blob/${ref}/${urlPath(c.file)}#L${c.line}`)})`
    : place
  const cells = [
    code(c.image, true),
    environment ? escapeText(environment) : '—',
    file,
    c.old === undefined ? '_(none)_' : code(c.old, true),
    c.new === undefined ? '_(removed)_' : code(c.new, true)
  ]
  return `| ${cells.join(' | ')} |`
}

function imageDetails(image: ResolvedImage, content: PromotionContent, links: Links): string {
  const { repository, sha, actor } = content.source
  const kind =
    image.kind === 'index'
      ? `image index${image.platforms && image.platforms.length > 0 ? ` (${escapeText(image.platforms.join(', '))})` : ''}`
      : 'single manifest'
  const pinned = image.pin === 'digest' ? '' : ' (tag only: pin is `tag`)'
  const commit = links.commit
    ? `[${code(`${repository}@${sha!.slice(0, 7)}`)}](${destination(links.commit)})`
    : sha
      ? `${code(sha)}${repository ? ` in ${code(repository)}` : ''}`
      : 'unknown'
  const run = links.run ? `[${runLabel(links.run)}](${destination(links.run)})` : 'unknown'
  const lines = [
    `- Digest: ${code(image.digest)}`,
    `- Kind: ${kind}, ${code(image.mediaType)}`,
    `- Pinned reference: ${code(image.pinned)}${pinned}`,
    ...(image.promotedFrom
      ? [
          `- Runs in ${code(image.promotedFrom.environment)}${image.promotedFrom.since ? ` since ${code(image.promotedFrom.since)}` : ''}, pinned at ${code(`${image.promotedFrom.file}:${image.promotedFrom.line}`)}`
        ]
      : []),
    `- Source commit: ${commit}`,
    `- Workflow run: ${run}${actor ? `, triggered by ${code(actor)}` : ''}`
  ]
  const summary = `${nameAndTag(image)} (${shortDigest(image.digest)})`
  // An HTML block ends at a blank line: the list between them is markdown again.
  return [
    '<details>',
    `<summary>${escapeHtml(summary)}</summary>`,
    '',
    ...lines,
    '',
    '</details>'
  ].join('\n')
}

function renderSkipped(content: PromotionContent): string {
  if (content.renderNote) return content.renderNote
  if (content.result.files.length === 0) return 'nothing changed'
  return 'verify-render is false, no Kustomize renderer was found on the runner, or no target is a Kustomize overlay'
}

function rollback(content: PromotionContent): string {
  const what = content.images.every(i => i.pin === 'digest') ? 'digest' : 'tag'
  const how =
    content.mode === 'pull-request'
      ? "`git revert <sha>` once merged, or GitHub's Revert button"
      : '`git revert <sha>`'
  return `Revert this commit (${how}); Argo CD then syncs the previous ${what}. A rollback is a revert, not a re-promotion of an older tag.`
}

function runLabel(url: string): string {
  const match = /\/actions\/runs\/(\d+)(?:\/attempts\/(\d+))?/.exec(url)
  if (!match) return 'workflow run'
  return match[2] ? `run ${match[1]}, attempt ${match[2]}` : `run ${match[1]}`
}

// ---- escapes -------------------------------------------------------------

function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;'
  }
  return oneLine(text).replace(/[&<>"']/g, c => entities[c] ?? c)
}

/** A link destination: parentheses and spaces would end it early. */
function destination(url: string): string {
  return url.replace(
    /[()\s<>]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  )
}

/** Path segments percent-encoded, slashes kept: `a b/c#d` → `a%20b/c%23d`. */
function urlPath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

function httpUrl(text: string): string | undefined {
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
  } catch {
    return undefined
  }
}

function isRepository(text: string): boolean {
  return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(text)
}

function count(n: number, noun: string): string {
  return `${number(n)} ${noun}${n === 1 ? '' : 's'}`
}

function number(n: number): string {
  return n.toLocaleString('en-US')
}
