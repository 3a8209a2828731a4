import { describeOnEveryStore } from '../helpers/stores.ts';
import { pressGuardContract } from './press-guard.contract.ts';
import { pressPipelineContract } from './press-pipeline.contract.ts';

describeOnEveryStore('press pipeline', pressPipelineContract);
describeOnEveryStore('press guard', pressGuardContract);
