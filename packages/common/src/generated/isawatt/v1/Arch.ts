// Original file: proto/isawatt/v1/types.proto

export const Arch = {
  ARCH_UNSPECIFIED: 'ARCH_UNSPECIFIED',
  ARCH_X86_64: 'ARCH_X86_64',
  ARCH_AARCH64: 'ARCH_AARCH64',
} as const;

export type Arch =
  | 'ARCH_UNSPECIFIED'
  | 0
  | 'ARCH_X86_64'
  | 1
  | 'ARCH_AARCH64'
  | 2

export type Arch__Output = typeof Arch[keyof typeof Arch]
