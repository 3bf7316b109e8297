/**
 * A small decoder for OTLP `ExportTraceServiceRequest` protobuf messages, so
 * that tests check what really went over the wire (not what an SDK meant to send).
 */

export type OtlpValue = string | number | boolean | null | OtlpValue[] | { [key: string]: OtlpValue };

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, OtlpValue>;
  events: Array<{ name: string; timeUnixNano: bigint; attributes: Record<string, OtlpValue> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, OtlpValue> }>;
  status: { code: number; message: string };
  resource: Record<string, OtlpValue>;
  scope: { name: string; version: string };
}

class Reader {
  pos = 0;
  readonly buf: Uint8Array;
  readonly end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const byte = this.buf[this.pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  tag(): [field: number, wire: number] {
    const t = Number(this.varint());
    return [t >>> 3, t & 7];
  }

  bytes(): Uint8Array {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  sub(): Reader {
    const len = Number(this.varint());
    const r = new Reader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  fixed64(): bigint {
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getBigUint64(0, true);
  }

  double(): number {
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getFloat64(0, true);
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      const length = Number(this.varint()); // read first: it moves pos past the length itself
      this.pos += length;
    } else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

const text = new TextDecoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function anyValue(r: Reader): OtlpValue {
  let value: OtlpValue = null;
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) value = text.decode(r.bytes());
    else if (field === 2) value = r.varint() !== 0n;
    else if (field === 3) value = Number(BigInt.asIntN(64, r.varint()));
    else if (field === 4) value = r.double();
    else if (field === 5) {
      const arr: OtlpValue[] = [];
      const a = r.sub();
      while (!a.done()) {
        const [f, w] = a.tag();
        if (f === 1) arr.push(anyValue(a.sub()));
        else a.skip(w);
      }
      value = arr;
    } else if (field === 6) {
      const obj: Record<string, OtlpValue> = {};
      const kv = r.sub();
      while (!kv.done()) {
        const [f, w] = kv.tag();
        if (f === 1) Object.assign(obj, keyValue(kv.sub()));
        else kv.skip(w);
      }
      value = obj;
    } else if (field === 7) value = hex(r.bytes());
    else r.skip(wire);
  }
  return value;
}

function keyValue(r: Reader): Record<string, OtlpValue> {
  let key = '';
  let value: OtlpValue = null;
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) key = text.decode(r.bytes());
    else if (field === 2) value = anyValue(r.sub());
    else r.skip(wire);
  }
  return { [key]: value };
}

function attributesInto(target: Record<string, OtlpValue>, r: Reader): void {
  Object.assign(target, keyValue(r));
}

function span(
  r: Reader,
  resource: Record<string, OtlpValue>,
  scope: { name: string; version: string },
): OtlpSpan {
  const s: OtlpSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: {},
    events: [],
    links: [],
    status: { code: 0, message: '' },
    resource,
    scope,
  };
  while (!r.done()) {
    const [field, wire] = r.tag();
    switch (field) {
      case 1:
        s.traceId = hex(r.bytes());
        break;
      case 2:
        s.spanId = hex(r.bytes());
        break;
      case 4:
        s.parentSpanId = hex(r.bytes());
        break;
      case 5:
        s.name = text.decode(r.bytes());
        break;
      case 6:
        s.kind = Number(r.varint());
        break;
      case 7:
        s.startTimeUnixNano = r.fixed64();
        break;
      case 8:
        s.endTimeUnixNano = r.fixed64();
        break;
      case 9:
        attributesInto(s.attributes, r.sub());
        break;
      case 11: {
        const e = r.sub();
        const event = { name: '', timeUnixNano: 0n, attributes: {} as Record<string, OtlpValue> };
        while (!e.done()) {
          const [f, w] = e.tag();
          if (f === 1) event.timeUnixNano = e.fixed64();
          else if (f === 2) event.name = text.decode(e.bytes());
          else if (f === 3) attributesInto(event.attributes, e.sub());
          else e.skip(w);
        }
        s.events.push(event);
        break;
      }
      case 13: {
        const l = r.sub();
        const link = { traceId: '', spanId: '', attributes: {} as Record<string, OtlpValue> };
        while (!l.done()) {
          const [f, w] = l.tag();
          if (f === 1) link.traceId = hex(l.bytes());
          else if (f === 2) link.spanId = hex(l.bytes());
          else if (f === 4) attributesInto(link.attributes, l.sub());
          else l.skip(w);
        }
        s.links.push(link);
        break;
      }
      case 15: {
        const st = r.sub();
        while (!st.done()) {
          const [f, w] = st.tag();
          if (f === 2) s.status.message = text.decode(st.bytes());
          else if (f === 3) s.status.code = Number(st.varint());
          else st.skip(w);
        }
        break;
      }
      default:
        r.skip(wire);
    }
  }
  return s;
}

/** Decodes an `ExportTraceServiceRequest` into flat spans with their resource and scope. */
export function decodeTraceRequest(body: Uint8Array): OtlpSpan[] {
  const out: OtlpSpan[] = [];
  const r = new Reader(body);
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field !== 1) {
      r.skip(wire);
      continue;
    }
    const rs = r.sub();
    const resource: Record<string, OtlpValue> = {};
    while (!rs.done()) {
      const [f, w] = rs.tag();
      if (f === 1) {
        const res = rs.sub();
        while (!res.done()) {
          const [rf, rw] = res.tag();
          if (rf === 1) attributesInto(resource, res.sub());
          else res.skip(rw);
        }
      } else if (f === 2) {
        const ss = rs.sub();
        const scope = { name: '', version: '' };
        const spans: Reader[] = [];
        while (!ss.done()) {
          const [sf, sw] = ss.tag();
          if (sf === 1) {
            const sc = ss.sub();
            while (!sc.done()) {
              const [cf, cw] = sc.tag();
              if (cf === 1) scope.name = text.decode(sc.bytes());
              else if (cf === 2) scope.version = text.decode(sc.bytes());
              else sc.skip(cw);
            }
          } else if (sf === 2) spans.push(ss.sub());
          else ss.skip(sw);
        }
        for (const s of spans) out.push(span(s, resource, scope));
      } else rs.skip(w);
    }
  }
  return out;
}
