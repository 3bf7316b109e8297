/**
 * SQL text for telemetry: the low-cardinality summary (`SELECT tasks`), the
 * single operation and table when there is exactly one, and the query text
 * with its literals replaced by `?`. One tokenizer pass does all of it; pure
 * and runtime-neutral, shared by every database plugin.
 */

/** Which placeholders count as bind parameters. */
export type SqlDialect = 'sqlite' | 'postgresql';

export interface SqlInfo {
  /** `db.query.summary`: operations and their targets in the order written, at most 255 characters; undefined when no operation was recognized. */
  readonly summary: string | undefined;
  /** `db.operation.name`, when the query has exactly one operation. */
  readonly operation: string | undefined;
  /** `db.collection.name`, when the query names exactly one table or view. */
  readonly collection: string | undefined;
  /** Whether the text has bind placeholders (`$1` for PostgreSQL; `?`, `?1`, `:name`, `@name`, `$name` for SQLite). */
  readonly parameterized: boolean;
  /** The text with every literal replaced by `?` and comments removed. */
  readonly sanitized: string;
  /** `db.query.text`: the text as written when it is parameterized, else `sanitized`. */
  readonly text: string;
}

// Token kinds.
const T = { Word: 0, Ident: 1, Literal: 2, Placeholder: 3, Punct: 4 } as const;
type TokenKind = (typeof T)[keyof typeof T];

interface Token {
  kind: TokenKind;
  text: string;
}

const MAX_SUMMARY = 255;

// Commands recognized only as the first word of a statement.
// biome-ignore format: a word list
const STATEMENT_OPS = new Set([
  'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'REPLACE', 'UPSERT', 'VALUES', 'CREATE', 'ALTER', 'DROP',
  'TRUNCATE', 'BEGIN', 'START', 'COMMIT', 'END', 'ROLLBACK', 'ABORT', 'SAVEPOINT', 'RELEASE', 'PRAGMA',
  'VACUUM', 'ANALYZE', 'REINDEX', 'ATTACH', 'DETACH', 'EXPLAIN', 'CALL', 'EXEC', 'EXECUTE', 'COPY', 'SET',
  'SHOW', 'RESET', 'GRANT', 'REVOKE', 'LOCK', 'LISTEN', 'NOTIFY', 'UNLISTEN', 'DO', 'PREPARE', 'DEALLOCATE',
  'DECLARE', 'FETCH', 'MOVE', 'CLOSE', 'REFRESH', 'CLUSTER', 'COMMENT', 'DISCARD', 'CHECKPOINT', 'LOAD',
]);

// Operations that also appear inside a statement (subqueries, INSERT … SELECT, CTEs).
const NESTED_OPS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE']);
// A nested operation word right after one of these is part of a clause (ON DELETE, DO UPDATE, FOR UPDATE,
// MERGE's THEN UPDATE, triggers), not an operation.
const NOT_AN_OP_AFTER = new Set(['ON', 'DO', 'FOR', 'OF', 'BEFORE', 'AFTER', 'INSTEAD', 'THEN']);
// Words that end a FROM list or stand where a table alias could be.
// biome-ignore format: a word list
const CLAUSE_WORDS = new Set([
  'WHERE', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'OUTER', 'CROSS', 'NATURAL', 'ON', 'USING', 'GROUP',
  'ORDER', 'LIMIT', 'OFFSET', 'HAVING', 'WINDOW', 'UNION', 'EXCEPT', 'INTERSECT', 'RETURNING', 'SET',
  'VALUES', 'FOR', 'INDEXED', 'NOT', 'SELECT', 'DEFAULT', 'WITH', 'LATERAL', 'ONLY', 'AS', 'FETCH',
  'STDIN', 'STDOUT', 'PROGRAM', 'WHEN', 'THEN', 'ELSE', 'END', 'AND', 'OR', 'DO', 'TABLESAMPLE',
]);
// A "(" after one of these opens a subquery or a list, not a function call.
// biome-ignore format: a word list
const NOT_A_FUNCTION = new Set([
  'IN', 'EXISTS', 'FROM', 'JOIN', 'AS', 'ALL', 'ANY', 'SOME', 'VALUES', 'ON', 'USING', 'NOT', 'AND', 'OR',
  'WHERE', 'SELECT', 'LATERAL', 'UNION', 'EXCEPT', 'INTERSECT', 'INTO', 'TABLE', 'WITH', 'RETURNING', 'SET',
]);
// Modifiers between CREATE / DROP / ALTER and the kind of object.
const DDL_MODIFIERS = new Set([
  'OR',
  'REPLACE',
  'TEMP',
  'TEMPORARY',
  'UNLOGGED',
  'UNIQUE',
  'GLOBAL',
  'LOCAL',
  'VIRTUAL',
  'RECURSIVE',
]);
const DDL_NAME_SKIP = new Set(['IF', 'NOT', 'EXISTS', 'CONCURRENTLY', 'ONLY']);
// Objects whose name is a collection (`db.collection.name`); other DDL names are targets only.
const COLLECTION_OBJECTS = new Set(['TABLE', 'VIEW']);

/** Summary, operation, table and sanitized text of one SQL string (several statements are fine). */
export function analyzeSql(sql: string, dialect: SqlDialect = 'sqlite'): SqlInfo {
  const { tokens, sanitized, parameterized } = tokenize(sql, dialect);
  const { parts, ops, collections } = summarize(tokens);
  let summary: string | undefined;
  for (const part of parts) {
    const next = summary === undefined ? part : `${summary} ${part}`;
    if (next.length > MAX_SUMMARY) break;
    summary = next;
  }
  return {
    summary,
    operation: ops.length === 1 ? ops[0] : undefined,
    collection: collections.size === 1 ? collections.values().next().value : undefined,
    parameterized,
    sanitized,
    text: parameterized ? sql : sanitized,
  };
}

/** The text with every literal (strings, numbers, booleans, blobs, dollar-quoted bodies) replaced by `?` and comments removed. */
export function sanitizeSql(sql: string, dialect: SqlDialect = 'sqlite'): string {
  return tokenize(sql, dialect).sanitized;
}

/** `db.query.summary` of a query, e.g. `SELECT tasks` or `INSERT shipping_details SELECT orders`. */
export function summarizeSql(sql: string, dialect: SqlDialect = 'sqlite'): string | undefined {
  return analyzeSql(sql, dialect).summary;
}

/**
 * A memoizing `analyzeSql` for one dialect: queries repeat, so each distinct
 * text is parsed once. Bounded: the oldest entry goes when it is full.
 */
export function createSqlAnalyzer(dialect: SqlDialect, maxEntries = 1000): (sql: string) => SqlInfo {
  const cache = new Map<string, SqlInfo>();
  return (sql) => {
    let info = cache.get(sql);
    if (info === undefined) {
      info = analyzeSql(sql, dialect);
      // Very long texts (migration scripts) are rarely repeated: not worth the memory.
      if (sql.length <= 16_384) {
        if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
        cache.set(sql, info);
      }
    }
    return info;
  };
}

// ---- tokenizer ----------------------------------------------------------------

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function tokenize(
  sql: string,
  dialect: SqlDialect,
): { tokens: Token[]; sanitized: string; parameterized: boolean } {
  const tokens: Token[] = [];
  const n = sql.length;
  let out = '';
  let parameterized = false;
  let i = 0;
  const literal = (end: number) => {
    tokens.push({ kind: T.Literal, text: '?' });
    out += '?';
    i = end;
  };
  while (i < n) {
    const c = sql.charCodeAt(i);
    // whitespace
    if (c === 32 || (c >= 9 && c <= 13)) {
      let j = i + 1;
      while (j < n && (sql.charCodeAt(j) === 32 || (sql.charCodeAt(j) >= 9 && sql.charCodeAt(j) <= 13))) j++;
      out += sql.slice(i, j);
      i = j;
      continue;
    }
    // -- comment
    if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const j = sql.indexOf('\n', i);
      i = j === -1 ? n : j;
      out += ' ';
      continue;
    }
    // /* comment */, nested in PostgreSQL
    if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql.charCodeAt(j) === 42 && sql.charCodeAt(j + 1) === 47) {
          depth--;
          j += 2;
        } else if (dialect === 'postgresql' && sql.charCodeAt(j) === 47 && sql.charCodeAt(j + 1) === 42) {
          depth++;
          j += 2;
        } else j++;
      }
      i = j;
      out += ' ';
      continue;
    }
    // 'string'
    if (c === 39) {
      literal(endOfQuoted(sql, i, 39, false));
      continue;
    }
    // "identifier" and `identifier`
    if (c === 34 || c === 96) {
      const j = endOfQuoted(sql, i, c, false);
      const text = sql.slice(i, j);
      tokens.push({ kind: T.Ident, text });
      out += text;
      i = j;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n) {
        const d = sql.charCodeAt(j);
        if (isWordPart(d) || d === 46) j++;
        // exponent sign: 1e-5
        else if (
          (d === 43 || d === 45) &&
          (sql.charCodeAt(j - 1) | 32) === 101 &&
          !/x/i.test(sql.slice(i, j))
        )
          j++;
        else break;
      }
      literal(j);
      continue;
    }
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordPart(sql.charCodeAt(j))) j++;
      const word = sql.slice(i, j);
      // E'…' (backslash escapes), X'…', B'…', N'…' literals
      if (sql.charCodeAt(j) === 39 && j - i === 1) {
        const p = c | 32;
        if (p === 101 || p === 120 || p === 98 || p === 110) {
          literal(endOfQuoted(sql, j, 39, p === 101));
          continue;
        }
      }
      const upper = word.toUpperCase();
      if (upper === 'TRUE' || upper === 'FALSE') {
        literal(j);
        continue;
      }
      tokens.push({ kind: T.Word, text: word });
      out += word;
      i = j;
      continue;
    }
    // $1 (both), $name (SQLite), $tag$…$tag$ (PostgreSQL dollar quoting)
    if (c === 36) {
      let j = i + 1;
      while (j < n && isWordPart(sql.charCodeAt(j)) && sql.charCodeAt(j) !== 36) j++;
      if (sql.charCodeAt(j) === 36 && !isDigit(sql.charCodeAt(i + 1))) {
        const tag = sql.slice(i, j + 1);
        const close = sql.indexOf(tag, j + 1);
        literal(close === -1 ? n : close + tag.length);
        continue;
      }
      if (j > i + 1 && (dialect === 'sqlite' || isDigit(sql.charCodeAt(i + 1)))) {
        parameterized = true;
        const text = sql.slice(i, j);
        tokens.push({ kind: T.Placeholder, text });
        out += text;
        i = j;
        continue;
      }
    }
    if (dialect === 'sqlite') {
      // ?, ?NNN, :name, @name
      if (c === 63 || ((c === 58 || c === 64) && isWordStart(sql.charCodeAt(i + 1)))) {
        let j = i + 1;
        while (j < n && isWordPart(sql.charCodeAt(j))) j++;
        parameterized = true;
        const text = sql.slice(i, j);
        tokens.push({ kind: T.Placeholder, text });
        out += text;
        i = j;
        continue;
      }
    }
    const ch = sql[i] as string;
    tokens.push({ kind: T.Punct, text: ch });
    out += ch;
    i++;
  }
  return { tokens, sanitized: out, parameterized };
}

/** Index just past a quoted run that starts at `start` with `quote`; a doubled quote escapes it, so does a backslash when `backslash`. */
function endOfQuoted(sql: string, start: number, quote: number, backslash: boolean): number {
  let j = start + 1;
  const n = sql.length;
  while (j < n) {
    const d = sql.charCodeAt(j);
    if (backslash && d === 92) j += 2;
    else if (d === quote) {
      if (sql.charCodeAt(j + 1) === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return n;
}

// ---- summary ------------------------------------------------------------------

interface Summary {
  parts: string[];
  ops: string[];
  collections: Set<string>;
}

function summarize(tokens: Token[]): Summary {
  const parts: string[] = [];
  const ops: string[] = [];
  const collections = new Set<string>();
  // Per parenthesis: true when it is a function call, whose FROM (EXTRACT(x FROM y)) names no table.
  const calls: boolean[] = [];
  let statementStart = true;
  let statementOp = '';
  const n = tokens.length;
  const upper = (k: number) => {
    const t = tokens[k];
    return t?.kind === T.Word ? t.text.toUpperCase() : '';
  };
  const addOp = (text: string) => {
    parts.push(text);
    ops.push(text);
  };
  const addTarget = (name: string, collection: boolean) => {
    // A table without a recognized operation (a typo, an unknown command) is no summary.
    if (ops.length === 0) return;
    parts.push(name);
    if (collection) collections.add(name);
  };
  // Reads a possibly qualified name (schema.table) at k; returns it and the index after it.
  const readName = (k: number): [string, number] | undefined => {
    const t = tokens[k];
    if (t === undefined || (t.kind !== T.Word && t.kind !== T.Ident)) return undefined;
    if (t.kind === T.Word && CLAUSE_WORDS.has(t.text.toUpperCase())) return undefined;
    let name = t.text;
    let j = k + 1;
    while (tokens[j]?.text === '.' && (tokens[j + 1]?.kind === T.Word || tokens[j + 1]?.kind === T.Ident)) {
      name += `.${tokens[j + 1]?.text}`;
      j += 2;
    }
    return [name, j];
  };
  // Reads `table [AS] [alias] (, table [alias])*` after FROM; returns the index after the list.
  const readFromList = (k: number, many: boolean): number => {
    let j = k;
    for (;;) {
      while (upper(j) === 'ONLY' || upper(j) === 'LATERAL') j++;
      const named = readName(j);
      if (named === undefined) return j;
      j = named[1];
      // a table-valued function, not a table
      if (tokens[j]?.text !== '(') addTarget(named[0], true);
      else return j;
      if (upper(j) === 'AS') j++;
      const alias = tokens[j];
      if (
        alias !== undefined &&
        (alias.kind === T.Ident || (alias.kind === T.Word && !CLAUSE_WORDS.has(alias.text.toUpperCase())))
      )
        j++;
      if (!many || tokens[j]?.text !== ',') return j;
      j++;
    }
  };

  for (let k = 0; k < n; k++) {
    const t = tokens[k] as Token;
    if (t.kind === T.Punct) {
      if (t.text === ';') {
        statementStart = true;
        calls.length = 0;
      } else if (t.text === '(') {
        const prev = tokens[k - 1];
        calls.push(
          prev !== undefined &&
            (prev.kind === T.Ident || (prev.kind === T.Word && !NOT_A_FUNCTION.has(prev.text.toUpperCase()))),
        );
      } else if (t.text === ')') calls.pop();
      continue;
    }
    if (t.kind !== T.Word) {
      statementStart = false;
      continue;
    }
    const word = t.text.toUpperCase();
    if (statementStart) {
      statementStart = false;
      statementOp = word;
      if (!STATEMENT_OPS.has(word)) continue;
      k = statementHead(tokens, k, word, addOp, addTarget, readName, readFromList);
      continue;
    }
    if (calls.at(-1) === true) continue;
    if (NESTED_OPS.has(word) && statementOp !== 'GRANT' && statementOp !== 'REVOKE') {
      if (NOT_AN_OP_AFTER.has(upper(k - 1))) continue;
      addOp(t.text);
      if (word === 'UPDATE') k = afterUpdate(k);
      continue;
    }
    if (word === 'FROM') k = readFromList(k + 1, true) - 1;
    else if (word === 'JOIN') k = readFromList(k + 1, false) - 1;
    else if (word === 'INTO' || (word === 'USING' && statementOp === 'MERGE')) {
      const named = readName(k + 1);
      if (named !== undefined) {
        addTarget(named[0], true);
        k = named[1] - 1;
      }
    }
  }
  return { parts, ops, collections };

  function afterUpdate(k: number): number {
    let j = k + 1;
    // UPDATE OR IGNORE t, UPDATE ONLY t
    if (upper(j) === 'OR') j += 2;
    if (upper(j) === 'ONLY') j++;
    const named = readName(j);
    if (named === undefined) return k;
    addTarget(named[0], true);
    return named[1] - 1;
  }
}

/** Handles the first word of a statement; returns the index of the last token it consumed. */
function statementHead(
  tokens: Token[],
  k: number,
  word: string,
  addOp: (text: string) => void,
  addTarget: (name: string, collection: boolean) => void,
  readName: (k: number) => [string, number] | undefined,
  readFromList: (k: number, many: boolean) => number,
): number {
  const t = tokens[k] as Token;
  const upper = (j: number) => {
    const x = tokens[j];
    return x?.kind === T.Word ? x.text.toUpperCase() : '';
  };
  switch (word) {
    case 'CREATE':
    case 'ALTER':
    case 'DROP': {
      let j = k + 1;
      while (DDL_MODIFIERS.has(upper(j))) j++;
      const kind = tokens[j];
      if (kind?.kind !== T.Word) {
        addOp(t.text);
        return k;
      }
      let object = kind.text;
      let objectUpper = object.toUpperCase();
      j++;
      if (objectUpper === 'MATERIALIZED' && upper(j) === 'VIEW') {
        object += ` ${tokens[j]?.text}`;
        objectUpper = 'VIEW';
        j++;
      }
      addOp(`${t.text} ${object}`);
      for (;;) {
        while (DDL_NAME_SKIP.has(upper(j))) j++;
        const named = readName(j);
        if (named === undefined) return j - 1;
        addTarget(named[0], COLLECTION_OBJECTS.has(objectUpper));
        j = named[1];
        if (word !== 'DROP' || tokens[j]?.text !== ',') return j - 1;
        j++;
      }
    }
    case 'TRUNCATE': {
      addOp(t.text);
      let j = k + 1;
      if (upper(j) === 'TABLE') j++;
      return readFromList(j, true) - 1;
    }
    case 'INSERT':
    case 'REPLACE':
    case 'UPSERT':
    case 'SELECT':
    case 'DELETE':
    case 'MERGE':
      addOp(t.text);
      return k;
    case 'UPDATE': {
      addOp(t.text);
      let j = k + 1;
      if (upper(j) === 'OR') j += 2;
      if (upper(j) === 'ONLY') j++;
      const named = readName(j);
      if (named === undefined) return k;
      addTarget(named[0], true);
      return named[1] - 1;
    }
    case 'PRAGMA':
    case 'CALL':
    case 'EXEC':
    case 'EXECUTE':
    case 'COPY':
    case 'VACUUM':
    case 'ANALYZE':
    case 'REINDEX':
    case 'LISTEN':
    case 'NOTIFY':
    case 'REFRESH':
    case 'CLUSTER': {
      addOp(t.text);
      let j = k + 1;
      // REFRESH MATERIALIZED VIEW v
      if (word === 'REFRESH') while (upper(j) === 'MATERIALIZED' || upper(j) === 'VIEW') j++;
      const named = readName(j);
      if (named === undefined) return k;
      addTarget(named[0], word === 'COPY' || word === 'REFRESH');
      return named[1] - 1;
    }
    case 'START':
    case 'BEGIN':
    case 'COMMIT':
    case 'END':
    case 'ROLLBACK':
    case 'ABORT':
    case 'SAVEPOINT':
    case 'RELEASE': {
      // Transaction control names no target; savepoint names are left out on purpose.
      addOp(t.text);
      let j = k + 1;
      while (tokens[j] !== undefined && tokens[j]?.text !== ';') j++;
      return j - 1;
    }
    default:
      addOp(t.text);
      return k;
  }
}
