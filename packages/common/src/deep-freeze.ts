// Freezes a value and everything reachable from it, so a published snapshot or a resolved config
// cannot be changed by one of its many readers. An object already frozen is taken as frozen through
// (snapshots reuse frozen parts of earlier ones; this also stops at cycles).

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
