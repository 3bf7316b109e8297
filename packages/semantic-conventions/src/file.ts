/**
 * Attributes and reward components of artifact file actions (kind `file`).
 * OpenTelemetry's `file.*` registry describes a file (`file.path`, `file.size`,
 * see `incubating.ts`) but has no key for what was done to it or how many
 * bytes moved, so those live under `rl.file.*`.
 */

/** What was done: one of the `RL_FILE_OPERATION_VALUE_*` words. */
export const ATTR_RL_FILE_OPERATION = 'rl.file.operation' as const;
/** Bytes read from the file by this action. */
export const ATTR_RL_FILE_BYTES_READ = 'rl.file.bytes_read' as const;
/** Bytes written to the file by this action. */
export const ATTR_RL_FILE_BYTES_WRITTEN = 'rl.file.bytes_written' as const;
/** SHA-256 (hex) of the content written, when the whole content was written at once and hashing is on. */
export const ATTR_RL_FILE_SHA256 = 'rl.file.sha256' as const;

/** Values of `rl.file.operation`. */
export const RL_FILE_OPERATION_VALUE_READ = 'read' as const;
export const RL_FILE_OPERATION_VALUE_WRITE = 'write' as const;
export const RL_FILE_OPERATION_VALUE_APPEND = 'append' as const;
export const RL_FILE_OPERATION_VALUE_COPY = 'copy' as const;
export const RL_FILE_OPERATION_VALUE_RENAME = 'rename' as const;
export const RL_FILE_OPERATION_VALUE_DELETE = 'delete' as const;
export const RL_FILE_OPERATION_VALUE_MKDIR = 'mkdir' as const;
export const RL_FILE_OPERATION_VALUE_READDIR = 'readdir' as const;
export const RL_FILE_OPERATION_VALUE_STAT = 'stat' as const;
export const RL_FILE_OPERATION_VALUE_OPEN = 'open' as const;

/** Reward components of file actions; they fold into the action that caused them. */
export const RL_REWARD_COMPONENT_ARTIFACT_READS = 'artifact_reads' as const;
export const RL_REWARD_COMPONENT_ARTIFACT_WRITES = 'artifact_writes' as const;
export const RL_REWARD_COMPONENT_BYTES_READ = 'bytes_read' as const;
export const RL_REWARD_COMPONENT_BYTES_WRITTEN = 'bytes_written' as const;
