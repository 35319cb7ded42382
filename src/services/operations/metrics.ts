import client from 'prom-client';
import type { NoticeHub } from '../alerts/index.js';
import type { SmsGateway, SmsMessage, SmsResult } from '../sms/index.js';

/**
 * What GET /metrics shows, in Prometheus's text format: each instance its
 * own (Prometheus adds them up across instances). A registry per server, so
 * that several servers in one process (the tests) do not share counters.
 */
export class Metrics {
  readonly registry = new client.Registry();
  private readonly requests;
  private readonly latency;
  private readonly uploads;
  private readonly uploadBytes;
  private readonly delivery;
  private readonly messages;
  private readonly loginFailures;
  private readonly guessesRefused;

  constructor(hub: NoticeHub) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry });
    this.requests = new client.Counter({ name: 'helpaged_requests_total', help: 'Envelope requests by endpoint, type.subtype and status', labelNames: ['endpoint', 'op', 'status'], registers });
    this.latency = new client.Histogram({
      name: 'helpaged_request_duration_seconds', help: 'Envelope request time, from the request to the reply', labelNames: ['endpoint', 'op'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    });
    this.uploads = new client.Counter({ name: 'helpaged_camera_uploads_total', help: 'Falls stored from cameras', labelNames: ['photo_ok'], registers });
    this.uploadBytes = new client.Counter({ name: 'helpaged_camera_upload_bytes_total', help: 'Bytes of the photos stored from cameras', registers });
    new client.Gauge({ name: 'helpaged_alert_streams_open', help: 'Open alert streams (GET /notice/stream)', registers, collect() {
      this.set(hub.size);
    } });
    this.delivery = new client.Histogram({
      name: 'helpaged_alert_delivery_seconds', help: 'From the fall being stored to its writes on every stream (path=stream) and its SMS hand-off to the provider (path=sms)',
      labelNames: ['path'], registers, buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
    this.messages = new client.Counter({ name: 'helpaged_messages_total', help: 'SMS and calls handed to the provider, by kind and result', labelNames: ['kind', 'result'], registers });
    this.loginFailures = new client.Counter({ name: 'helpaged_login_failures_total', help: 'Wrong passwords (login.pass, password.change)', registers });
    this.guessesRefused = new client.Counter({ name: 'helpaged_guesses_refused_total', help: 'Guesses refused for going too fast (captcha, SMS code, pairing)', labelNames: ['kind'], registers });
  }

  request(endpoint: string, op: string, status: number, seconds: number): void {
    this.requests.inc({ endpoint, op, status });
    this.latency.observe({ endpoint, op }, seconds);
  }

  upload(bytes: number, photoOk: boolean): void {
    this.uploads.inc({ photo_ok: String(photoOk) });
    this.uploadBytes.inc(bytes);
  }

  delivered(path: 'stream' | 'sms', seconds: number): void {
    this.delivery.observe({ path }, seconds);
  }

  loginFailed(): void {
    this.loginFailures.inc();
  }

  guessRefused(kind: string): void {
    this.guessesRefused.inc({ kind });
  }

  /** The gateway, counting what it sends and what fails by kind. */
  metered(gateway: SmsGateway): SmsGateway {
    const messages = this.messages;
    return {
      name: gateway.name,
      async send(message: SmsMessage): Promise<SmsResult> {
        try {
          const result = await gateway.send(message);
          messages.inc({ kind: message.kind, result: result.ok ? 'sent' : 'failed' });
          return result;
        } catch (err) {
          messages.inc({ kind: message.kind, result: 'failed' });
          throw err;
        }
      },
    };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
