// Artifacts — plans, designs, code, reviews, test reports — are files under one
// root: tasks/<task>/<run>/<file>. Under `node --import @rl-otel/auto` each read
// and write is a `file` action (RL_OTEL_ARTIFACT_DIRS must name the same root).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const SAFE = /^[\w.-]+$/;

export function createArtifacts(root = resolve(process.env.ARTIFACTS_DIR?.trim() || 'artifacts')) {
  const folder = (taskId, runId) => {
    if (!SAFE.test(taskId) || !SAFE.test(runId)) throw new Error('bad artifact folder');
    return join(root, 'tasks', taskId, runId);
  };
  const file = (taskId, runId, name) => {
    if (!SAFE.test(name)) throw new Error(`bad artifact name "${name}"`);
    return join(folder(taskId, runId), name);
  };
  return {
    root,
    async write(taskId, runId, name, content) {
      await mkdir(folder(taskId, runId), { recursive: true });
      await writeFile(file(taskId, runId, name), content);
      return Buffer.byteLength(content);
    },
    /** The file's text, or undefined when there is no such artifact. */
    async read(taskId, runId, name) {
      try {
        return await readFile(file(taskId, runId, name), 'utf8');
      } catch (error) {
        if (error.code === 'ENOENT' || error.message.startsWith('bad artifact')) return undefined;
        throw error;
      }
    },
    /** Names of a run's artifacts, in the order they were made (plan, design, code-1, review-1, …). */
    async list(taskId, runId) {
      let names;
      try {
        names = await readdir(folder(taskId, runId));
      } catch (error) {
        if (error.code === 'ENOENT') return [];
        throw error;
      }
      return names.sort(byPhase);
    },
  };
}

const PHASES = ['plan', 'design', 'code', 'review', 'test'];

function byPhase(a, b) {
  const [pa, na] = parts(a);
  const [pb, nb] = parts(b);
  return na - nb || PHASES.indexOf(pa) - PHASES.indexOf(pb) || a.localeCompare(b);
}

function parts(name) {
  const m = /^([a-z]+)(?:-(\d+))?/.exec(name);
  const phase = m?.[1] ?? name;
  // plan and design come before every attempt.
  return [phase, m?.[2] === undefined ? 0 : Number(m[2])];
}

/**
 * A line diff (longest common subsequence): [{ op: ' ' | '-' | '+', line }].
 * Artifacts are small, so the quadratic table is fine.
 */
export function diffLines(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', line: a[i++] });
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ op: '-', line: a[i++] });
    else out.push({ op: '+', line: b[j++] });
  }
  while (i < a.length) out.push({ op: '-', line: a[i++] });
  while (j < b.length) out.push({ op: '+', line: b[j++] });
  return out;
}
