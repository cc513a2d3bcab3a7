/**
 * The config-repository half of a promotion: edit a checked-out working
 * tree in place (nothing committed), or deliver one promotion per
 * environment through the GitHub API or git.
 */
import type { ResolvedImage } from '../model.js'
import type { ArtifactReader, DigestResolver, OriginReader } from '../registry/index.js'
import { fsTreeReader } from '../repo/index.js'
import { codeChangeReader, type CodeChangeReader } from './code-changes.js'
import { configRepositoryOf } from './destination.js'
import { editConfigRepo } from './edit.js'
import { promoteEnvironments, type EnvironmentRun } from './environments.js'
import { attestationContextOf } from './attestations.js'
import { imagesFor } from './images.js'
import type { Destination, EnvironmentEdit, Ports, PromotionPlan } from './plan.js'

export async function writeConfigRepository(
  plan: PromotionPlan,
  destination: Destination,
  resolved: readonly ResolvedImage[],
  resolver: DigestResolver & ArtifactReader & OriginReader,
  ports: Ports
): Promise<{ edits: EnvironmentEdit[]; runs: EnvironmentRun[] }> {
  const codeChanges = codeChangeReader(resolver, ports)
  if (destination.kind === 'workspace') {
    const edits = await editWorkspace(plan, destination.root, resolved, resolver, ports)
    return { edits: await withCodeChanges(edits, codeChanges), runs: [] }
  }
  const runs = await promoteEnvironments(plan, resolved, {
    ...configRepositoryOf(destination, ports),
    method: destination.kind === 'github' ? destination.method : 'git',
    resolver,
    codeChanges,
    ports
  })
  const edits = runs.map(r => ({
    environment: r.environment,
    result: r.result.edit,
    images: r.result.images
  }))
  return { edits: await withCodeChanges(edits, codeChanges), runs }
}

/** Each environment's code changes (a pull request body has read them already: cached). */
async function withCodeChanges(
  edits: readonly EnvironmentEdit[],
  read: CodeChangeReader
): Promise<EnvironmentEdit[]> {
  return Promise.all(edits.map(async e => ({ ...e, codeChanges: await read(e.images, e.result) })))
}

/** Edits the working tree in place, environment by environment; commits nothing. */
async function editWorkspace(
  plan: PromotionPlan,
  root: string,
  resolved: readonly ResolvedImage[],
  resolver: DigestResolver & ArtifactReader,
  ports: Ports
): Promise<EnvironmentEdit[]> {
  const environments = plan.environments.length > 0 ? plan.environments : [undefined]
  const edits: EnvironmentEdit[] = []
  for (const environment of environments) {
    const images = await imagesFor(
      {
        source: plan.images,
        resolved,
        reader: fsTreeReader(root),
        configFile: plan.configFile,
        environment,
        inlineTargets: plan.targets.length > 0,
        policy: plan.policy,
        signatures: plan.signatures,
        attestations: plan.attestations,
        attestationContext: attestationContextOf(ports),
        names: ports.names
      },
      resolver,
      ports.logger
    )
    const result = await ports.group(`Edit ${environment ?? 'targets'}`, () =>
      editConfigRepo(
        {
          repoRoot: root,
          environment,
          targets: plan.targets,
          configFile: plan.configFile,
          images,
          verifyRender: plan.verifyRender,
          dryRun: plan.dryRun,
          allowDowngrade: plan.allowDowngrade,
          env: ports.env,
          names: ports.names
        },
        ports.logger
      )
    )
    edits.push({ environment, result, images })
  }
  return edits
}
