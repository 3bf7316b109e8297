// The scripted team: each agent "calls a model" that answers from a template,
// with token counts as a provider would report them. No network; every outcome
// follows from the seed, the task and the attempt, so a run is reproducible.

/** The team: one agent per phase of the process. */
export const TEAM = [
  { id: 'planner', name: 'Planner', role: 'planning', model: 'planner-small' },
  { id: 'designer', name: 'Designer', role: 'design', model: 'designer-medium' },
  { id: 'coder', name: 'Coder', role: 'code', model: 'coder-large' },
  { id: 'reviewer', name: 'Reviewer', role: 'review', model: 'reviewer-small' },
  { id: 'tester', name: 'Tester', role: 'test', model: null },
];

/** US dollars per million tokens; the same table goes to rl-otel as RL_OTEL_MODEL_PRICES. */
export const PRICES = {
  'planner-small': { input: 0.15, output: 0.6 },
  'designer-medium': { input: 1, output: 4 },
  'coder-large': { input: 2.5, output: 10 },
  'reviewer-small': { input: 0.15, output: 0.6 },
};

export function costUsd(model, inputTokens, outputTokens) {
  const price = PRICES[model];
  if (price === undefined) return 0;
  return (inputTokens * price.input + outputTokens * price.output) / 1e6;
}

/** A random number generator in [0, 1) seeded by a string (FNV-1a, then mulberry32). */
export function rng(...parts) {
  let h = 0x811c9dc5;
  for (const ch of parts.join('|')) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A chat completion in OpenAI's shape, which the orchestrator hooks read (id, model, usage). */
export function answer(model, id, prompt, content, random) {
  const inputTokens = 60 + Math.ceil(prompt.length / 4) + Math.floor(random() * 40);
  const outputTokens = Math.ceil(content.length / 4) + Math.floor(random() * 20);
  return {
    id,
    model,
    choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens },
  };
}

export function planText(task) {
  return `# Plan: ${task.title}\n\nGoal: ${task.goal}\n\n1. Read the current module.\n2. Write the change behind a small function.\n3. Cover it with tests.\n`;
}

export function designText(task, random) {
  const approach = random() < 0.5 ? 'a pure function and a thin adapter' : 'one module with a small API';
  return `# Design: ${task.title}\n\nApproach: ${approach}.\nInputs are validated at the boundary; errors are returned, not thrown.\n`;
}

/** The code of one attempt: later attempts fix what the review or the tests found. */
export function codeText(task, attempt, random) {
  const name = task.id.replace(/\W/g, '_');
  const lines = [
    `// ${task.title} (attempt ${attempt})`,
    `export function ${name}(input) {`,
    '  if (input == null) return { ok: false, error: "missing input" };',
  ];
  if (attempt > 1) lines.push('  if (typeof input !== "object") return { ok: false, error: "bad input" };');
  if (attempt > 2) lines.push('  input = structuredClone(input);');
  lines.push(
    `  return { ok: true, value: ${random() < 0.5 ? 'transform(input)' : 'apply(input)'} };`,
    '}',
    '',
  );
  return lines.join('\n');
}

/** The reviewer asks for changes now and then, less often on later attempts. */
export function reviewVerdict(attempt, random) {
  return random() < 0.3 / attempt ? 'changes' : 'approve';
}

/** Whether the tests pass: likelier on later attempts. */
export function testsPass(attempt, random) {
  return random() < [0.45, 0.7, 0.85][Math.min(attempt, 3) - 1];
}
