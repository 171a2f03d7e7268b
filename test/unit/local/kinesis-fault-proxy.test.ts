import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublish, KinesisFaultProxy, kinesisOperation } from '../../../infra/local/kinesis-fault-proxy';

describe('Function: kinesisOperation', () => {
  it('reads the operation from X-Amz-Target (JSON) or the path (RPC v2 CBOR)', () => {
    expect(kinesisOperation({ 'x-amz-target': 'Kinesis_20131202.PutRecords' }, '/')).toBe('PutRecords');
    expect(kinesisOperation({}, '/service/Kinesis_20131202/operation/PutRecord')).toBe('PutRecord');
    expect(kinesisOperation({}, '/healthcheck')).toBeUndefined();
  });

  it('counts PutRecord and PutRecords as publishing, and nothing else', () => {
    expect(isPublish({ 'x-amz-target': 'Kinesis_20131202.PutRecord' }, '/')).toBe(true);
    expect(isPublish({ 'x-amz-target': 'Kinesis_20131202.PutRecords' }, '/')).toBe(true);
    expect(isPublish({ 'x-amz-target': 'Kinesis_20131202.GetRecords' }, '/')).toBe(false);
    expect(isPublish({ 'x-amz-target': 'Kinesis_20131202.DescribeStreamSummary' }, '/')).toBe(false);
  });
});

/** Stands in for kinesis-local: answers every request with what it received. */
class UpstreamStandIn {
  readonly received: Array<{ target: string | undefined; body: string; host: string | undefined }> = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.received.push({ target: req.headers['x-amz-target'] as string | undefined, body, host: req.headers.host });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ echoed: body }));
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('Class: KinesisFaultProxy', () => {
  let upstream: UpstreamStandIn;
  let upstreamUrl: string;
  let proxy: KinesisFaultProxy;

  beforeEach(async () => {
    upstream = new UpstreamStandIn();
    upstreamUrl = await upstream.listen();
    proxy = await KinesisFaultProxy.start(upstreamUrl);
  });

  afterEach(async () => {
    await proxy.close();
    await upstream.close();
  });

  const call = (target: string, body = '{"StreamName":"order-events"}') =>
    fetch(proxy.url, { method: 'POST', headers: { 'x-amz-target': `Kinesis_20131202.${target}`, 'content-type': 'application/x-amz-json-1.1' }, body });

  it('passes every call through unchanged while up', async () => {
    const response = await call('PutRecords', '{"Records":[]}');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ echoed: '{"Records":[]}' });
    expect(upstream.received).toEqual([{ target: 'Kinesis_20131202.PutRecords', body: '{"Records":[]}', host: new URL(upstreamUrl).host }]);
  });

  it('answers every publish with 503 ServiceUnavailable while down, passes the rest, and publishes again once up', async () => {
    proxy.setPublishing(false);

    const put = await call('PutRecord');
    const puts = await call('PutRecords');
    const read = await call('DescribeStreamSummary');

    expect(proxy.isPublishing).toBe(false);
    expect([put.status, puts.status, read.status]).toEqual([503, 503, 200]);
    expect(await put.json()).toMatchObject({ __type: 'ServiceUnavailable' });
    expect(upstream.received.map((request) => request.target)).toEqual(['Kinesis_20131202.DescribeStreamSummary']);

    proxy.setPublishing(true);

    expect((await call('PutRecord')).status).toBe(200);
  });

  it('answers 502 when kinesis-local does not answer', async () => {
    await upstream.close();

    const response = await call('DescribeStreamSummary');

    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ __type: 'InternalFailure' });
  });
});
