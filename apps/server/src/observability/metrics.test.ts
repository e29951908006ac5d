import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMetrics } from './metrics.js';

describe('createMetrics', () => {
  test('request counter and histogram carry method, route and status', async () => {
    const m = createMetrics({ version: '1.0.0', defaultMetrics: false });
    m.observeRequest('GET', '/api/elections/:id', 200, 0.012);
    m.observeRequest('GET', '/api/elections/:id', 200, 0.3);
    m.observeRequest('POST', 'unmatched', 404, 0.001);
    const text = await m.render();
    assert.match(text, /^http_requests_total\{method="GET",route="\/api\/elections\/:id",status="200"\} 2$/m);
    assert.match(text, /^http_requests_total\{method="POST",route="unmatched",status="404"\} 1$/m);
    assert.match(
      text,
      /^http_request_duration_seconds_bucket\{le="0.025",method="GET",route="\/api\/elections\/:id",status="200"\} 1$/m,
    );
    assert.match(
      text,
      /^http_request_duration_seconds_count\{method="GET",route="\/api\/elections\/:id",status="200"\} 2$/m,
    );
  });

  test('build info and DB pool gauges are read at scrape time', async () => {
    let stats = { total: 4, idle: 3, waiting: 0, max: 10 };
    const m = createMetrics({ version: '1.0.0', defaultMetrics: false, poolStats: () => stats });
    assert.match(
      await m.render(),
      new RegExp(`^electra_build_info\\{version="1.0.0",node="${process.version}"\\} 1$`, 'm'),
    );
    let text = await m.render();
    assert.match(text, /^electra_db_pool_connections\{state="total"\} 4$/m);
    assert.match(text, /^electra_db_pool_connections\{state="idle"\} 3$/m);
    assert.match(text, /^electra_db_pool_connections\{state="waiting"\} 0$/m);
    assert.match(text, /^electra_db_pool_max 10$/m);
    stats = { total: 10, idle: 0, waiting: 7, max: 10 };
    text = await m.render();
    assert.match(text, /^electra_db_pool_connections\{state="waiting"\} 7$/m);
  });

  test('default process metrics include event-loop lag; registries are independent', async () => {
    const a = createMetrics({ version: '1' });
    const b = createMetrics({ version: '2' });
    a.observeRequest('GET', '/x', 200, 0.01);
    const textA = await a.render();
    assert.match(textA, /^nodejs_eventloop_lag_seconds /m);
    assert.match(textA, /^process_cpu_user_seconds_total /m);
    assert.doesNotMatch(await b.render(), /route="\/x"/);
    assert.match(a.contentType, /^text\/plain/);
  });
});
