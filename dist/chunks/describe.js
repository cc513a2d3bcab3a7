import { R as RegistryError } from './errors.js';
import { D as DescribeImagesCommand, E as ECRClient, a as DescribeRepositoriesCommand } from './aws-sdk.js';
import 'node:crypto';
import 'node:stream';
import 'node:https';
import 'node:http2';
import 'node:fs';
import 'node:zlib';
import 'node:http';
import 'node:fs/promises';
import 'node:child_process';
import 'node:util';
import 'node:path';
import 'node:os';
import 'node:process';

/**
 * Amazon ECR through @aws-sdk/client-ecr. This module is the only one that
 * imports the SDK, and the resolver loads it with a dynamic import, so the
 * SDK (its own bundle chunk) is only read when an ECR image is promoted.
 */
const INDEX_TYPES = new Set([
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json'
]);
/**
 * A whole-call deadline for each ECR API call, retries included (src/http/deadline.ts). The SDK
 * sets none by default, and its `requestTimeout` is a socket idle timeout that a server
 * dripping bytes never trips (@smithy/types HttpHandlerOptions, requestTimeout); an abortSignal
 * passed to send() aborts the request at any stage (@smithy/node-http-handler, abortSignal).
 */
const ECR_CALL_TIMEOUT_MS = 60_000;
/** One SDK client per region and endpoint flavor; credentials from the default chain. */
class EcrDescriber {
    logger;
    callTimeoutMs;
    clients = new Map();
    mutability = new Map();
    constructor(logger, callTimeoutMs = ECR_CALL_TIMEOUT_MS) {
        this.logger = logger;
        this.callTimeoutMs = callTimeoutMs;
    }
    deadline() {
        return { abortSignal: AbortSignal.timeout(this.callTimeoutMs) };
    }
    async resolve(target) {
        const { registry } = target;
        const client = this.client(registry);
        // The tag wins, as for OCI registries: for name:tag@digest the engine
        // checks that the tag still points at the digest.
        const imageId = target.tag
            ? { imageTag: target.tag }
            : { imageDigest: target.digest };
        const settings = this.tagMutability(client, target);
        let details;
        try {
            const answer = await client.send(new DescribeImagesCommand({
                registryId: registry.accountId,
                repositoryName: target.repository,
                imageIds: [imageId]
            }), this.deadline());
            details = answer.imageDetails?.[0];
        }
        catch (error) {
            throw explain(error, target, 'ecr:DescribeImages', this.callTimeoutMs);
        }
        if (!details?.imageDigest)
            throw notFound(target);
        const mediaType = details.imageManifestMediaType ?? '';
        return {
            digest: details.imageDigest,
            mediaType,
            kind: INDEX_TYPES.has(mediaType) ? 'index' : 'manifest',
            size: details.imageSizeInBytes,
            registry: registry.host,
            tagMutability: await settings
        };
    }
    client(registry) {
        const key = `${registry.region}/${registry.fips}`;
        let client = this.clients.get(key);
        if (!client) {
            // AWS_ENDPOINT_URL_ECR (the SDK's own variable) overrides the endpoint.
            client = new ECRClient({
                region: registry.region,
                useFipsEndpoint: registry.fips,
                maxAttempts: 4,
                customUserAgent: 'promote-image'
            });
            this.clients.set(key, client);
        }
        return client;
    }
    /** DescribeRepositories, once per repository; never fails the run. */
    tagMutability(client, target) {
        const key = `${target.registry.accountId}/${target.registry.region}/${target.repository}`;
        let settings = this.mutability.get(key);
        if (!settings) {
            settings = client
                .send(new DescribeRepositoriesCommand({
                registryId: target.registry.accountId,
                repositoryNames: [target.repository]
            }), this.deadline())
                .then((answer) => {
                const repository = answer.repositories?.[0];
                if (!repository?.imageTagMutability)
                    return { unavailable: 'the repository reports no tag mutability' };
                return {
                    mode: repository.imageTagMutability,
                    exclusionFilters: (repository.imageTagMutabilityExclusionFilters ?? []).flatMap(f => f.filter ? [f.filter] : [])
                };
            }, (error) => {
                const name = error?.name ?? 'error';
                this.logger.debug(`DescribeRepositories for ${target.repository}: ${name}: ${error?.message}`);
                return {
                    unavailable: name === 'AccessDeniedException'
                        ? 'the role lacks ecr:DescribeRepositories'
                        : `DescribeRepositories failed: ${name}`
                };
            });
            this.mutability.set(key, settings);
        }
        return settings;
    }
}
const CREDENTIAL_ERRORS = new Set([
    'ExpiredTokenException',
    'ExpiredToken',
    'UnrecognizedClientException',
    'InvalidSignatureException',
    'InvalidClientTokenId',
    'SignatureDoesNotMatch',
    'IncompleteSignatureException',
    'MissingAuthenticationTokenException',
    'CredentialsProviderError',
    'TokenProviderError'
]);
/** Turns SDK errors into messages that say what to change in the workflow. */
function explain(error, target, action, timeoutMs) {
    const e = error;
    const name = e?.name ?? 'Error';
    const { accountId, region } = target.registry;
    const where = `(account ${accountId}, region ${region})`;
    const options = { subject: target.display, cause: error };
    if (name === 'TimeoutError' || name === 'AbortError') {
        return new RegistryError(`ECR ${where} gave no complete answer to ${action} for ${target.display} within ${timeoutMs / 1000} s (retries, headers and body included).`, {
            ...options,
            hint: 'Check that this runner reaches the ECR API endpoint of the region (ecr.<region>.amazonaws.com, or AWS_ENDPOINT_URL_ECR); re-run the job if the outage was transient.'
        });
    }
    if (name === 'ImageNotFoundException')
        return notFound(target);
    if (name === 'RepositoryNotFoundException') {
        return new RegistryError(`ECR repository ${target.repository} does not exist ${where}, so ${target.display} cannot be pulled: pods would sit in ImagePullBackOff.`, {
            ...options,
            hint: 'Check the repository name and the account and region in the image host; CI must push to the same repository.'
        });
    }
    if (CREDENTIAL_ERRORS.has(name) || /could not load credentials/i.test(e?.message ?? '')) {
        const missing = name === 'CredentialsProviderError' || name === 'TokenProviderError';
        return new RegistryError(missing
            ? `No AWS credentials were found to read ECR ${where} for ${target.display}.`
            : `The AWS credentials used for ECR ${where} are expired or invalid (${name}): ${e?.message ?? ''}`.trim(), {
            ...options,
            hint: 'Before this step, run aws-actions/configure-aws-credentials (role-to-assume, aws-region: ' +
                region +
                ') and give the job `permissions: id-token: write`; credentials from an earlier job or a stored secret expire (ECR sessions last at most 12 hours).'
        });
    }
    if (name === 'AccessDeniedException') {
        return new RegistryError(`The AWS identity may not call ${action} on ECR repository ${target.repository} ${where}.`, {
            ...options,
            hint: `Allow ${action} (and ecr:DescribeRepositories, for the tag-immutability check) on arn:aws:ecr:${region}:${accountId}:repository/${target.repository} in the role's policy.`
        });
    }
    return new RegistryError(`ECR ${where} failed to describe ${target.display}: ${name}: ${e?.message ?? ''}`, {
        ...options,
        hint: 'Re-run the job if the failure is transient.'
    });
}
function notFound(target) {
    const { accountId, region } = target.registry;
    return new RegistryError(`Image ${target.display} does not exist in ECR repository ${target.repository} (account ${accountId}, region ${region}). Pods would sit in ImagePullBackOff.`, {
        subject: target.display,
        hint: 'Check that CI pushed this tag (docker/build-push-action with push: true) to this account and region.'
    });
}

export { ECR_CALL_TIMEOUT_MS, EcrDescriber };
//# sourceMappingURL=describe.js.map
