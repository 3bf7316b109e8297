/**
 * Span exporters, loaded on first use: an app that never ends a span never
 * loads the OTLP or Zipkin code. Each is wrapped so that a failing backend
 * (collector down, say) is reported once in plain words and never reaches the app.
 */
import { createRequire } from 'node:module';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type * as OtlpExporterBase from '@opentelemetry/otlp-exporter-base';
import type * as OtlpExporterBaseNodeHttp from '@opentelemetry/otlp-exporter-base/node-http';
import type * as OtlpTransformer from '@opentelemetry/otlp-transformer';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { describeError, warnOnce } from '@rl-otel/core';
import type { AutoConfig, ExporterName } from './config.ts';
import { OtlpTraceProtobufSerializer } from './otlp-protobuf.ts';

const requireHere = createRequire(import.meta.url);

/** Loads the real exporter on the first export, and reports failures once. */
export class LazyExporter implements SpanExporter {
  private exporter: SpanExporter | undefined;
  private failedToLoad = false;

  private readonly name: string;
  private readonly destination: string;
  private readonly load: () => SpanExporter;

  constructor(name: string, destination: string, load: () => SpanExporter) {
    this.name = name;
    this.destination = destination;
    this.load = load;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const exporter = this.get();
    if (exporter === undefined) {
      resultCallback({ code: ExportResultCode.FAILED });
      return;
    }
    try {
      exporter.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) {
          warnOnce(
            `export:${this.name}`,
            `could not export spans to ${this.destination} (${result.error ? describeError(result.error) : 'export failed'}); spans are dropped while it is unreachable, the app is not affected`,
          );
        }
        resultCallback(result);
      });
    } catch (error) {
      warnOnce(
        `export:${this.name}`,
        `the ${this.name} exporter failed (${describeError(error)}); spans are dropped`,
      );
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  async shutdown(): Promise<void> {
    await this.exporter?.shutdown();
  }

  async forceFlush(): Promise<void> {
    await this.exporter?.forceFlush?.();
  }

  private get(): SpanExporter | undefined {
    if (this.exporter !== undefined || this.failedToLoad) return this.exporter;
    try {
      this.exporter = this.load();
    } catch (error) {
      this.failedToLoad = true;
      warnOnce(
        `load:${this.name}`,
        `the ${this.name} exporter could not be loaded (${describeError(error)}); spans are not exported`,
      );
    }
    return this.exporter;
  }
}

export function otlpTracesUrl(env: Record<string, string | undefined>): string {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific) return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || 'http://localhost:4318';
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * The OTLP http/protobuf span exporter: built as upstream's
 * `@opentelemetry/exporter-trace-otlp-proto` builds its `OTLPTraceExporter`
 * (the same HTTP transport, OTEL_EXPORTER_OTLP_* configuration, headers,
 * compression, timeout and retries), with rl-otel's faster serializer. Only
 * called on the first export, so none of these modules load before.
 */
function createOtlpProtobufTraceExporter(): SpanExporter {
  const { OTLPExporterBase } = requireHere('@opentelemetry/otlp-exporter-base') as typeof OtlpExporterBase;
  const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } = requireHere(
    '@opentelemetry/otlp-exporter-base/node-http',
  ) as typeof OtlpExporterBaseNodeHttp;
  const { TraceExporterMetricsHelper } = requireHere(
    '@opentelemetry/otlp-transformer',
  ) as typeof OtlpTransformer;
  const options = convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', {
    'Content-Type': 'application/x-protobuf',
  });
  const delegate = createOtlpHttpExportDelegate(
    options,
    new OtlpTraceProtobufSerializer(),
    // upstream's otel.component.type for this exporter (its self-observability metrics)
    'otlp_http_span_exporter',
    TraceExporterMetricsHelper,
    undefined,
  );
  return new OTLPExporterBase<ReadableSpan[]>(delegate);
}

function createExporter(
  name: ExporterName,
  config: AutoConfig,
  env: Record<string, string | undefined>,
): SpanExporter {
  switch (name) {
    case 'console':
      return new ConsoleSpanExporter();
    case 'otlp': {
      const label = `OTLP (${config.otlpProtocol})`;
      if (config.otlpProtocol !== 'http/json') {
        return new LazyExporter(label, otlpTracesUrl(env), createOtlpProtobufTraceExporter);
      }
      return new LazyExporter(label, otlpTracesUrl(env), () => {
        const { OTLPTraceExporter } = requireHere('@opentelemetry/exporter-trace-otlp-http') as {
          OTLPTraceExporter: new () => SpanExporter;
        };
        return new OTLPTraceExporter();
      });
    }
    case 'zipkin': {
      const url = env.OTEL_EXPORTER_ZIPKIN_ENDPOINT?.trim() || 'http://localhost:9411/api/v2/spans';
      return new LazyExporter('Zipkin', url, () => {
        const { ZipkinExporter } = requireHere('@opentelemetry/exporter-zipkin') as {
          ZipkinExporter: new (options: { url: string; serviceName: string }) => SpanExporter;
        };
        return new ZipkinExporter({ url, serviceName: config.serviceName });
      });
    }
  }
}

export function createExportProcessors(
  config: AutoConfig,
  env: Record<string, string | undefined>,
): SpanProcessor[] {
  return config.exporters.map((name) => {
    const exporter = createExporter(name, config, env);
    // Console output is for people watching: print each span as it ends.
    if (name === 'console') return new SimpleSpanProcessor({ exporter });
    return new BatchSpanProcessor({ exporter, ...config.bsp });
  });
}
