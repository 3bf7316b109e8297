// One progress line on stderr while benchmarks run (rewritten in place on a terminal).
const tty = process.stderr.isTTY;
let last = '';

export function progress(text) {
  last = text;
  if (tty) process.stderr.write(`\r\x1b[2K${text}`);
  else process.stderr.write(`${text}\n`);
}

export function progressDone() {
  if (tty && last) process.stderr.write('\n');
  last = '';
}
