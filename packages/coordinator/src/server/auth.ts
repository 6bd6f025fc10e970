// Who may call what (docs/security.md). Every gRPC call is authorised here before its handler runs:
//   - AgentLink.Attach needs the `agent` role, and under mutual TLS the Hello's host_id must equal
//     the certificate CN (checked in agent-link-service);
//   - every Control call needs the `operator` role;
//   - grpc.health.v1.Health needs an authenticated caller of any role.
// Where a caller's role comes from depends on the listener it arrived on:
//   - `mtls`: the client certificate. Role `agent`, `operator` or `gateway` from a SAN URI
//     `urn:isawatt:role:<role>` (preferred) or, failing that, the subject OU; a certificate
//     with neither, or with two roles, has no role and is refused. (A `gateway` certificate is
//     for agents' /invoke endpoints: here it reaches Health only.)
//   - `unix`: the Control socket. Whoever the socket's file mode and owner let connect is an
//     operator (as with containerd and Docker); agents never attach over it.
//   - `insecure`: plaintext TCP (or TLS without client certificates) started with --insecure.
//     Nobody is authenticated, so every caller has every role: for the demo and tests only.
import * as grpc from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import { CERT_ROLES, commonNameOf, rolesOfCertificate, ROLE_URI_PREFIX, type CertRole } from '@isawatt/common';
import { PermissionError, toStatus } from './to-status.js';

/** Roles come from @isawatt/common (cert-roles.ts), shared with the HTTP listeners. */
export type Role = CertRole;
export { ROLE_URI_PREFIX, rolesOfCertificate };
/** The part of grpc-js's (unexported) AuthContext we read. */
interface PeerAuth {
  sslPeerCertificate?: PeerCertificate;
}
export type ListenerKind = 'mtls' | 'unix' | 'insecure';

export interface CallerIdentity {
  /** Roles the caller holds on this listener. */
  roles: ReadonlySet<Role>;
  /** Certificate CN under mutual TLS, else ''. */
  cn: string;
  listener: ListenerKind;
}

/** The identity of the caller of `call` on a listener of `kind`. */
export function identify(call: { getAuthContext(): PeerAuth | undefined }, kind: ListenerKind): CallerIdentity {
  if (kind === 'unix') return { roles: new Set(['operator']), cn: '', listener: kind };
  if (kind === 'insecure') return { roles: new Set(CERT_ROLES), cn: '', listener: kind };
  const cert = call.getAuthContext()?.sslPeerCertificate;
  return { roles: rolesOfCertificate(cert), cn: commonNameOf(cert), listener: kind };
}

/** Throws PermissionError unless the caller holds `role` (undefined: any role will do). */
export function requireRole(id: CallerIdentity, role: Role | undefined, what: string): void {
  if (role === undefined ? id.roles.size > 0 : id.roles.has(role)) return;
  const held = id.roles.size === 0 ? 'no role' : `role ${[...id.roles].join(', ')}`;
  const cn = id.cn ? ` (certificate CN "${id.cn}")` : '';
  const need = role === undefined ? `a certificate with a role (${CERT_ROLES.join(', ')})` : `role ${role}`;
  throw new PermissionError(`${what} needs ${need}; the caller has ${held}${cn} (roles come from the SAN URI ${ROLE_URI_PREFIX}<role> or the subject OU)`);
}

type AnyHandler = (...args: never[]) => unknown;
/** What every server call offers (grpc-js does not export its ServerSurfaceCall type). */
type Surface = { getAuthContext(): PeerAuth | undefined; getPeer(): string; emit(event: string, ...a: unknown[]): boolean };

/**
 * Wraps every handler of a service so it first checks the caller's role; a refused unary call
 * answers PERMISSION_DENIED through its callback, a refused stream through its status.
 */
export function guardService<H extends object>(
  definition: grpc.ServiceDefinition,
  handlers: H,
  kind: ListenerKind,
  role: Role | undefined,
  serviceName: string,
  onRefused: (peer: string, details: string) => void,
): H {
  const out: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers as Record<string, AnyHandler>)) {
    // Implementations may use the proto's method name or grpc-js's lowerCamel originalName.
    const def = definition[name] ?? Object.values(definition).find((d) => d.originalName === name);
    const what = `${serviceName}.${name}`;
    out[name] = (call: Surface, callback?: grpc.sendUnaryData<unknown>) => {
      try {
        requireRole(identify(call, kind), role, what);
      } catch (err) {
        const status = toStatus(err);
        onRefused(call.getPeer(), status.details);
        if (def !== undefined && !def.responseStream && typeof callback === 'function') callback(status);
        else call.emit('error', Object.assign(new Error(status.details), status));
        return;
      }
      return (handler as (c: unknown, cb?: unknown) => unknown)(call, callback);
    };
  }
  return out as H;
}
