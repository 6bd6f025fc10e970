// `isawatt certs`: a small PKI for a lab (docs/security.md) made with the openssl CLI: a CA, the
// coordinator's server certificate (its DNS names and IPs as SANs), one client certificate per
// agent (CN = host id, role agent) and per operator (role operator), the gateway's client
// certificate (role gateway: it calls agents' /invoke), and server certificates for agents' HTTPS
// endpoints (the address the gateway dials as SAN). Roles are carried both as a SAN URI
// (urn:isawatt:role:<role>) and as the subject OU, which the listeners read (common cert-roles.ts).
// Keys are EC P-256, written 0600; existing files are never overwritten (the CA is reused when
// present, so agents can be added later).
import { execFile } from 'node:child_process';
import { access, chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { EXIT, ExitError } from '@isawatt/common';
import { HOST_ID_PATTERN } from '../../store/state-store.js';
import { ROLE_URI_PREFIX, type CertRole } from '@isawatt/common';
import type { CliContext } from '../context.js';

const run = promisify(execFile);

interface CertsFlags {
  out: string;
  coordinatorName: string[];
  agent: string[];
  operator: string[];
  gateway?: boolean;
  agentEndpoint: string[];
  days: string;
}

/** `--agent-endpoint HOST-ID=NAME[,NAME...]`, one host per occurrence (the names are comma-separated). */
function collectEndpoint(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const DNS_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;

function checkNames(names: readonly string[], flag: string): void {
  if (names.length === 0) throw new ExitError(EXIT.BAD_INPUT, `${flag}: expected at least one DNS name or IP address`);
  for (const n of names) {
    if (isIP(n) === 0 && !DNS_NAME.test(n)) throw new ExitError(EXIT.BAD_INPUT, `${flag}: "${n}" is neither an IP address nor a DNS name`);
  }
}

function sanOf(names: readonly string[]): string {
  return names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
}

function serverExt(names: readonly string[]): string {
  return `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${sanOf(names)}\n`;
}

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function openssl(dir: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new ExitError(EXIT.FAILURE, 'certs: the openssl command is not installed (Debian: apt-get install openssl)');
    throw new ExitError(EXIT.FAILURE, `certs: openssl ${args[0]} failed: ${(e.stderr ?? e.message).trim().split('\n')[0]}`);
  }
}

/** One key + certificate signed by the CA; `ext` is the x509v3 extension text. */
async function issue(dir: string, name: string, subject: string, ext: string, days: number): Promise<boolean> {
  if (await exists(join(dir, `${name}.pem`))) return false;
  await openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  await writeFile(join(dir, `${name}.ext`), ext);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca-key.pem',
    '-CAcreateserial',
    '-out',
    `${name}.pem`,
    '-days',
    String(days),
    '-extfile',
    `${name}.ext`,
  ]);
  await chmod(join(dir, `${name}-key.pem`), 0o600);
  await rm(join(dir, `${name}.csr`), { force: true });
  await rm(join(dir, `${name}.ext`), { force: true });
  return true;
}

function clientExt(role: CertRole): string {
  return `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=URI:${ROLE_URI_PREFIX}${role}\n`;
}

export function registerCerts(program: Command, ctx: CliContext): void {
  program
    .command('certs')
    .description('make a lab PKI with openssl: a CA, the coordinator and agent endpoint certificates, agent, operator and gateway client certificates')
    .requiredOption('--out <dir>', 'directory for the files (created 0700; existing files are kept)')
    .option('--coordinator-name <names>', 'DNS names or IPs agents and operators use to reach the coordinator (repeatable, comma-separated)', collect, [])
    .option('--agent <host-ids>', 'agent certificates, CN = host id (repeatable, comma-separated)', collect, [])
    .option('--operator <names>', 'operator certificates for the CLI (repeatable, comma-separated)', collect, [])
    .option('--gateway', "the gateway's client certificate (role gateway): what the coordinator presents to agents' HTTPS /invoke")
    .option(
      '--agent-endpoint <host-id=names>',
      "server certificate of an agent's HTTPS endpoint (http.tls), naming the address the gateway dials: HOST-ID=NAME[,NAME...] (repeatable, one host each)",
      collectEndpoint,
      [],
    )
    .option('--days <n>', 'validity of new certificates in days', '825')
    .action(async (flags: CertsFlags) => {
      const days = Number(flags.days);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new ExitError(EXIT.BAD_INPUT, `--days: expected 1..3650, got "${flags.days}"`);
      for (const id of [...flags.agent, ...flags.operator]) {
        if (!HOST_ID_PATTERN.test(id)) throw new ExitError(EXIT.BAD_INPUT, `"${id}": expected 1-128 characters [A-Za-z0-9._-] starting with a letter or digit`);
      }
      if (flags.coordinatorName.length > 0) checkNames(flags.coordinatorName, '--coordinator-name');
      const endpoints = flags.agentEndpoint.map((spec) => {
        const eq = spec.indexOf('=');
        const id = eq < 0 ? '' : spec.slice(0, eq);
        if (!HOST_ID_PATTERN.test(id))
          throw new ExitError(EXIT.BAD_INPUT, `--agent-endpoint: expected HOST-ID=NAME[,NAME...] with a host id of [A-Za-z0-9._-], got "${spec}"`);
        const names = spec
          .slice(eq + 1)
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n !== '');
        checkNames(names, `--agent-endpoint ${id}`);
        return { id, names };
      });
      const dir = flags.out;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const made: string[] = [];
      if (!(await exists(join(dir, 'ca.pem')))) {
        await openssl(dir, [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          'ca-key.pem',
          '-out',
          'ca.pem',
          '-days',
          String(days),
          '-subj',
          '/CN=isawatt-lab-ca',
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          'keyUsage=critical,keyCertSign,cRLSign',
        ]);
        await chmod(join(dir, 'ca-key.pem'), 0o600);
        made.push('ca.pem');
      }
      const names = flags.coordinatorName.length > 0 ? flags.coordinatorName : ['localhost', '127.0.0.1'];
      if (await issue(dir, 'coordinator', '/CN=isawatt-coordinator', serverExt(names), days)) made.push('coordinator.pem');
      for (const id of flags.agent) if (await issue(dir, `agent-${id}`, `/OU=agent/CN=${id}`, clientExt('agent'), days)) made.push(`agent-${id}.pem`);
      for (const id of flags.operator)
        if (await issue(dir, `operator-${id}`, `/OU=operator/CN=${id}`, clientExt('operator'), days)) made.push(`operator-${id}.pem`);
      if (flags.gateway && (await issue(dir, 'gateway', '/OU=gateway/CN=isawatt-gateway', clientExt('gateway'), days))) made.push('gateway.pem');
      for (const e of endpoints) if (await issue(dir, `endpoint-${e.id}`, `/CN=${e.id}`, serverExt(e.names), days)) made.push(`endpoint-${e.id}.pem`);
      ctx.io.stdout(
        made.length > 0
          ? `made in ${dir}: ${made.join(', ')} (keys: *-key.pem, mode 0600; keep ca-key.pem offline)\n`
          : `nothing to do: every file already exists in ${dir}\n`,
      );
    });
}
