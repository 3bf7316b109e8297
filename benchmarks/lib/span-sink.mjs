// A local OTLP sink on 127.0.0.1 that counts the spans each service exported:
// an instrumented run that exported nothing is invalid, not fast.
import { startOtlpReceiver } from '@rl-otel/test-utils';

export async function startSpanSink() {
  const receiver = await startOtlpReceiver();
  return {
    url: receiver.url,
    /** Spans received from one service (OTEL_SERVICE_NAME), optionally of one kind (2 = server). */
    count(service, kind) {
      let n = 0;
      for (const request of receiver.requests) {
        for (const span of request.spans) {
          if (span.resource['service.name'] === service && (kind === undefined || span.kind === kind)) n++;
        }
      }
      return n;
    },
    reset() {
      receiver.requests.length = 0;
    },
    close: () => receiver.close(),
  };
}
