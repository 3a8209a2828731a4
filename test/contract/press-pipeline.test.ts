import { describeOnEveryStore } from '../helpers/stores.ts';
import { pressPipelineContract } from './press-pipeline.contract.ts';

describeOnEveryStore('press pipeline', pressPipelineContract);
