#!/usr/bin/env node
import { I as InputError, P as PromoteError, d as describeError } from './chunks/errors.js';
import { l as list, c as checkMutableTagPattern, D as DEFAULT_MUTABLE_TAGS, a as compileAllowTags, b as createResolver, r as resolveImages, i as imagesOutput } from './chunks/inputs.js';
import { parseArgs } from 'node:util';
import 'node:child_process';
import 'node:fs/promises';
import 'node:os';
import 'node:path';
import 'node:crypto';

/** Flags every command that resolves images shares. */
const COMMON_OPTIONS = {
    'insecure-registry': { type: 'string', multiple: true },
    'mutable-tags': { type: 'string' },
    'allow-tags': { type: 'string' },
    pin: { type: 'string' },
    'registry-username': { type: 'string' },
    'password-stdin': { type: 'boolean' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' }
};
/** node:util parseArgs, with its errors turned into usage errors. */
function parseCommandArgs(command, args, options) {
    try {
        return parseArgs({ args, options, allowPositionals: true, strict: true });
    }
    catch (error) {
        throw new InputError(`${command}: ${error.message}`, {
            hint: `Run promote-image ${command} --help for the flags it takes.`
        });
    }
}
function tagPolicyFrom(values) {
    const patterns = list(values['mutable-tags']).map(p => checkMutableTagPattern(p, '--mutable-tags'));
    return {
        mutableTags: patterns.length > 0 ? patterns : DEFAULT_MUTABLE_TAGS,
        allowTags: values['allow-tags'] === undefined
            ? undefined
            : compileAllowTags(values['allow-tags'], '--allow-tags')
    };
}
function pinFrom(value) {
    if (value === undefined || value === 'digest' || value === 'tag')
        return value ?? 'digest';
    throw new InputError(`--pin must be digest or tag; got ${JSON.stringify(value)}.`, {
        hint: 'digest writes name:tag@sha256:…; tag writes the verified name:tag only.'
    });
}

const RESOLVE_USAGE = `Usage: promote-image resolve IMAGE... [options]

Resolves each image's tag to its digest in the registry and prints one pinned
reference per line (name:tag@sha256:…). Refuses mutable tags before any
registry request; exits 1 when an image is refused or missing.

Options:
  --digest D                 the digest the build produced; every image must resolve to it
  --json                     print a JSON array (image, tag, digest, ref, …) instead
  --pin digest|tag           what to print: tag + digest (default) or the verified tag only
  --mutable-tags P,P         tag patterns to refuse (default: ${['latest', 'main', 'master', '…'].join(', ')})
  --allow-tags REGEX         every tag must match this regular expression
  --insecure-registry HOST   reach HOST over plain HTTP (repeatable; loopback always is)
  --require-immutable-repository
                             ECR: fail, not warn, when the repository lets the tag be overwritten
  --registry-username U      with --password-stdin or PROMOTE_IMAGE_REGISTRY_PASSWORD
  --password-stdin           read the registry password from standard input
  -v, --verbose              log every registry request decision to stderr
`;
async function resolveCommand(args, context) {
    const { values, positionals } = parseCommandArgs('resolve', args, {
        ...COMMON_OPTIONS,
        digest: { type: 'string' },
        'require-immutable-repository': { type: 'boolean' }
    });
    if (values.help) {
        context.stdout(RESOLVE_USAGE);
        return 0;
    }
    if (positionals.length === 0) {
        throw new InputError('resolve: no IMAGE given.', {
            hint: 'Example: promote-image resolve ghcr.io/acme/api:v1.4.2'
        });
    }
    const credentials = await credentialsFrom(values, context);
    const resolver = createResolver({
        logger: context.logger,
        insecureRegistries: values['insecure-registry'] ?? [],
        credentials,
        env: context.env
    });
    const images = await resolveImages({
        images: positionals,
        buildDigest: values.digest,
        policy: tagPolicyFrom(values),
        pin: pinFrom(values.pin),
        explicitCredentials: credentials !== undefined,
        requireImmutableRepository: values['require-immutable-repository']
    }, resolver, context.logger);
    if (values.json) {
        const detailed = imagesOutput(images).map((out, i) => ({
            ...out,
            mediaType: images[i].mediaType,
            kind: images[i].kind,
            platforms: images[i].platforms ?? null
        }));
        context.stdout(`${JSON.stringify(detailed, null, 2)}\n`);
    }
    else {
        context.stdout(images.map(i => `${i.pinned}\n`).join(''));
    }
    return 0;
}
/** Passwords never come from argv, where `ps` and shell history would show them. */
async function credentialsFrom(values, context) {
    const username = values['registry-username'];
    if (username === undefined) {
        if (values['password-stdin']) {
            throw new InputError('--password-stdin needs --registry-username.');
        }
        return undefined;
    }
    const password = values['password-stdin']
        ? (await context.readStdin()).replace(/\r?\n$/, '')
        : context.env.PROMOTE_IMAGE_REGISTRY_PASSWORD;
    if (!password) {
        throw new InputError('--registry-username needs a password.', {
            hint: 'Pipe it with --password-stdin, or set PROMOTE_IMAGE_REGISTRY_PASSWORD.'
        });
    }
    return { username, password };
}

const USAGE = `Usage: promote-image <command> [options]

Commands:
  resolve IMAGE...   resolve tags to digests and print pinned references

Run promote-image <command> --help for a command's options.
`;
const COMMANDS = {
    resolve: resolveCommand
};
/** Exit codes: 0 done, 1 refused or failed, 2 usage error. */
async function main(argv, overrides = {}) {
    const verbose = argv.includes('--verbose') || argv.includes('-v') || !!process.env.PROMOTE_IMAGE_DEBUG;
    const context = {
        logger: stderrLogger(verbose),
        stdout: text => process.stdout.write(text),
        readStdin,
        env: process.env,
        ...overrides
    };
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
        context.stdout(command === undefined ? USAGE : `${USAGE}\n${RESOLVE_USAGE}`);
        return command === undefined ? 2 : 0;
    }
    const handler = COMMANDS[command];
    try {
        if (!handler) {
            throw new InputError(`Unknown command ${JSON.stringify(command)}.`, {
                hint: `Commands: ${Object.keys(COMMANDS).join(', ')}. Run promote-image --help.`
            });
        }
        return await handler(rest, context);
    }
    catch (error) {
        if (error instanceof PromoteError) {
            process.stderr.write(`promote-image: ${error.describe()}\n`);
            return error instanceof InputError ? 2 : 1;
        }
        process.stderr.write(`promote-image: unexpected error (please report it): ${describeError(error)}\n`);
        return 1;
    }
}
function stderrLogger(verbose) {
    return {
        debug: message => {
            if (verbose)
                process.stderr.write(`debug: ${message}\n`);
        },
        info: message => process.stderr.write(`${message}\n`),
        warning: message => process.stderr.write(`warning: ${message}\n`)
    };
}
async function readStdin() {
    const chunks = [];
    for await (const chunk of process.stdin)
        chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
}

/**
 * The CLI entry point: `promote-image <command> …`, the same engine as the action.
 */
/* istanbul ignore next */
process.exitCode = await main(process.argv.slice(2));
//# sourceMappingURL=cli.js.map
