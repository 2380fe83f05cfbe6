import { isoDay, type Samples } from './dataset';

/** One HTTP request as autocannon sends it. */
export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** A load scenario: what to send (a fresh random request each time) and how hard. */
export interface Scenario {
  name: string;
  description: string;
  connections: number;
  /** Write scenarios are compared with a raw-driver baseline and their acknowledged rows counted. */
  write?: { baseline: 'singleRowInsert' | 'unnestBatch'; itemsPerRequest: number };
  /** A fresh request (random keys from the loaded data). */
  next(): BenchRequest;
}

export interface ScenarioContext {
  samples: Samples;
  /** user_id that marks this run's rows (counted afterwards, then deleted). */
  marker: (scenario: string) => string;
  readConnections: number;
  batchSize: number;
}

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)];

/** The bench's GraphQL list: 50 items with their lookups nested, and the total (also the peer's, bench/peer.ts). */
export const GRAPHQL_LIST = `query BenchList($filter: InteractionFilterInput) {
  interactions(filter: $filter, limit: 50) {
    items { id interactionNumber resourceId uowId createdDate
      resourceType { mnemonic name icon fontColorHex bgColorHex }
      action { mnemonic name icon fontColorHex bgColorHex }
      origin { mnemonic name icon fontColorHex bgColorHex } }
    pagination { total totalPages }
  }
}`;

/** Every scenario in the order they run (writes first, so reads see the grown table too). */
export function buildScenarios({ samples, marker, readConnections, batchSize }: ScenarioContext): Scenario[] {
  let counter = 0;
  const createBody = () => {
    counter += 1;
    return {
      resourceId: `bench-${counter}`,
      resourceType: pick(samples.resourceTypes),
      action: pick(samples.actions),
      origin: 'BENCH_ORIGIN_01',
      interaction: { amount: 12.5, step: counter },
    };
  };
  const read = (name: string, description: string, next: () => BenchRequest): Scenario => ({
    name,
    description,
    connections: readConnections,
    next,
  });
  return [
    {
      name: 'create-single',
      description: 'POST /api/interactions, one interaction per request',
      connections: 64,
      write: { baseline: 'singleRowInsert', itemsPerRequest: 1 },
      next: () => ({
        method: 'POST',
        path: '/api/interactions',
        body: JSON.stringify(createBody()),
        headers: { 'x-userid': marker('create-single') },
      }),
    },
    {
      name: 'create-batch',
      description: `POST /api/interactions/batch, ${batchSize} interactions per request`,
      connections: 4,
      write: { baseline: 'unnestBatch', itemsPerRequest: batchSize },
      next: () => ({
        method: 'POST',
        path: '/api/interactions/batch',
        body: JSON.stringify({ interactions: Array.from({ length: batchSize }, createBody) }),
        headers: { 'x-userid': marker('create-batch') },
      }),
    },
    read('list-by-resource', 'GET /api/interactions?resourceId=<random existing>', () => ({
      method: 'GET',
      path: `/api/interactions?resourceId=${encodeURIComponent(pick(samples.resourceIds))}`,
    })),
    read(
      'list-by-action-range-page1',
      'GET /api/interactions?action=<random>&startDate=<30 days ago>&endDate=<today>',
      () => ({
        method: 'GET',
        path: `/api/interactions?action=${pick(samples.actions)}&startDate=${isoDay(30)}&endDate=${isoDay(0)}&page=1`,
      }),
    ),
    read('list-by-action-range-page200', 'the same, page=200 (offset 9,950)', () => ({
      method: 'GET',
      path: `/api/interactions?action=${pick(samples.actions)}&startDate=${isoDay(30)}&endDate=${isoDay(0)}&page=200`,
    })),
    read(
      'list-by-action-range-cursor200',
      'the rows of page 200 again, by cursor: &cursor=<after row 9,950> instead of page=200',
      () => {
        const { action, cursor } = pick(samples.deepCursors);
        return {
          method: 'GET',
          path: `/api/interactions?action=${action}&startDate=${isoDay(30)}&endDate=${isoDay(0)}&cursor=${cursor}`,
        };
      },
    ),
    read('get-by-id', 'GET /api/interactions/<random existing id>', () => ({
      method: 'GET',
      path: `/api/interactions/${pick(samples.ids)}`,
    })),
    read(
      'graphql-list-50',
      'POST /graphql interactions(limit: 50) of one resource type over 7 days, lookups nested',
      () => ({
        method: 'POST',
        path: '/graphql',
        body: JSON.stringify({
          query: GRAPHQL_LIST,
          variables: { filter: { resourceType: pick(samples.resourceTypes), startDate: isoDay(7) } },
        }),
      }),
    ),
    read('timeline-90-days', 'GET /api/interactions/timeline?days=90', () => ({
      method: 'GET',
      path: '/api/interactions/timeline?days=90',
    })),
    // A resource's or a user's own timeline: counted live through the filter's index (the daily counts cannot
    // answer them), the cost issue 14 (defect 3) asked to see.
    read('timeline-90-days-resource', 'GET /api/interactions/timeline?days=90&resourceId=<random existing>', () => ({
      method: 'GET',
      path: `/api/interactions/timeline?days=90&resourceId=${encodeURIComponent(pick(samples.resourceIds))}`,
    })),
    read('timeline-90-days-user', 'GET /api/interactions/timeline?days=90&userId=<random existing>', () => ({
      method: 'GET',
      path: `/api/interactions/timeline?days=90&userId=${encodeURIComponent(pick(samples.userIds))}`,
    })),
    read('trace-summary', 'GET /api/traces/<random existing uowId>/summary', () => ({
      method: 'GET',
      path: `/api/traces/${pick(samples.uowIds)}/summary`,
    })),
    read('activity-10-resources', 'POST /api/activity with 10 random existing resourceIds', () => ({
      method: 'POST',
      path: '/api/activity',
      body: JSON.stringify({
        resources: Array.from({ length: 10 }, () => ({ resourceId: pick(samples.resourceIds) })),
      }),
    })),
  ];
}
