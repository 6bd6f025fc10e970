// Local ESLint rule: a unit conversion written by hand (`energyUj / 1e6`, `intervalMs * 1000`)
// is where a wrong factor hides, and every such site repeats a decision units.ts already made.
// It flags * and / by 1e3, 1e6 or 1e9 (in any spelling: 1000, 1_000_000, 1e9, and bigints) when
// the other side names an energy, power, time or frequency figure (by the words of its
// identifiers: energyUj, duration_ms, warmupS, khz, ...). A factor that is not a unit conversion
// (rounding to 1/1000) carries an `eslint-disable-next-line isawatt/no-bare-scale-factor -- why`.
const FACTORS = new Set([1e3, 1e6, 1e9]);
// Words (camelCase / snake_case parts, lower-cased) that name a figure with a unit.
const UNIT_WORDS = new Set([
  'uj',
  'mj',
  'j',
  'kj',
  'joules',
  'energy',
  'uw',
  'mw',
  'w',
  'kw',
  'wh',
  'kwh',
  'watts',
  'power',
  'ns',
  'us',
  'ms',
  's',
  'sec',
  'secs',
  'seconds',
  'time',
  'duration',
  'interval',
  'elapsed',
  'warmup',
  'idle',
  'settle',
  'age',
  'delay',
  'wall',
  'timestamp',
  'now',
  'uptime',
  'latency',
  'estimate',
  'step',
  'ts',
  'dt',
  'hz',
  'khz',
  'mhz',
  'ghz',
  'freq',
  'frequency',
]);

function words(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function namesUnit(node, visitorKeys) {
  let found = false;
  const visit = (n) => {
    if (found || n === null || typeof n !== 'object') return;
    if (n.type === 'Identifier' && words(n.name).some((w) => UNIT_WORDS.has(w))) {
      found = true;
      return;
    }
    for (const key of visitorKeys[n.type] ?? []) {
      const child = n[key];
      if (Array.isArray(child)) child.forEach(visit);
      else visit(child);
    }
  };
  visit(node);
  return found;
}

function isFactor(node) {
  if (node.type !== 'Literal') return false;
  if (typeof node.value === 'number') return FACTORS.has(node.value);
  if (typeof node.bigint === 'string') return FACTORS.has(Number(node.bigint.replace(/_/g, '')));
  return false;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'unit conversions by 1e3/1e6/1e9 go through @isawatt/common units.ts' },
    schema: [],
    messages: {
      bare: 'bare scale factor {{factor}} next to a unit-bearing name: use a named conversion from units.ts (@isawatt/common), or say why not in an eslint-disable comment',
    },
  },
  create(context) {
    const keys = context.sourceCode.visitorKeys;
    const check = (factor, other) => {
      if (isFactor(factor) && namesUnit(other, keys)) context.report({ node: factor, messageId: 'bare', data: { factor: factor.raw } });
    };
    return {
      BinaryExpression(node) {
        if (node.operator !== '*' && node.operator !== '/') return;
        check(node.right, node.left);
        check(node.left, node.right);
      },
      AssignmentExpression(node) {
        if (node.operator === '*=' || node.operator === '/=') check(node.right, node.left);
      },
    };
  },
};
