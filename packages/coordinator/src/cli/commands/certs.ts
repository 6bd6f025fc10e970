// `isawatt certs`: a small PKI for a lab (docs/security.md) made with the openssl CLI: a CA, the
// coordinator's server certificate (its DNS names and IPs as SANs), one client certificate per
// agent (CN = host id, role agent) and per operator (role operator). Roles are carried both as a
// SAN URI (urn:isawatt:role:<role>) and as the subject OU, which the coordinator reads (auth.ts).
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
import { ROLE_URI_PREFIX } from '../../server/auth.js';
import type { CliContext } from '../context.js';

const run = promisify(execFile);

interface CertsFlags {
  out: string;
  coordinatorName: string[];
  agent: string[];
  operator: string[];
  days: string;
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

function clientExt(role: 'agent' | 'operator'): string {
  return `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=URI:${ROLE_URI_PREFIX}${role}\n`;
}

export function registerCerts(program: Command, ctx: CliContext): void {
  program
    .command('certs')
    .description('make a lab PKI with openssl: a CA, the coordinator certificate, agent and operator client certificates')
    .requiredOption('--out <dir>', 'directory for the files (created 0700; existing files are kept)')
    .option('--coordinator-name <names>', 'DNS names or IPs agents and operators use to reach the coordinator (repeatable, comma-separated)', collect, [])
    .option('--agent <host-ids>', 'agent certificates, CN = host id (repeatable, comma-separated)', collect, [])
    .option('--operator <names>', 'operator certificates for the CLI (repeatable, comma-separated)', collect, [])
    .option('--days <n>', 'validity of new certificates in days', '825')
    .action(async (flags: CertsFlags) => {
      const days = Number(flags.days);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new ExitError(EXIT.BAD_INPUT, `--days: expected 1..3650, got "${flags.days}"`);
      for (const id of [...flags.agent, ...flags.operator]) {
        if (!HOST_ID_PATTERN.test(id)) throw new ExitError(EXIT.BAD_INPUT, `"${id}": expected 1-128 characters [A-Za-z0-9._-] starting with a letter or digit`);
      }
      for (const n of flags.coordinatorName) {
        if (isIP(n) === 0 && !/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/.test(n)) {
          throw new ExitError(EXIT.BAD_INPUT, `--coordinator-name: "${n}" is neither an IP address nor a DNS name`);
        }
      }
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
      const san = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
      if (
        await issue(
          dir,
          'coordinator',
          '/CN=isawatt-coordinator',
          `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`,
          days,
        )
      )
        made.push('coordinator.pem');
      for (const id of flags.agent) if (await issue(dir, `agent-${id}`, `/OU=agent/CN=${id}`, clientExt('agent'), days)) made.push(`agent-${id}.pem`);
      for (const id of flags.operator)
        if (await issue(dir, `operator-${id}`, `/OU=operator/CN=${id}`, clientExt('operator'), days)) made.push(`operator-${id}.pem`);
      ctx.io.stdout(
        made.length > 0
          ? `made in ${dir}: ${made.join(', ')} (keys: *-key.pem, mode 0600; keep ca-key.pem offline)\n`
          : `nothing to do: every file already exists in ${dir}\n`,
      );
    });
}
