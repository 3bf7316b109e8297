/**
 * Span exporters, loaded on first use: an app that never ends a span never
 * loads the OTLP or Zipkin code. Each is wrapped so that a failing backend
 * (collector down, say) is reported once in plain words and never reaches the app.
 */
import { createRequire } from 'node:module';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
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

function createExporter(
  name: ExporterName,
  config: AutoConfig,
  env: Record<string, string | undefined>,
): SpanExporter {
  switch (name) {
    case 'console':
      return new ConsoleSpanExporter();
    case 'otlp': {
      const pkg =
        config.otlpProtocol === 'http/json'
          ? '@opentelemetry/exporter-trace-otlp-http'
          : '@opentelemetry/exporter-trace-otlp-proto';
      return new LazyExporter(`OTLP (${config.otlpProtocol})`, otlpTracesUrl(env), () => {
        const { OTLPTraceExporter } = requireHere(pkg) as { OTLPTraceExporter: new () => SpanExporter };
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
