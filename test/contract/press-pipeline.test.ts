import { describeOnEveryStore } from '../helpers/stores.ts';
import { pressGuardContract } from './press-guard.contract.ts';
import { pressPipelineContract } from './press-pipeline.contract.ts';
import { pressVersionsContract } from './press-versions.contract.ts';

describeOnEveryStore('press pipeline', pressPipelineContract);
describeOnEveryStore('press guard', pressGuardContract);
describeOnEveryStore('press contract versions', pressVersionsContract);
