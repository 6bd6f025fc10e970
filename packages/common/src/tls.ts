// TLS material for gRPC servers and clients. Plaintext is only allowed on loopback unless the
// operator passes --insecure explicitly (see `assertTransportAllowed`).
import type * as Grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ConfigError } from './errors.js';
import { lazyRequire } from './lazy-require.js';

const grpcLib = lazyRequire<typeof Grpc>('@grpc/grpc-js');

export interface TlsFiles {
  /** CA bundle to verify the peer (server: client certs, i.e. mTLS; client: the server cert). */
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError([`${what}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`], 'tls');
  }
}

/** True for 127.0.0.0/8, ::1 and "localhost". */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return false;
}

/**
 * True for an IPv4/IPv6 address or a DNS name (RFC 1123 labels; the last label not all digits, so
 * "999.1.1.1" is neither an address nor a name).
 */
export function isValidHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (isIP(h) !== 0) return true;
  if (host.startsWith('[')) return false;
  if (h.length > 253) return false;
  const labels = h.split('.');
  if (!labels.every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l))) return false;
  return !/^\d+$/.test(labels[labels.length - 1] as string);
}

/** Splits "host:port" (IPv6 in brackets) into its parts; throws on nonsense. */
export function splitHostPort(address: string, what = 'address'): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(address.trim());
  if (!m) throw new ConfigError([`${what}: expected HOST:PORT, got "${address}"`], what);
  const port = Number(m[2]);
  if (port > 65535) throw new ConfigError([`${what}: port ${port} out of range`], what);
  if (!isValidHost(m[1] as string)) throw new ConfigError([`${what}: "${m[1]}" is neither an IP address nor a host name`], what);
  return { host: m[1] as string, port };
}

/** Refuses plaintext on a non-loopback address unless insecure is set. */
export function assertTransportAllowed(address: string, tls: boolean, insecure: boolean, what: string): void {
  if (tls || insecure) return;
  const { host } = splitHostPort(address, what);
  if (!isLoopbackHost(host)) {
    throw new ConfigError(
      [`${what}: plaintext gRPC on non-loopback address ${address} refused; configure TLS (tls.certFile/keyFile) or pass --insecure`],
      what,
    );
  }
}

export function hasServerTls(files: TlsFiles): boolean {
  return Boolean(files.certFile && files.keyFile);
}

/** Server credentials: TLS when cert+key are given; mutual TLS when a CA is given too. */
export function serverCredentials(files: TlsFiles): Grpc.ServerCredentials {
  const grpc = grpcLib();
  if (!hasServerTls(files)) return grpc.ServerCredentials.createInsecure();
  const ca = files.caFile ? read(files.caFile, 'tls.caFile') : null;
  return grpc.ServerCredentials.createSsl(
    ca,
    [{ cert_chain: read(files.certFile as string, 'tls.certFile'), private_key: read(files.keyFile as string, 'tls.keyFile') }],
    ca !== null,
  );
}

/** Client credentials: TLS when a CA is given (plus a client cert for mTLS), else insecure. */
export function clientCredentials(files: TlsFiles): Grpc.ChannelCredentials {
  const grpc = grpcLib();
  if (!files.caFile) return grpc.credentials.createInsecure();
  const key = files.keyFile ? read(files.keyFile, 'tls.keyFile') : null;
  const cert = files.certFile ? read(files.certFile, 'tls.certFile') : null;
  return grpc.credentials.createSsl(read(files.caFile, 'tls.caFile'), key, cert);
}
