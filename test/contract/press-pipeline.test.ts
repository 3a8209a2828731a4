import { ALL_STORES } from '../helpers/stores.ts';
import { describePressGuard } from './press-guard.contract.ts';
import { describePressPipeline } from './press-pipeline.contract.ts';

for (const factory of ALL_STORES) {
  if (factory.unavailable)
    console.log(`skip: press pipeline on ${factory.name}: ${factory.unavailable}`);
  describePressPipeline(factory);
  describePressGuard(factory);
}
