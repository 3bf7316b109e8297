// Scripted agents: each "model" answers from a script, with token counts as a
// real provider would report them. No network, fully deterministic.

/** A fake chat model: returns the next scripted answer and its usage. */
export function scriptedModel(model, answers) {
  let turn = 0;
  return async (prompt) => {
    const answer = answers[Math.min(turn++, answers.length - 1)];
    return {
      id: `${model}-${turn}`,
      model,
      choices: [{ message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 40 + prompt.length, completion_tokens: answer.length },
    };
  };
}

/** The tasks: what the coder writes on each try, and whether the tests then pass. */
export const TASKS = [
  { id: 'task-add', goal: 'add two numbers', attempts: ['a + b'], tests: [true] },
  {
    id: 'task-sort',
    goal: 'sort a list',
    attempts: ['list.sort()', 'list.toSorted((a, b) => a - b)'],
    tests: [false, true],
  },
  {
    id: 'task-parse',
    goal: 'parse a date',
    attempts: ['new Date(s)', 'Date.parse(s)', 'new Date(s)'],
    tests: [false, false, false],
  },
];
