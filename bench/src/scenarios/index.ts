/** Every scenario of issue 7, in the order they run and are reported. */
import { acksScenario } from './acks.js';
import { bundleScenario } from './bundle.js';
import { codecScenario } from './codec.js';
import { fanoutScenario } from './fanout.js';
import { memoryScenario } from './memory.js';
import type { Scenario } from './scenario.js';
import { stormScenario } from './storm.js';

export const SCENARIOS: readonly Scenario[] = [
  acksScenario,
  fanoutScenario,
  codecScenario,
  stormScenario,
  memoryScenario,
  bundleScenario,
];
