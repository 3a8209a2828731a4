import { describeOnEveryStore } from '../helpers/stores.ts';
import { otaStoresContract } from './ota-stores.contract.ts';

describeOnEveryStore('firmware updates and settings', otaStoresContract);
