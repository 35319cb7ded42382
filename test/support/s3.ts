import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/**
 * A local S3-compatible server for tests: s3rver (npm), an implementation of S3's REST API (buckets,
 * PUT/GET with Range and conditional requests, listing, copy, delete) over a folder, on 127.0.0.1 in a
 * temporary folder removed by `remove()`. It does not verify SigV4 signatures (its code says that
 * check is unimplemented), so what the tests check is that our requests are well-formed S3 calls.
 * Its default key pair is S3RVER / S3RVER.
 */
export async function startS3(bucket = 'helpaged') {
  // the SDK's notice that its releases after January 2027 need Node 22 (we pin one that supports Node 20)
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helpaged-s3-'));
  let port = 0;
  let server: S3rver | null = null;
  const up = async () => {
    server = new S3rver({ port, address: '127.0.0.1', directory: dir, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
    port = ((await server.run()) as { port: number }).port;
  };
  await up();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    bucket,
    endpoint,
    /** What a server needs to keep its files in this bucket. */
    env: {
      S3_BUCKET: bucket, S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: '1',
      AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    async keys(prefix = ''): Promise<string[]> {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        out.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    async get(key: string): Promise<Buffer> {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await res.Body!.transformToByteArray());
    },
    async put(key: string, bytes: Buffer): Promise<void> {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    },
    /** Stops answering (connections refused) until `start`; what it stored stays. */
    async stop(): Promise<void> {
      await server?.close();
      server = null;
    },
    start: up,
    async remove(): Promise<void> {
      await server?.close();
      client.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
