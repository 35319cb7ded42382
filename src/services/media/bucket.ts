import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import type { Config } from '../../config.js';
import type { FileStore } from './files.js';

/** How long one call to the bucket may take before it counts as failed. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The S3 client for S3_BUCKET: credentials from the SDK's own chain (AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY, a profile, an instance role), checksums only where the API requires them (so
 * that Tencent COS, MinIO and other S3-compatible stores accept our requests), path-style addressing
 * when S3_FORCE_PATH_STYLE=1.
 */
export function s3Client(s3: NonNullable<Config['s3']>): S3Client {
  return new S3Client({
    region: s3.region,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    forcePathStyle: s3.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: 5000 },
  });
}

const missing = (err: unknown) => err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404);

/**
 * One kind of stored file (photos, portraits, uploads, packages) under `<kind>/` in a bucket: the
 * FileStore that several instances share. A PUT is durable when it returns, so `stage` writes the object
 * under its final name and `place` has nothing left to do; an object whose row never commits is not
 * deleted in place (another upload may carry the same bytes, and so the same name) but left to the
 * orphan sweep, which removes only objects older than a grace period that no row names.
 */
export class BucketDir implements FileStore {
  constructor(readonly client: S3Client, readonly bucket: string, private readonly kind: string) {}

  key(name: string): string {
    return `${this.kind}/${name}`;
  }

  async init(): Promise<void> {}

  async stage(name: string, bytes: Buffer): Promise<string> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(name), Body: bytes, ContentLength: bytes.length }));
    return name;
  }

  async stageCopy(name: string, source: string): Promise<string> {
    const { size } = await fs.promises.stat(source);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(name), Body: fs.createReadStream(source), ContentLength: size }));
    return name;
  }

  async stageFrom(name: string, source: FileStore, sourceName: string): Promise<string> {
    if (!(source instanceof BucketDir) || source.client !== this.client) return this.stage(name, await source.read(sourceName));
    // copied inside the bucket: a package of hundreds of MB never passes through this process
    await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: this.key(name), CopySource: `${source.bucket}/${source.key(sourceName)}` }));
    return name;
  }

  /** A local file (a finished two-step upload) stored under `name`; the local file is removed. */
  async adopt(local: string, name: string): Promise<void> {
    try {
      await this.stageCopy(name, local);
    } finally {
      await fs.promises.unlink(local).catch(() => undefined);
    }
  }

  async place(): Promise<void> {}

  async discard(): Promise<void> {}

  async remove(name: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
  }

  async read(name: string): Promise<Buffer> {
    let res;
    try {
      res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
    } catch (err) {
      if (missing(err)) throw Object.assign(new Error(`no object ${this.key(name)}`), { code: 'ENOENT' });
      throw err;
    }
    return Buffer.from(await res.Body!.transformToByteArray());
  }

  readStaged(staged: string): Promise<Buffer> {
    return this.read(staged);
  }

  async leftovers(): Promise<{ name: string; staged: string }[]> {
    return [];
  }

  async *storedBefore(before: number): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.kind}/`, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (o.Key && o.LastModified && o.LastModified.getTime() < before) yield o.Key.slice(this.kind.length + 1);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Streams the object with its ETag and Last-Modified; a Range gives 206, a matching If-None-Match 304. */
  async send(req: IncomingMessage, res: ServerResponse, name: string, headers: Record<string, string>): Promise<boolean> {
    const range = typeof req.headers.range === 'string' && /^bytes=\d*-\d*$/.test(req.headers.range) ? req.headers.range : undefined;
    const ifNoneMatch = typeof req.headers['if-none-match'] === 'string' ? req.headers['if-none-match'] : undefined;
    let out;
    try {
      out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(name), Range: range, IfNoneMatch: ifNoneMatch }));
    } catch (err) {
      if (missing(err)) return false;
      const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
      if (status === 304) {
        res.writeHead(304, { ...headers, ETag: ifNoneMatch! }).end();
        return true;
      }
      if (status === 416) {
        res.writeHead(416, { ...headers, 'Content-Range': 'bytes */*' }).end();
        return true;
      }
      throw err;
    }
    res.writeHead(out.ContentRange ? 206 : 200, {
      ...headers,
      'Content-Type': 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      ...(out.ContentLength !== undefined ? { 'Content-Length': String(out.ContentLength) } : {}),
      ...(out.ContentRange ? { 'Content-Range': out.ContentRange } : {}),
      ...(out.ETag ? { ETag: out.ETag } : {}),
      ...(out.LastModified ? { 'Last-Modified': out.LastModified.toUTCString() } : {}),
    });
    if (req.method === 'HEAD') {
      (out.Body as NodeJS.ReadableStream & { destroy(): void }).destroy();
      res.end();
      return true;
    }
    const body = out.Body as NodeJS.ReadableStream & { destroy(): void };
    res.on('close', () => body.destroy());
    body.pipe(res);
    return true;
  }

  async ping(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }
}
